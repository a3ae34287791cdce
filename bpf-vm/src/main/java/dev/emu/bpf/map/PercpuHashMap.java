package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfMapType;

/** BPF_MAP_TYPE_PERCPU_HASH (kernel/bpf/hashtab.c); the semantics are {@link HashTable}'s. */
public final class PercpuHashMap extends HashTable {
    private PercpuHashMap(int keySize, int valueSize, int maxEntries, int flags) {
        super(BpfMapType.PERCPU_HASH, keySize, valueSize, maxEntries, flags, true, false);
    }

    /** htab_map_alloc_check: the map or the errno Linux returns. */
    static MapCreateResult create(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge) {
        Errno e = check(keySize, valueSize, maxEntries, flags, true, false);
        if (e != null) {
            return MapCreateResult.error(e);
        }
        if (!charge.tryCharge(cost(keySize, valueSize, maxEntries))) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new PercpuHashMap(keySize, valueSize, maxEntries, flags));
    }
}
