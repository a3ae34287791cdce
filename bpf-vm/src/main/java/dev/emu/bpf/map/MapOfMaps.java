package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * BPF_MAP_TYPE_ARRAY_OF_MAPS and BPF_MAP_TYPE_HASH_OF_MAPS (kernel/bpf/arraymap.c,
 * hashtab.c, map_in_map.c): values are maps. User space stores a map fd (u32) and reads back the
 * inner map's id; a program's bpf_map_lookup_elem returns the inner map itself, which the
 * verifier types as the template (inner_map_fd at creation) so the program can use it with the
 * map helpers. An inner map must match the template (bpf_map_meta_equal: type, key and value
 * sizes, flags; for arrays also max_entries unless the template has BPF_F_INNER_MAP), and may not
 * itself hold maps. Each stored map is held by a reference the kernel gives ({@link Inner}).
 */
public final class MapOfMaps extends BpfMap {
    /** BPF_F_INNER_MAP: an inner array may differ in max_entries. */
    public static final int BPF_F_INNER_MAP = 1 << 12;

    /** A stored inner map, as the kernel holds it: the map, its id, and the reference to drop. */
    public interface Inner {
        BpfMap map();

        int id();

        /** Drops the outer map's reference. */
        void release();
    }

    /**
     * An element: the inner map, and the empty region a program's pointer to it is (a map
     * pointer cannot be dereferenced; helpers resolve it to the map).
     */
    public record Entry(Inner inner, byte[] marker) {
        public BpfMap map() {
            return inner.map();
        }
    }

    private final boolean array;
    private final BpfMap template;
    private final LinkedHashMap<Integer, Entry> byIndex = new LinkedHashMap<>();
    private final LinkedHashMap<HashTable.Key, Entry> byKey = new LinkedHashMap<>();

    private MapOfMaps(int type, int keySize, int maxEntries, int flags, BpfMap template) {
        super(type, keySize, 4, maxEntries, flags);
        this.array = type == BpfMapType.ARRAY_OF_MAPS;
        this.template = template;
    }

    static MapCreateResult createArray(MapTypes.CreateAttrs a, MemoryCharge charge) {
        return create(BpfMapType.ARRAY_OF_MAPS, a, charge);
    }

    static MapCreateResult createHash(MapTypes.CreateAttrs a, MemoryCharge charge) {
        return create(BpfMapType.HASH_OF_MAPS, a, charge);
    }

