package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.MapOfMaps;
import dev.emu.kernel.task.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * The batch map commands (kernel/bpf/syscall.c bpf_map_do_batch): MAP_LOOKUP_BATCH,
 * MAP_LOOKUP_AND_DELETE_BATCH, MAP_UPDATE_BATCH, MAP_DELETE_BATCH. Which map types have which
 * (else ENOTSUPP, 524) and how they behave follow Linux's map ops:
 *
 * <ul>
 *   <li>Hash types (hash, per-CPU, LRU, hash of maps): lookup (and delete) by bucket, __htab_map_lookup_and_delete_batch.
 *       The batch token is a u32 bucket index; a key's bucket is jhash(key) modulo
 *       n_buckets = roundup_pow_of_two(max_entries), a bucket's elements newest first. A bucket
 *       that does not fit in what count leaves ends the batch (ENOSPC if nothing was copied);
 *       the last bucket ends it with ENOENT. batch.flags must be 0.
 *   <li>Arrays (array of maps too) and the LPM trie: generic_map_lookup_batch, whose token is a key (in_batch = the
 *       last key of the previous batch, walked with get_next_key); ENOENT at the end.
 *   <li>Update (arrays, hash types, LPM trie, maps of maps) and delete (hash types, LPM trie): element by
 *       element until one fails; count says how many succeeded.
 * </ul>
 *
 * elem_flags may only be BPF_F_LOCK, which needs a spin lock in the value (BTF): EINVAL here.
 */
final class MapBatch {
    private MapBatch() {}

    /** union bpf_attr.batch offsets and BPF_MAP_BATCH_LAST_FIELD's end. */
    private static final int IN_BATCH = 0, OUT_BATCH = 8, KEYS = 16, VALUES = 24, COUNT = 32, MAP_FD = 36,
            ELEM_FLAGS = 40, FLAGS = 48, END = 56;

    static long batch(Task t, Attr a, int cmd) {
        if (!a.tailZeroFrom(END)) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        MapObject m = BpfFds.map(t, a.u32Long(MAP_FD), err);
        if (m == null) {
            return err[0];
        }
        BpfMap map = m.map();
        boolean read = cmd == BpfCommand.MAP_LOOKUP_BATCH || cmd == BpfCommand.MAP_LOOKUP_AND_DELETE_BATCH;
        boolean write = cmd != BpfCommand.MAP_LOOKUP_BATCH;
        if ((read && (map.flags() & BpfFlags.BPF_F_WRONLY) != 0) || (write && (map.flags() & BpfFlags.BPF_F_RDONLY) != 0)) {
            return Errno.EPERM.ret();
        }
        int type = map.type();
        boolean hash = type == BpfMapType.HASH || type == BpfMapType.PERCPU_HASH || type == BpfMapType.LRU_HASH
                || type == BpfMapType.LRU_PERCPU_HASH;
        boolean array = type == BpfMapType.ARRAY || type == BpfMapType.PERCPU_ARRAY;
        // Maps of maps: the hash one has the hash batches, the array one lookup and update.
        hash |= type == BpfMapType.HASH_OF_MAPS;
        boolean arrayOfMaps = type == BpfMapType.ARRAY_OF_MAPS;
        boolean trie = type == BpfMapType.LPM_TRIE;
        boolean supported = switch (cmd) {
            case BpfCommand.MAP_LOOKUP_BATCH, BpfCommand.MAP_UPDATE_BATCH -> hash || array || trie || arrayOfMaps;
            case BpfCommand.MAP_LOOKUP_AND_DELETE_BATCH -> hash;
            default -> hash || trie;
        };
        if (!supported) {
            return Errno.ENOTSUPP.ret();
        }
        if ((a.u64(ELEM_FLAGS) & ~BpfFlags.BPF_F_LOCK) != 0 || a.u64(ELEM_FLAGS) != 0) {
            return Errno.EINVAL.ret();
        }
        m.pullFromMappings(); // an mmap'ed array: what user space stored through the mapping
        long r = switch (cmd) {
            case BpfCommand.MAP_LOOKUP_BATCH, BpfCommand.MAP_LOOKUP_AND_DELETE_BATCH ->
                    hash ? bucketLookup(t, a, map, cmd == BpfCommand.MAP_LOOKUP_AND_DELETE_BATCH)
                            : genericLookup(t, a, map);
            case BpfCommand.MAP_UPDATE_BATCH -> genericUpdate(t, a, map);
            default -> genericDelete(t, a, map);
        };
        if (write) {
            m.pushToMappings();
        }
        return r;
    }

