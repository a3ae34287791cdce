package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;
import java.util.ArrayDeque;

/**
 * BPF_MAP_TYPE_QUEUE (FIFO) and BPF_MAP_TYPE_STACK (LIFO), kernel/bpf/queue_stack_maps.c: no
 * keys, at most max_entries values. Push onto a full map is E2BIG, or with BPF_EXIST drops the
 * oldest value first; pop and peek of an empty map are ENOENT. From user space MAP_LOOKUP_ELEM
 * peeks, MAP_UPDATE_ELEM pushes, MAP_LOOKUP_AND_DELETE_ELEM pops; delete and get_next_key are
 * EINVAL.
 */
public final class QueueStackMap extends BpfMap {
    /** QUEUE_STACK_CREATE_FLAG_MASK: NUMA_NODE and the access flags. */
    static final int CREATE_FLAGS = 4 | BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY | BpfFlags.BPF_F_RDONLY_PROG
            | BpfFlags.BPF_F_WRONLY_PROG;

    private final boolean stack;
    /** Oldest first. */
    private final ArrayDeque<byte[]> values = new ArrayDeque<>();

    private QueueStackMap(int type, int valueSize, int maxEntries, int flags) {
        super(type, 0, valueSize, maxEntries, flags);
        this.stack = type == BpfMapType.STACK;
    }

    static MapCreateResult createQueue(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge) {
        return create(BpfMapType.QUEUE, keySize, valueSize, maxEntries, flags, charge);
    }

    static MapCreateResult createStack(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge) {
        return create(BpfMapType.STACK, keySize, valueSize, maxEntries, flags, charge);
    }

    /** queue_stack_map_alloc_check + alloc: the map or the errno Linux returns. */
    private static MapCreateResult create(int type, int keySize, int valueSize, int maxEntries, int flags,
                                          MemoryCharge charge) {
        if (maxEntries == 0 || keySize != 0 || valueSize == 0 || (flags & ~CREATE_FLAGS) != 0
                || ((flags & BpfFlags.BPF_F_RDONLY) != 0 && (flags & BpfFlags.BPF_F_WRONLY) != 0)) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (Integer.toUnsignedLong(valueSize) > ArrayMap.KMALLOC_MAX_SIZE) {
            return MapCreateResult.error(Errno.E2BIG);
        }
        if (maxEntries < 0 || !charge.tryCharge(cost(valueSize, maxEntries))) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new QueueStackMap(type, valueSize, maxEntries, flags));
    }

    private static long cost(int valueSize, int maxEntries) {
        return Integer.toUnsignedLong(maxEntries + 1) * (ARRAY_HEADER + round8(valueSize) + 8);
    }

    @Override
    public long memoryCost() {
        return cost(valueSize(), maxEntries());
    }

    @Override
    public synchronized int push(byte[] value, long flags) {
        if ((flags & ~BpfFlags.BPF_EXIST) != 0) {
            return err(Errno.EINVAL);
        }
        if (values.size() >= maxEntries()) {
            if (flags != BpfFlags.BPF_EXIST) {
                return err(Errno.E2BIG);
            }
            values.pollFirst(); // overwrite the oldest
        }
        values.addLast(java.util.Arrays.copyOf(value, valueSize()));
        return 0;
    }

    @Override
    public synchronized int pop(byte[] valueOut) {
        byte[] v = stack ? values.pollLast() : values.pollFirst();
        if (v == null) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(v, 0, valueOut, 0, valueSize());
        return 0;
    }

    @Override
    public synchronized int peek(byte[] valueOut) {
        byte[] v = stack ? values.peekLast() : values.peekFirst();
        if (v == null) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(v, 0, valueOut, 0, valueSize());
        return 0;
    }

    /** MAP_LOOKUP_ELEM from user space: peek. */
    @Override
    public int lookup(byte[] key, byte[] valueOut) {
        return peek(valueOut);
    }

    /** MAP_UPDATE_ELEM from user space: push. */
    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return push(value, flags);
    }

    @Override
    public int lookupAndDelete(byte[] key, byte[] valueOut, long flags) {
        return flags != 0 ? err(Errno.EINVAL) : pop(valueOut);
    }

    @Override
    public int delete(byte[] key) {
        return err(Errno.EINVAL);
    }

    @Override
    public int getNextKey(byte[] key, byte[] nextKeyOut) {
        return err(Errno.EINVAL);
    }
}
