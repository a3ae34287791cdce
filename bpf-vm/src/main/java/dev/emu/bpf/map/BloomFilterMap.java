package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;

/**
 * BPF_MAP_TYPE_BLOOM_FILTER, kernel/bpf/bloom_filter.c: no keys; push adds a value, peek answers
 * "maybe present" (0) or "absent" (ENOENT). map_extra's low 4 bits are the number of hash
 * functions (0 means 5). The bit array and the hashes are Linux's (jhash of the value with seed
 * + i, array size the power of two above max_entries * k * 7 / 5), so peek never answers absent for
 * a pushed value and gives Linux's false positives; the seed is always 0 (Linux draws a random
 * one unless BPF_F_ZERO_SEED). From user space MAP_LOOKUP_ELEM peeks and MAP_UPDATE_ELEM pushes
 * (flags must be BPF_ANY); delete is EINVAL, pop and get_next_key EOPNOTSUPP.
 */
public final class BloomFilterMap extends BpfMap {
    /** BLOOM_CREATE_FLAG_MASK: NUMA_NODE, ZERO_SEED and the access flags. */
    static final int CREATE_FLAGS = 4 | BpfFlags.BPF_F_ZERO_SEED | BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY
            | BpfFlags.BPF_F_RDONLY_PROG | BpfFlags.BPF_F_WRONLY_PROG;
    private static final int DEFAULT_HASH_FUNCS = 5;

    private final int hashFuncs;
    private final long[] bits;
    private final int mask;
    private final long mapExtra;

    private BloomFilterMap(int valueSize, int maxEntries, int flags, long mapExtra, int hashFuncs, long nrBits) {
        super(BpfMapType.BLOOM_FILTER, 0, valueSize, maxEntries, flags);
        this.hashFuncs = hashFuncs;
        this.mapExtra = mapExtra;
        this.bits = new long[(int) ((nrBits + 63) / 64)];
        this.mask = (int) (nrBits - 1);
    }

    /** bloom_map_alloc: the map or the errno Linux returns. */
    static MapCreateResult create(MapTypes.CreateAttrs a, MemoryCharge charge) {
        if (a.keySize() != 0 || a.valueSize() == 0 || a.maxEntries() == 0 || (a.flags() & ~CREATE_FLAGS) != 0
                || ((a.flags() & BpfFlags.BPF_F_RDONLY) != 0 && (a.flags() & BpfFlags.BPF_F_WRONLY) != 0)
                || (a.mapExtra() & ~0xfL) != 0) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        int k = (int) (a.mapExtra() & 0xf);
        if (k == 0) {
            k = DEFAULT_HASH_FUNCS;
        }
        long n = Integer.toUnsignedLong(a.maxEntries()) * k;
        long nrBits;
        if (n > 0xffffffffL || (n / 5) * 7 > 0xffffffffL || (n / 5) * 7 > (1L << 31)) {
            nrBits = 1L << 32;
        } else {
            long want = (n / 5) * 7;
            nrBits = want <= 64 ? 64 : Long.highestOneBit(want - 1) << 1;
        }
        if (nrBits > ArrayMap.MAX_TOTAL_BYTES * 8 || !charge.tryCharge(ARRAY_HEADER + nrBits / 8)) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new BloomFilterMap(a.valueSize(), a.maxEntries(), a.flags(), a.mapExtra(), k, nrBits));
    }

    /** map_extra as created. */
    public long mapExtra() {
        return mapExtra;
    }

    @Override
    public long memoryCost() {
        return ARRAY_HEADER + bits.length * 8L;
    }

    private int bit(byte[] value, int i) {
        return Jhash.jhash(value, 0, valueSize(), i) & mask;
    }

    @Override
    public synchronized int push(byte[] value, long flags) {
        if (flags != BpfFlags.BPF_ANY) {
            return err(Errno.EINVAL);
        }
        for (int i = 0; i < hashFuncs; i++) {
            long b = Integer.toUnsignedLong(bit(value, i));
            bits[(int) (b >>> 6)] |= 1L << (b & 63);
        }
        return 0;
    }

    @Override
    public synchronized int peek(byte[] value) {
        for (int i = 0; i < hashFuncs; i++) {
            long b = Integer.toUnsignedLong(bit(value, i));
            if ((bits[(int) (b >>> 6)] & 1L << (b & 63)) == 0) {
                return err(Errno.ENOENT);
            }
        }
        return 0;
    }

    @Override
    public int pop(byte[] valueOut) {
        return err(Errno.EOPNOTSUPP);
    }

    /** MAP_LOOKUP_ELEM from user space: peek with the value the caller passes in. */
    @Override
    public int lookup(byte[] key, byte[] value) {
        return peek(value);
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return push(value, flags);
    }

    /** MAP_DELETE_ELEM: EINVAL, what Linux's syscall returns for a bloom filter. */
    @Override
    public int delete(byte[] key) {
        return err(Errno.EINVAL);
    }

    @Override
    public int getNextKey(byte[] key, byte[] nextKeyOut) {
        return err(Errno.EOPNOTSUPP);
    }
}
