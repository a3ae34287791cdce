package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;

/**
 * BPF_MAP_TYPE_PERCPU_ARRAY (kernel/bpf/arraymap.c): an array whose elements have one value per
 * possible CPU. User space reads and writes round_up(value_size, 8) bytes per CPU
 * ({@link #POSSIBLE_CPUS} of them, padding included, as bpf_percpu_array_copy/update); programs
 * see CPU 0's value.
 */
public final class PercpuArrayMap extends BpfMap {
    /** array_map_alloc_check for a per-CPU array: NUMA_NODE and the access flags. */
    static final int CREATE_FLAGS = 4 | BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY | BpfFlags.BPF_F_RDONLY_PROG
            | BpfFlags.BPF_F_WRONLY_PROG;

    private final byte[][] values;

    private PercpuArrayMap(int keySize, int valueSize, int maxEntries, int flags) {
        super(BpfMapType.PERCPU_ARRAY, keySize, valueSize, maxEntries, flags);
        values = new byte[maxEntries][];
        for (int i = 0; i < maxEntries; i++) {
            values[i] = new byte[(int) round8(valueSize)];
        }
    }

    /** array_map_alloc_check + array_map_alloc: the map or the errno Linux returns. */
    static MapCreateResult create(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge) {
        if (maxEntries == 0 || keySize != 4 || valueSize == 0 || (flags & ~CREATE_FLAGS) != 0
                || ((flags & BpfFlags.BPF_F_RDONLY) != 0 && (flags & BpfFlags.BPF_F_WRONLY) != 0)) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (round8(Integer.toUnsignedLong(valueSize)) > HashTable.PCPU_MIN_UNIT_SIZE) {
            return MapCreateResult.error(Errno.E2BIG);
        }
        long total = Integer.toUnsignedLong(maxEntries) * round8(valueSize);
        if (maxEntries < 0 || total > ArrayMap.MAX_TOTAL_BYTES || !charge.tryCharge(cost(valueSize, maxEntries))) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new PercpuArrayMap(keySize, valueSize, maxEntries, flags));
    }

    private static long cost(int valueSize, int maxEntries) {
        return ARRAY_HEADER + Integer.toUnsignedLong(maxEntries) * (ARRAY_HEADER + round8(valueSize) * POSSIBLE_CPUS + 8);
    }

    @Override
    public long memoryCost() {
        return cost(valueSize(), maxEntries());
    }

    @Override
    public int userValueSize() {
        return (int) round8(valueSize()) * POSSIBLE_CPUS;
    }

    private int index(byte[] key) {
        return ArrayKeys.index(key);
    }

    private boolean inRange(int idx) {
        return Integer.compareUnsigned(idx, maxEntries()) < 0;
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        int idx = index(key);
        return inRange(idx) ? values[idx] : null;
    }

    @Override
    public int lookup(byte[] key, byte[] valueOut) {
        byte[] v = lookupValue(key);
        if (v == null) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(v, 0, valueOut, 0, Math.min(v.length, valueOut.length));
        return 0;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        if (flags > BpfFlags.BPF_EXIST || flags < 0) {
            return err(Errno.EINVAL); // no BPF_F_LOCK for per-CPU maps
        }
        int idx = index(key);
        if (!inRange(idx)) {
            return err(Errno.E2BIG);
        }
        if (flags == BpfFlags.BPF_NOEXIST) {
            return err(Errno.EEXIST);
        }
        // From user space the whole rounded slot; from a program, value_size bytes.
        System.arraycopy(value, 0, values[idx], 0, Math.min(value.length, values[idx].length));
        return 0;
    }

    @Override
    public int delete(byte[] key) {
        return err(Errno.EINVAL);
    }

    @Override
    public int getNextKey(byte[] key, byte[] nextKeyOut) {
        return ArrayKeys.nextKey(key, maxEntries(), nextKeyOut) ? 0 : err(Errno.ENOENT);
    }
}
