package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;

/**
 * BPF_MAP_TYPE_HASH, analogous to kernel/bpf/hashtab.c; the element operations are
 * {@link HashTable}'s (neither per-CPU nor LRU). Iteration order (get_next_key) is insertion
 * order; Linux's is bucket order, which no program may rely on.
 */
public final class BpfHashMap extends HashTable {
    /** Flags htab_map_alloc_check accepts: NO_PREALLOC, NUMA_NODE, access flags, ZERO_SEED. */
    static final int CREATE_FLAGS = BpfFlags.BPF_F_NO_PREALLOC | 4 | BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY
            | BpfFlags.BPF_F_RDONLY_PROG | BpfFlags.BPF_F_WRONLY_PROG | BpfFlags.BPF_F_ZERO_SEED;
    /** sizeof(struct htab_elem) on x86_64, part of Linux's value-size limit. */
    private static final int HTAB_ELEM_SIZE = 48;

    private BpfHashMap(int keySize, int valueSize, int maxEntries, int flags) {
        super(BpfMapType.HASH, keySize, valueSize, maxEntries, flags, false, false);
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
}