    /** generic_map_lookup_batch. */
    private static long genericLookup(Task t, Attr a, BpfMap map) {
        long max = a.u32Long(COUNT);
        if (max == 0) {
            return 0;
        }
        a.putU32(COUNT, 0);
        int ks = map.keySize(), vs = map.userValueSize();
        long in = a.u64(IN_BATCH);
        byte[] prev = in == 0 ? null : t.memory().read(in, ks);
        byte[] key = new byte[ks];
        long keys = a.u64(KEYS), values = a.u64(VALUES);
        int cp = 0;
        int r = 0;
        while (cp < max) {
            r = map.getNextKey(prev, key);
            if (r < 0) {
                break;
            }
            byte[] value = new byte[vs];
            if (map.lookup(key, value) == 0) {
                t.memory().write(keys + (long) cp * ks, key);
                t.memory().write(values + (long) cp * vs, value);
                cp++;
            }
            prev = key.clone();
        }
        a.putU32(COUNT, cp);
        if (cp > 0) {
            t.memory().write(a.u64(OUT_BATCH), prev);
        }
        return r;
    }

    /** __htab_map_lookup_and_delete_batch. */
    private static long bucketLookup(Task t, Attr a, BpfMap map, boolean delete) {
        if (a.u64(FLAGS) != 0) {
            return Errno.EINVAL.ret();
        }
        long max = a.u32Long(COUNT);
        if (max == 0) {
            return 0;
        }
        a.putU32(COUNT, 0);
        long in = a.u64(IN_BATCH);
        long batch = in == 0 ? 0 : Integer.toUnsignedLong(t.memory().readInt(in));
        long buckets = Long.highestOneBit(Math.max(1, Integer.toUnsignedLong(map.maxEntries()) - 1)) << 1;
        if (map.maxEntries() == 1) {
            buckets = 1;
        }
        if (batch >= buckets) {
            return Errno.ENOENT.ret();
        }
        // Every key by bucket, newest first within a bucket (Linux adds at the bucket's head).
        List<List<byte[]>> byBucket = new ArrayList<>();
        List<byte[]> all = new ArrayList<>();
        byte[] prev = null;
        for (;;) {
            byte[] k = new byte[map.keySize()];
            if (map.getNextKey(prev, k) < 0) {
                break;
            }
            all.add(k);
            prev = k;
        }
        int ks = map.keySize(), vs = map.userValueSize();
        long keys = a.u64(KEYS), values = a.u64(VALUES);
        long total = 0;
        long ret = 0;
        for (;;) {
            List<byte[]> in_bucket = new ArrayList<>();
            for (int i = all.size() - 1; i >= 0; i--) {
                if (bucketOf(all.get(i), buckets) == batch) {
                    in_bucket.add(all.get(i));
                }
            }
            if (in_bucket.size() > max - total) {
                if (total == 0) {
                    ret = Errno.ENOSPC.ret();
                }
                break;
            }
            for (byte[] k : in_bucket) {
                byte[] v = new byte[vs];
                map.lookup(k, v);
                t.memory().write(keys + total * ks, k);
                t.memory().write(values + total * vs, v);
                total++;
                if (delete) {
                    map.delete(k);
                }
            }
            batch++;
            if (batch >= buckets) {
                ret = Errno.ENOENT.ret();
                break;
            }
        }
        t.memory().writeInt(a.u64(OUT_BATCH), (int) batch);
        a.putU32(COUNT, (int) total);
        return ret;
    }

    /** htab_map_hash with a zero seed, masked to the bucket count. */
    private static long bucketOf(byte[] key, long buckets) {
        return Integer.toUnsignedLong(dev.emu.bpf.map.MapHashing.jhash(key, 0)) & (buckets - 1);
    }

    /** generic_map_update_batch. */
    private static long genericUpdate(Task t, Attr a, BpfMap map) {
        long max = a.u32Long(COUNT);
        if (max == 0) {
            return 0;
        }
        a.putU32(COUNT, 0);
        int ks = map.keySize(), vs = map.userValueSize();
        long keys = a.u64(KEYS), values = a.u64(VALUES);
        int cp = 0;
        long r = 0;
        for (; cp < max; cp++) {
            byte[] k = t.memory().read(keys + (long) cp * ks, ks);
            byte[] v = t.memory().read(values + (long) cp * vs, vs);
            r = map instanceof MapOfMaps outer ? MapCommands.updateInner(t, outer, k, v, a.u64(ELEM_FLAGS))
                    : map.update(k, v, a.u64(ELEM_FLAGS));
            if (r < 0) {
                break;
            }
        }
        a.putU32(COUNT, cp);
        return r;
    }

    /** generic_map_delete_batch. */
    private static long genericDelete(Task t, Attr a, BpfMap map) {
        long max = a.u32Long(COUNT);
        if (max == 0) {
            return 0;
        }
        a.putU32(COUNT, 0);
        int ks = map.keySize();
        long keys = a.u64(KEYS);
        int cp = 0;
        long r = 0;
        for (; cp < max; cp++) {
            r = map.delete(t.memory().read(keys + (long) cp * ks, ks));
            if (r < 0) {
                break;
            }
        }
        a.putU32(COUNT, cp);
        return r;
    }
}
