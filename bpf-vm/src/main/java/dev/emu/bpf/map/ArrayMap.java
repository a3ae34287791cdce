package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;

/**
 * BPF_MAP_TYPE_ARRAY, analogous to kernel/bpf/arraymap.c: u32 keys 0..max_entries-1, every
 * element always exists (zero-initialised), deletion is not supported.
 */
public final class ArrayMap extends BpfMap {
    /** Flags array_map_alloc_check accepts: NUMA_NODE, access flags, MMAPABLE, PRESERVE_ELEMS, INNER_MAP. */
    static final int CREATE_FLAGS = 4 | BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY | BpfFlags.BPF_F_RDONLY_PROG
            | BpfFlags.BPF_F_WRONLY_PROG | BpfFlags.BPF_F_MMAPABLE | (1 << 11) | (1 << 12);
    /** KMALLOC_MAX_SIZE on x86_64 (4 MiB). */
    static final int KMALLOC_MAX_SIZE = 1 << 22;
    /** emu's cap on a map's total storage (no Linux counterpart; Linux would fail with ENOMEM). */
    static final long MAX_TOTAL_BYTES = 1L << 30;

    private final byte[][] values;

    private ArrayMap(int keySize, int valueSize, int maxEntries, int flags) {
        super(BpfMapType.ARRAY, keySize, valueSize, maxEntries, flags);
        values = new byte[maxEntries][];
        for (int i = 0; i < maxEntries; i++) {
            values[i] = new byte[valueSize];
        }
    }

    /** array_map_alloc_check + array_map_alloc: the map or the errno Linux returns. */
    static MapCreateResult create(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge) {
        if (maxEntries == 0 || keySize != 4 || valueSize == 0 || (flags & ~CREATE_FLAGS) != 0) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (Integer.toUnsignedLong(valueSize) > KMALLOC_MAX_SIZE) {
            return MapCreateResult.error(Errno.E2BIG);
        }
        long total = Integer.toUnsignedLong(maxEntries) * ((valueSize + 7L) & ~7L);
        if (maxEntries < 0 || total > MAX_TOTAL_BYTES || !charge.tryCharge(cost(valueSize, maxEntries))) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new ArrayMap(keySize, valueSize, maxEntries, flags));
    }

    /** One byte[] per element plus its slot in the element table. */
    private static long cost(int valueSize, int maxEntries) {
        return ARRAY_HEADER + Integer.toUnsignedLong(maxEntries) * (ARRAY_HEADER + round8(valueSize) + 8);
    }

    @Override
    public long memoryCost() {
        return cost(valueSize(), maxEntries());
    }

    private int index(byte[] key) {
        return ArrayKeys.index(key);
    }

    private boolean inRange(int idx) {
        return Integer.compareUnsigned(idx, maxEntries()) < 0;
    }

    /** The live storage of element {@code index} (used for BPF_PSEUDO_MAP_VALUE), or null. */
    public byte[] valueAt(int index) {
        return inRange(index) ? values[index] : null;
    }

    @Override
    public byte[] lookupValue(byte[] key) {
        return valueAt(index(key));
    }

    @Override
    public int lookup(byte[] key, byte[] valueOut) {
        byte[] v = lookupValue(key);
        if (v == null) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(v, 0, valueOut, 0, v.length);
        return 0;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        if ((flags & ~BpfFlags.BPF_F_LOCK) > BpfFlags.BPF_EXIST || (flags & BpfFlags.BPF_F_LOCK) != 0) {
            // BPF_F_LOCK needs a bpf_spin_lock in the value (BTF); emu maps carry none.
            return err(Errno.EINVAL);
        }
        int idx = index(key);
        if (!inRange(idx)) {
            return err(Errno.E2BIG);
        }
        if (flags == BpfFlags.BPF_NOEXIST) {
            return err(Errno.EEXIST);
        }
        System.arraycopy(value, 0, values[idx], 0, valueSize());
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
