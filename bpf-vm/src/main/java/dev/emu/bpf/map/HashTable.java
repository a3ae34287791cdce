package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The storage shared by the per-CPU and LRU hash map types (kernel/bpf/hashtab.c): elements by
 * key, iterated in insertion order (Linux's is bucket order, which no program may rely on). Per
 * CPU: a value is round_up(value_size, 8) bytes for each of the {@link #POSSIBLE_CPUS} CPUs in
 * user space; programs see CPU 0's value_size bytes. LRU: when the map is full an insertion evicts
 * the least recently used element (used = inserted, updated or looked up by a program; lookups
 * from user space do not count, as htab_lru_map_lookup_elem_sys), as Linux's common LRU list does
 * on one CPU; a full non-LRU map refuses with E2BIG.
 */
abstract class HashTable extends BpfMap {
    /** htab_map_alloc_check's HTAB_CREATE_FLAG_MASK: NO_PREALLOC, NO_COMMON_LRU, NUMA_NODE, access flags, ZERO_SEED. */
    static final int CREATE_FLAGS = BpfFlags.BPF_F_NO_PREALLOC | 2 | 4 | BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY
            | BpfFlags.BPF_F_RDONLY_PROG | BpfFlags.BPF_F_WRONLY_PROG | BpfFlags.BPF_F_ZERO_SEED;
    static final int BPF_F_NO_COMMON_LRU = 2;
    /** PCPU_MIN_UNIT_SIZE: the largest per-CPU value. */
    static final int PCPU_MIN_UNIT_SIZE = 32768;
    private static final int HTAB_ELEM_SIZE = 48;
    private static final int ELEMENT_OVERHEAD = 16 + 40 + 8;

    private final boolean percpu, lru;
    private final LinkedHashMap<Key, byte[]> elements = new LinkedHashMap<>();

    record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    HashTable(int type, int keySize, int valueSize, int maxEntries, int flags, boolean percpu, boolean lru) {
        super(type, keySize, valueSize, maxEntries, flags);
        this.percpu = percpu;
        this.lru = lru;
    }

    /** htab_map_alloc_check for a hash type: null if the attributes are fine, else the errno. */
    static Errno check(int keySize, int valueSize, int maxEntries, int flags, boolean percpu, boolean lru) {
        if ((flags & ~CREATE_FLAGS) != 0 || ((flags & BpfFlags.BPF_F_RDONLY) != 0 && (flags & BpfFlags.BPF_F_WRONLY) != 0)) {
            return Errno.EINVAL;
        }
        if (!lru && (flags & BPF_F_NO_COMMON_LRU) != 0) {
            return Errno.EINVAL;
        }
        if (lru && (flags & BpfFlags.BPF_F_NO_PREALLOC) != 0) {
            return Errno.ENOTSUPP;
        }
        if ((flags & 4) != 0 && (percpu || (flags & BPF_F_NO_COMMON_LRU) != 0)) {
            return Errno.EINVAL; // a NUMA node with per-CPU storage
        }
        if (maxEntries == 0 || keySize == 0 || valueSize == 0) {
            return Errno.EINVAL;
        }
        if (Integer.toUnsignedLong(keySize) > BpfFlags.MAX_BPF_STACK) {
            return Errno.E2BIG;
        }
        if (Integer.toUnsignedLong(keySize) + Integer.toUnsignedLong(valueSize)
                >= ArrayMap.KMALLOC_MAX_SIZE - HTAB_ELEM_SIZE) {
            return Errno.E2BIG;
        }
        if (percpu && round8(Integer.toUnsignedLong(valueSize)) > PCPU_MIN_UNIT_SIZE) {
            return Errno.E2BIG;
        }
        if (maxEntries < 0) {
            return Errno.ENOMEM;
        }
        return null;
    }

    /** Every element the map may hold, charged at creation (all these types preallocate). */
    static long cost(int keySize, int valueSize, int maxEntries) {
        return Integer.toUnsignedLong(maxEntries)
                * (ELEMENT_OVERHEAD + 2L * ARRAY_HEADER + round8(keySize) + round8(valueSize) * POSSIBLE_CPUS);
    }

    @Override
    public long memoryCost() {
        return cost(keySize(), valueSize(), maxEntries());
    }

    @Override
    public int userValueSize() {
        return percpu ? (int) round8(valueSize()) * POSSIBLE_CPUS : valueSize();
    }

    /** Size of the stored value: per CPU the whole rounded slot (user space may write its padding). */
    private int storedSize() {
        return percpu ? (int) round8(valueSize()) : valueSize();
    }

    private Key key(byte[] k) {
        return new Key(k.length == keySize() ? k.clone() : Arrays.copyOf(k, keySize()));
    }

    /** Number of elements present. */
    public synchronized int size() {
        return elements.size();
    }

    /** Marks {@code k} most recently used (LRU maps: moved to the end of the eviction order). */
    private void touch(Key k, byte[] v) {
        if (lru) {
            elements.remove(k);
            elements.put(k, v);
        }
    }

    @Override
    public synchronized byte[] lookupValue(byte[] key) {
        Key k = key(key);
        byte[] v = elements.get(k);
        if (v != null) {
            touch(k, v);
        }
        return v;
    }

    @Override
    public synchronized int lookup(byte[] key, byte[] valueOut) {
        byte[] v = elements.get(key(key));
        if (v == null) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(v, 0, valueOut, 0, Math.min(v.length, valueOut.length));
        return 0;
    }

    @Override
    public synchronized int update(byte[] key, byte[] value, long flags) {
        if (flags > BpfFlags.BPF_EXIST || flags < 0) {
            return err(Errno.EINVAL); // BPF_F_LOCK needs a spin lock in the value (BTF): none here
        }
        Key k = key(key);
        byte[] old = elements.get(k);
        if (old != null && flags == BpfFlags.BPF_NOEXIST) {
            return err(Errno.EEXIST);
        }
        if (old == null && flags == BpfFlags.BPF_EXIST) {
            return err(Errno.ENOENT);
        }
        // From user space the value is the whole per-CPU slot; from a program, value_size bytes.
        int n = Math.min(value.length, storedSize());
        if (old != null) {
            System.arraycopy(value, 0, old, 0, n); // in place: a program's pointer stays valid
            touch(k, old);
            return 0;
        }
        if (elements.size() >= maxEntries()) {
            if (!lru) {
                return err(Errno.E2BIG);
            }
            Iterator<Key> eldest = elements.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        byte[] v = new byte[storedSize()];
        System.arraycopy(value, 0, v, 0, n);
        elements.put(k, v);
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
        System.arraycopy(v, 0, valueOut, 0, Math.min(v.length, valueOut.length));
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
}
