package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfMapType;

/**
 * The static table of map types by Linux type id (cf. include/linux/bpf_types.h). A type id with
 * no entry is refused with EINVAL, as Linux refuses an unknown map_type.
 */
public final class MapTypes {
    private MapTypes() {}

    /** Creates a map from its attributes (already validated by the type's checks). */
    @FunctionalInterface
    public interface Factory {
        /**
         * The map, or the errno Linux returns for these attributes: the checks first, then the
         * charge of the map's {@link BpfMap#memoryCost()} (refused: ENOMEM), then the storage.
         */
        MapCreateResult create(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge);
    }

    /**
     * One row of the table.
     *
     * @param id Linux map type id
     * @param name Linux's name without the BPF_MAP_TYPE_ prefix
     * @param factory creation with Linux's checks
     */
    public record MapType(int id, String name, Factory factory, AttrFactory attrFactory) {
        /** A row whose creation needs only the basic attributes. */
        public MapType(int id, String name, Factory factory) {
            this(id, name, factory, null);
        }
    }

    /**
     * BPF_MAP_CREATE's attributes beyond the basic ones: map_extra (bloom filter) and the inner
     * map template (map-in-map types), for the types whose {@link AttrFactory} needs them.
     */
    public record CreateAttrs(int keySize, int valueSize, int maxEntries, int flags, long mapExtra, BpfMap innerMap) {}

    /** Creation from all the attributes (cf. {@link Factory}). */
    @FunctionalInterface
    public interface AttrFactory {
        MapCreateResult create(CreateAttrs attrs, MemoryCharge charge);
    }

    private static final MapType[] BY_ID = new MapType[64];

    static {
        BY_ID[BpfMapType.HASH] = new MapType(BpfMapType.HASH, "HASH", BpfHashMap::create);
        BY_ID[BpfMapType.ARRAY] = new MapType(BpfMapType.ARRAY, "ARRAY", ArrayMap::create);
        BY_ID[BpfMapType.RINGBUF] = new MapType(BpfMapType.RINGBUF, "RINGBUF", RingBuf::create);
        BY_ID[BpfMapType.PERCPU_HASH] = new MapType(BpfMapType.PERCPU_HASH, "PERCPU_HASH", PercpuHashMap::create);
        BY_ID[BpfMapType.PERCPU_ARRAY] = new MapType(BpfMapType.PERCPU_ARRAY, "PERCPU_ARRAY", PercpuArrayMap::create);
        BY_ID[BpfMapType.LRU_HASH] = new MapType(BpfMapType.LRU_HASH, "LRU_HASH", LruHashMap::create);
        BY_ID[BpfMapType.LRU_PERCPU_HASH] = new MapType(BpfMapType.LRU_PERCPU_HASH, "LRU_PERCPU_HASH",
                LruPercpuHashMap::create);
        BY_ID[BpfMapType.LPM_TRIE] = new MapType(BpfMapType.LPM_TRIE, "LPM_TRIE", LpmTrieMap::create);
        BY_ID[BpfMapType.QUEUE] = new MapType(BpfMapType.QUEUE, "QUEUE", QueueStackMap::createQueue);
        BY_ID[BpfMapType.STACK] = new MapType(BpfMapType.STACK, "STACK", QueueStackMap::createStack);
        BY_ID[BpfMapType.ARRAY_OF_MAPS] = new MapType(BpfMapType.ARRAY_OF_MAPS, "ARRAY_OF_MAPS", null,
                MapOfMaps::createArray);
        BY_ID[BpfMapType.HASH_OF_MAPS] = new MapType(BpfMapType.HASH_OF_MAPS, "HASH_OF_MAPS", null,
                MapOfMaps::createHash);
        BY_ID[BpfMapType.BLOOM_FILTER] = new MapType(BpfMapType.BLOOM_FILTER, "BLOOM_FILTER", null,
                BloomFilterMap::create);
    }

    /** The table row for {@code type}, or null if emu does not implement it. */
    public static MapType of(int type) {
        return type >= 0 && type < BY_ID.length ? BY_ID[type] : null;
    }

    /** BPF_MAP_CREATE without a memory limit. */
    public static MapCreateResult create(int type, int keySize, int valueSize, int maxEntries, int flags) {
        return create(type, keySize, valueSize, maxEntries, flags, MemoryCharge.UNLIMITED);
    }

    /**
     * BPF_MAP_CREATE: the new map or the errno Linux returns, its memory charged to
     * {@code charge} first. Unknown types → EINVAL.
     */
    public static MapCreateResult create(int type, int keySize, int valueSize, int maxEntries, int flags,
                                         MemoryCharge charge) {
        return create(type, new CreateAttrs(keySize, valueSize, maxEntries, flags, 0, null), charge);
    }

    /**
     * BPF_MAP_CREATE with every attribute: map_extra only for the bloom filter (else EINVAL, as
     * map_create), unknown types EINVAL, then the type's checks.
     */
    public static MapCreateResult create(int type, CreateAttrs a, MemoryCharge charge) {
        if (a.mapExtra() != 0 && type != BpfMapType.BLOOM_FILTER) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        MapType t = of(type);
        if (t == null) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (t.attrFactory != null) {
            return t.attrFactory.create(a, charge);
        }
        return t.factory.create(a.keySize(), a.valueSize(), a.maxEntries(), a.flags(), charge);
    }
}
