package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;

/**
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY (kernel/bpf/arraymap.c, the fd-array variant): u32 keys, u32
 * values that are perf event fds on the way in. The kernel resolves the fd and stores its event
 * here ({@link #set}); bpf_perf_event_output writes to the event of a slot. Lookups from user
 * space are ENOTSUPP, as Linux's fd arrays without map_fd_sys_lookup_elem answer.
 */
public final class PerfEventArray extends BpfMap {
    private final Object[] events;

    private PerfEventArray(int keySize, int valueSize, int maxEntries, int flags) {
        super(BpfMapType.PERF_EVENT_ARRAY, keySize, valueSize, maxEntries, flags);
        events = new Object[maxEntries];
    }

    /** fd_array_map_alloc_check + array_map_alloc_check. */
    static MapCreateResult create(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge) {
        if (maxEntries == 0 || keySize != 4 || valueSize != 4 || (flags & ~ArrayMap.CREATE_FLAGS) != 0
                || (flags & BpfFlags.BPF_F_MMAPABLE) != 0) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (maxEntries < 0 || maxEntries > (1 << 24) || !charge.tryCharge(cost(maxEntries))) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new PerfEventArray(keySize, valueSize, maxEntries, flags));
    }

    private static long cost(int maxEntries) {
        return ARRAY_HEADER + 8L * maxEntries;
    }

    @Override
    public long memoryCost() {
        return cost(maxEntries());
    }

    /** The slot a u32 key names, or -1 if out of range. */
    public int index(byte[] key) {
        int idx = ArrayKeys.index(key);
        return Integer.compareUnsigned(idx, maxEntries()) < 0 ? idx : -1;
    }

    /** The event in slot {@code index} (null if empty or out of range). */
    public Object get(long index) {
        return index >= 0 && index < events.length ? events[(int) index] : null;
    }

    /** Stores {@code event} (null clears); returns what was there. */
    public Object set(int index, Object event) {
        Object old = events[index];
        events[index] = event;
        return old;
    }

    @Override
    public int lookup(byte[] key, byte[] valueOut) {
        return err(Errno.ENOTSUPP);
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return err(Errno.EINVAL); // fds are resolved by the kernel (it calls set)
    }

    @Override
    public int delete(byte[] key) {
        int idx = index(key);
        if (idx < 0) {
            return err(Errno.E2BIG);
        }
        return set(idx, null) == null ? err(Errno.ENOENT) : 0;
    }

    @Override
    public int getNextKey(byte[] key, byte[] nextKeyOut) {
        return ArrayKeys.nextKey(key, maxEntries(), nextKeyOut) ? 0 : err(Errno.ENOENT);
    }
}
