package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * BPF_MAP_TYPE_HASH, analogous to kernel/bpf/hashtab.c. Iteration order (get_next_key) is
 * insertion order; Linux's is bucket order, which no program may rely on.
 */
public final class BpfHashMap extends BpfMap {
    /** Flags htab_map_alloc_check accepts: NO_PREALLOC, NUMA_NODE, access flags, ZERO_SEED. */
    static final int CREATE_FLAGS = BpfFlags.BPF_F_NO_PREALLOC | 4 | BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY
            | BpfFlags.BPF_F_RDONLY_PROG | BpfFlags.BPF_F_WRONLY_PROG | BpfFlags.BPF_F_ZERO_SEED;
    /** sizeof(struct htab_elem) on x86_64, part of Linux's value-size limit. */
    private static final int HTAB_ELEM_SIZE = 48;

    private final LinkedHashMap<Key, byte[]> elements = new LinkedHashMap<>();

    /** A key compared by content. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private BpfHashMap(int keySize, int valueSize, int maxEntries, int flags) {
        super(BpfMapType.HASH, keySize, valueSize, maxEntries, flags);
    }

    /** htab_map_alloc_check: the map or the errno Linux returns. */
    static MapCreateResult create(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge) {
        if ((flags & ~CREATE_FLAGS) != 0 || maxEntries == 0 || keySize == 0 || valueSize == 0) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (Integer.toUnsignedLong(keySize) > BpfFlags.MAX_BPF_STACK) {
            return MapCreateResult.error(Errno.E2BIG);
        }
        if (Integer.toUnsignedLong(valueSize)
                >= ArrayMap.KMALLOC_MAX_SIZE - BpfFlags.MAX_BPF_STACK - HTAB_ELEM_SIZE) {
            return MapCreateResult.error(Errno.E2BIG);
        }
        if (maxEntries < 0 || !charge.tryCharge(cost(keySize, valueSize, maxEntries))) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new BpfHashMap(keySize, valueSize, maxEntries, flags));
    }

    /** Java's overhead of one element: the Key record and its LinkedHashMap entry and table slot. */
    private static final int ELEMENT_OVERHEAD = 16 + 40 + 8;

    /**
     * Every element the map may hold, charged at creation as Linux charges a preallocated hash
     * table: key and value arrays plus the element overhead.
     */
    private static long cost(int keySize, int valueSize, int maxEntries) {
        return Integer.toUnsignedLong(maxEntries)
                * (ELEMENT_OVERHEAD + 2L * ARRAY_HEADER + round8(keySize) + round8(valueSize));
    }

    @Override
    public long memoryCost() {
        return cost(keySize(), valueSize(), maxEntries());
    }

    private Key key(byte[] k) {
        return new Key(k.length == keySize() ? k.clone() : Arrays.copyOf(k, keySize()));
    }

    /** Number of elements present. */
    public synchronized int size() {
        return elements.size();
    }

    @Override
    public synchronized byte[] lookupValue(byte[] key) {
        return elements.get(key(key));
    }

    @Override
    public synchronized int lookup(byte[] key, byte[] valueOut) {
        byte[] v = elements.get(key(key));
        if (v == null) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(v, 0, valueOut, 0, v.length);
        return 0;
    }

    @Override
    public synchronized int update(byte[] key, byte[] value, long flags) {
        if ((flags & ~BpfFlags.BPF_F_LOCK) > BpfFlags.BPF_EXIST || (flags & BpfFlags.BPF_F_LOCK) != 0) {
            return err(Errno.EINVAL);
        }
        Key k = key(key);
        byte[] old = elements.get(k);
        if (old != null && flags == BpfFlags.BPF_NOEXIST) {
            return err(Errno.EEXIST);
        }
        if (old == null && flags == BpfFlags.BPF_EXIST) {
            return err(Errno.ENOENT);
        }
        if (old != null) {
            // Updated in place so that a program's pointer to the value stays valid.
            System.arraycopy(value, 0, old, 0, valueSize());
            return 0;
        }
        if (elements.size() >= maxEntries()) {
            return err(Errno.E2BIG);
        }
        elements.put(k, Arrays.copyOf(value, valueSize()));
        return 0;
    }

    @Override
    public synchronized int delete(byte[] key) {
        return elements.remove(key(key)) == null ? err(Errno.ENOENT) : 0;
    }

    @Override
    public synchronized int lookupAndDelete(byte[] key, byte[] valueOut, long flags) {
        if (flags != 0) {
            return err(Errno.EINVAL); // BPF_F_LOCK: no spin lock in the value
        }
        byte[] v = elements.remove(key(key));
        if (v == null) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(v, 0, valueOut, 0, v.length);
        return 0;
    }

    @Override
    public synchronized int getNextKey(byte[] key, byte[] nextKeyOut) {
        Iterator<Key> it = elements.keySet().iterator();
        if (key != null && elements.containsKey(key(key))) {
            Key k = key(key);
            while (it.hasNext()) {
                if (it.next().equals(k)) {
                    break;
                }
            }
        }
        if (!it.hasNext()) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(it.next().bytes, 0, nextKeyOut, 0, keySize());
        return 0;
    }

    /** Snapshot of the keys, in iteration order (for tests and tools). */
    public synchronized Iterable<byte[]> keys() {
        return elements.keySet().stream().map(k -> k.bytes.clone()).toList();
    }
}
