package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;

/**
 * BPF_MAP_TYPE_STACK_TRACE (kernel/bpf/stackmap.c): u32 stack ids to arrays of u64 instruction
 * pointers. bpf_get_stackid hashes a stack into a bucket ({@link #put}); user space looks stacks
 * up by id and deletes them; it cannot update them (EINVAL).
 */
public final class StackTraceMap extends BpfMap {
    /** sysctl_perf_event_max_stack's default. */
    public static final int MAX_STACK = 127;
    /** BPF_F_STACK_BUILD_ID: build-id entries, which emu cannot produce. */
    private static final int BPF_F_STACK_BUILD_ID = 1 << 5;
    private static final int CREATE_FLAGS = 4 | BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY;

    private final long[][] buckets;

    private StackTraceMap(int keySize, int valueSize, int maxEntries, int flags, int buckets) {
        super(BpfMapType.STACK_TRACE, keySize, valueSize, maxEntries, flags);
        this.buckets = new long[buckets][];
    }

    /** stack_map_alloc: the checks and n_buckets = roundup_pow_of_two(max_entries). */
    static MapCreateResult create(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge) {
        if ((flags & ~(CREATE_FLAGS | BPF_F_STACK_BUILD_ID)) != 0 || (flags & BPF_F_STACK_BUILD_ID) != 0
                || maxEntries == 0 || keySize != 4 || valueSize < 8 || valueSize % 8 != 0) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (valueSize / 8 > MAX_STACK) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (maxEntries < 0 || maxEntries > (1 << 24)) {
            return MapCreateResult.error(Errno.E2BIG);
        }
        int n = Integer.highestOneBit(maxEntries) == maxEntries ? maxEntries : Integer.highestOneBit(maxEntries) << 1;
        if (!charge.tryCharge(cost(n, valueSize))) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new StackTraceMap(keySize, valueSize, maxEntries, flags, n));
    }

    private static long cost(int buckets, int valueSize) {
        return ARRAY_HEADER + (long) buckets * (8 + ARRAY_HEADER + valueSize);
    }

    @Override
    public long memoryCost() {
        return cost(buckets.length, valueSize());
    }

    /**
     * __bpf_get_stackid: stores {@code ips} (at most value_size / 8 of them) in its hash bucket
     * and returns the bucket's id; a bucket holding another stack is -EEXIST unless
     * {@code reuse} (BPF_F_REUSE_STACKID) replaces it.
     */
    public long put(long[] ips, boolean reuse) {
        int n = Math.min(ips.length, valueSize() / 8);
        long[] stack = java.util.Arrays.copyOf(ips, n);
        int hash = java.util.Arrays.hashCode(stack);
        hash ^= hash >>> 16;
        int id = hash & (buckets.length - 1);
        long[] old = buckets[id];
        if (old != null && !java.util.Arrays.equals(old, stack) && !reuse) {
            return -Errno.EEXIST.number;
        }
        buckets[id] = stack;
        return id;
    }

    private int id(byte[] key) {
        return (key[0] & 0xff) | (key[1] & 0xff) << 8 | (key[2] & 0xff) << 16 | (key[3] & 0xff) << 24;
    }

    @Override
    public int lookup(byte[] key, byte[] valueOut) {
        int id = id(key);
        long[] s = Integer.compareUnsigned(id, buckets.length) < 0 ? buckets[id] : null;
        if (s == null) {
            return err(Errno.ENOENT);
        }
        java.util.Arrays.fill(valueOut, (byte) 0);
        for (int i = 0; i < s.length; i++) {
            for (int b = 0; b < 8; b++) {
                valueOut[i * 8 + b] = (byte) (s[i] >>> (8 * b));
            }
        }
        return 0;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return err(Errno.EINVAL);
    }

    @Override
    public int delete(byte[] key) {
        int id = id(key);
        if (Integer.compareUnsigned(id, buckets.length) >= 0 || buckets[id] == null) {
            return err(Errno.ENOENT);
        }
        buckets[id] = null;
        return 0;
    }

    /** stack_map_get_next_key: the next occupied bucket after {@code key} (from 0 if absent or out of range). */
    @Override
    public int getNextKey(byte[] key, byte[] nextKeyOut) {
        int id = key == null ? -1 : id(key);
        int from = key == null || Integer.compareUnsigned(id, buckets.length) >= 0 ? 0 : id + 1;
        for (int i = from; i < buckets.length; i++) {
            if (buckets[i] != null) {
                nextKeyOut[0] = (byte) i;
                nextKeyOut[1] = (byte) (i >> 8);
                nextKeyOut[2] = (byte) (i >> 16);
                nextKeyOut[3] = (byte) (i >> 24);
                return 0;
            }
        }
        return err(Errno.ENOENT);
    }
}
