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
    public record MapType(int id, String name, Factory factory) {}

    private static final MapType[] BY_ID = new MapType[64];

    static {
        BY_ID[BpfMapType.HASH] = new MapType(BpfMapType.HASH, "HASH", BpfHashMap::create);
        BY_ID[BpfMapType.ARRAY] = new MapType(BpfMapType.ARRAY, "ARRAY", ArrayMap::create);
        BY_ID[BpfMapType.RINGBUF] = new MapType(BpfMapType.RINGBUF, "RINGBUF", RingBuf::create);
        BY_ID[BpfMapType.PERF_EVENT_ARRAY] = new MapType(BpfMapType.PERF_EVENT_ARRAY, "PERF_EVENT_ARRAY", PerfEventArray::create);
        BY_ID[BpfMapType.STACK_TRACE] = new MapType(BpfMapType.STACK_TRACE, "STACK_TRACE", StackTraceMap::create);
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
        MapType t = of(type);
        if (t == null) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        return t.factory.create(keySize, valueSize, maxEntries, flags, charge);
    }
}