    /**
     * fd_array_map_alloc_check / fd_htab_map_alloc_check (value_size 4, no program access
     * flags, then the array or hash checks), then bpf_map_meta_alloc's checks of the template.
     * The template is resolved by the caller: null means inner_map_fd named no map.
     */
    private static MapCreateResult create(int type, MapTypes.CreateAttrs a, MemoryCharge charge) {
        if (a.valueSize() != 4 || (a.flags() & (BpfFlags.BPF_F_RDONLY_PROG | BpfFlags.BPF_F_WRONLY_PROG)) != 0) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        Errno e;
        if (type == BpfMapType.ARRAY_OF_MAPS) {
            e = a.maxEntries() == 0 || a.keySize() != 4 || (a.flags() & ~(4 | BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY)) != 0
                    ? Errno.EINVAL : null;
        } else {
            e = HashTable.check(a.keySize(), a.valueSize(), a.maxEntries(), a.flags(), false, false);
        }
        if (e != null) {
            return MapCreateResult.error(e);
        }
        BpfMap t = a.innerMap();
        if (t == null) {
            return MapCreateResult.error(Errno.EBADF);
        }
        if (t instanceof MapOfMaps) {
            return MapCreateResult.error(Errno.EINVAL); // no more than one level
        }
        if (a.maxEntries() < 0 || !charge.tryCharge(Integer.toUnsignedLong(a.maxEntries()) * 96L)) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new MapOfMaps(type, a.keySize(), a.maxEntries(), a.flags(), t));
    }

    /** The template inner maps must match; the verifier types a looked-up inner map as this. */
    public BpfMap template() {
        return template;
    }

    /** bpf_map_meta_equal (array_map_meta_equal for arrays). */
    public boolean fits(BpfMap m) {
        if (m instanceof MapOfMaps || m.type() != template.type() || m.keySize() != template.keySize()
                || m.valueSize() != template.valueSize() || m.flags() != template.flags()) {
            return false;
        }
        boolean arrayType = m.type() == BpfMapType.ARRAY || m.type() == BpfMapType.PERCPU_ARRAY;
        return !arrayType || (template.flags() & BPF_F_INNER_MAP) != 0 || m.maxEntries() == template.maxEntries();
    }

    @Override
    public long memoryCost() {
        return Integer.toUnsignedLong(maxEntries()) * 96L;
    }

    private static int index(byte[] key) {
        return ArrayKeys.index(key);
    }

    private HashTable.Key hkey(byte[] key) {
        return new HashTable.Key(Arrays.copyOf(key, keySize()));
    }

    private Entry get(byte[] key) {
        return array ? byIndex.get(index(key)) : byKey.get(hkey(key));
    }

    /** The program's lookup: the element (its map and marker), or null. */
    public synchronized Entry lookupEntry(byte[] key) {
        return get(key);
    }

    /** Programs never see a value byte array: bpf_map_lookup_elem gives the inner map ({@link #lookupEntry}). */
    @Override
    public byte[] lookupValue(byte[] key) {
        return null;
    }

    /** MAP_LOOKUP_ELEM from user space: the inner map's id. */
    @Override
    public synchronized int lookup(byte[] key, byte[] valueOut) {
        if (array && Integer.compareUnsigned(index(key), maxEntries()) >= 0) {
            return err(Errno.ENOENT);
        }
        Entry e = get(key);
        if (e == null) {
            return err(Errno.ENOENT);
        }
        int id = e.inner().id();
        for (int i = 0; i < 4; i++) {
            valueOut[i] = (byte) (id >>> (8 * i));
        }
        return 0;
    }

    /** Updates go through {@link #updateInner} (the value is an fd the kernel resolves). */
    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return err(Errno.EINVAL);
    }

    /**
     * MAP_UPDATE_ELEM with the inner map resolved from the value's fd (the caller checked
     * {@link #fits}): arrays take only BPF_ANY (bpf_fd_array_map_update_elem); hashes the usual
     * flags. On success this map owns {@code inner}'s reference, on failure the caller keeps it.
     */
    public synchronized int updateInner(byte[] key, Inner inner, long flags) {
        if (array) {
            if (flags != BpfFlags.BPF_ANY) {
                return err(Errno.EINVAL);
            }
            int idx = index(key);
            if (Integer.compareUnsigned(idx, maxEntries()) >= 0) {
                return err(Errno.E2BIG);
            }
            Entry old = byIndex.put(idx, new Entry(inner, new byte[0]));
            if (old != null) {
                old.inner().release();
            }
            return 0;
        }
        if (flags > BpfFlags.BPF_EXIST || flags < 0) {
            return err(Errno.EINVAL);
        }
        HashTable.Key k = hkey(key);
        Entry old = byKey.get(k);
        if (old != null && flags == BpfFlags.BPF_NOEXIST) {
            return err(Errno.EEXIST);
        }
        if (old == null && flags == BpfFlags.BPF_EXIST) {
            return err(Errno.ENOENT);
        }
        if (old == null && byKey.size() >= maxEntries()) {
            return err(Errno.E2BIG);
        }
        byKey.put(k, new Entry(inner, new byte[0]));
        if (old != null) {
            old.inner().release();
        }
        return 0;
    }

    @Override
    public synchronized int delete(byte[] key) {
        Entry old;
        if (array) {
            int idx = index(key);
            if (Integer.compareUnsigned(idx, maxEntries()) >= 0) {
                return err(Errno.E2BIG);
            }
            old = byIndex.remove(idx);
        } else {
            old = byKey.remove(hkey(key));
        }
        if (old == null) {
            return err(Errno.ENOENT);
        }
        old.inner().release();
        return 0;
    }

    @Override
    public synchronized int getNextKey(byte[] key, byte[] nextKeyOut) {
        if (array) {
            return ArrayKeys.nextKey(key, maxEntries(), nextKeyOut) ? 0 : err(Errno.ENOENT);
        }
        Iterator<HashTable.Key> it = byKey.keySet().iterator();
        if (key != null && byKey.containsKey(hkey(key))) {
            HashTable.Key k = hkey(key);
            while (it.hasNext() && !it.next().equals(k)) {
                // advance past key
            }
        }
        if (!it.hasNext()) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(it.next().bytes(), 0, nextKeyOut, 0, keySize());
        return 0;
    }

    /** The map is freed: drop every inner map's reference. */
    public synchronized void releaseAll() {
        for (Entry e : byIndex.values()) {
            e.inner().release();
        }
        for (Entry e : byKey.values()) {
            e.inner().release();
        }
        byIndex.clear();
        byKey.clear();
    }
}
