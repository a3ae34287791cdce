package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * BPF_MAP_TYPE_LPM_TRIE, kernel/bpf/lpm_trie.c: keys are {@code struct bpf_lpm_trie_key}
 * ({@code __u32 prefixlen} then key_size - 4 data bytes, most significant bit first). Lookup
 * returns the value of the longest stored prefix matching the key's first prefixlen bits;
 * update and delete address the exact prefix. get_next_key walks the prefixes in the order of
 * Linux's post-order trie walk: a longer prefix before the shorter one it extends, a 0 bit before
 * a 1 bit; an absent key restarts from the first. Elements keep the data bytes they were stored
 * with (bits past the prefix included), as Linux's nodes do.
 */
public final class LpmTrieMap extends BpfMap {
    /** LPM_CREATE_FLAG_MASK: NO_PREALLOC, NUMA_NODE and the access flags. */
    static final int CREATE_FLAGS = BpfFlags.BPF_F_NO_PREALLOC | 4 | BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY
            | BpfFlags.BPF_F_RDONLY_PROG | BpfFlags.BPF_F_WRONLY_PROG;
    /** LPM_KEY_SIZE_MIN/MAX: prefixlen plus 1..256 data bytes. */
    static final int KEY_SIZE_MIN = 5, KEY_SIZE_MAX = 4 + 256;
    private static final int LPM_VAL_SIZE_MAX = ArrayMap.KMALLOC_MAX_SIZE - KEY_SIZE_MAX - 64;

    private final int maxPrefixlen;
    /** Stored key bytes (prefixlen + data) → value, in get_next_key order. */
    private final TreeMap<byte[], byte[]> elements;

    private LpmTrieMap(int keySize, int valueSize, int maxEntries, int flags) {
        super(BpfMapType.LPM_TRIE, keySize, valueSize, maxEntries, flags);
        this.maxPrefixlen = (keySize - 4) * 8;
        this.elements = new TreeMap<>(LpmTrieMap::walkOrder);
    }

    /** trie_alloc: the map or the errno Linux returns. */
    static MapCreateResult create(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge) {
        if (maxEntries == 0 || (flags & BpfFlags.BPF_F_NO_PREALLOC) == 0 || (flags & ~CREATE_FLAGS) != 0
                || ((flags & BpfFlags.BPF_F_RDONLY) != 0 && (flags & BpfFlags.BPF_F_WRONLY) != 0)
                || Integer.compareUnsigned(keySize, KEY_SIZE_MIN) < 0 || Integer.compareUnsigned(keySize, KEY_SIZE_MAX) > 0
                || valueSize == 0 || Integer.compareUnsigned(valueSize, LPM_VAL_SIZE_MAX) > 0) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (maxEntries < 0 || !charge.tryCharge(cost(keySize, valueSize, maxEntries))) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new LpmTrieMap(keySize, valueSize, maxEntries, flags));
    }

    /** Each element: its key and value arrays plus the tree node (Linux allocates nodes on demand; emu charges up front). */
    private static long cost(int keySize, int valueSize, int maxEntries) {
        return Integer.toUnsignedLong(maxEntries) * (2L * ARRAY_HEADER + round8(keySize) + round8(valueSize) + 48);
    }

    @Override
    public long memoryCost() {
        return cost(keySize(), valueSize(), maxEntries());
    }

    private static int prefixlen(byte[] k) {
        return (k[0] & 0xff) | (k[1] & 0xff) << 8 | (k[2] & 0xff) << 16 | (k[3] & 0xff) << 24;
    }

    private static int bit(byte[] k, int i) {
        return (k[4 + i / 8] >>> (7 - i % 8)) & 1;
    }

    /** Number of leading data bits a and b share, at most {@code limit}. */
    private static int common(byte[] a, byte[] b, int limit) {
        for (int i = 0; i < limit; i++) {
            if (bit(a, i) != bit(b, i)) {
                return i;
            }
        }
        return limit;
    }

    /** Post-order of the trie: descendants (longer extensions) first, then 0-branch before 1-branch. */
    private static int walkOrder(byte[] a, byte[] b) {
        int la = prefixlen(a), lb = prefixlen(b);
        int min = Math.min(la, lb);
        int c = common(a, b, min);
        if (c < min) {
            return bit(a, c) - bit(b, c);
        }
        return Integer.compare(lb, la);
    }

    private boolean badPrefix(byte[] key) {
        return Integer.compareUnsigned(prefixlen(key), maxPrefixlen) > 0;
    }

    @Override
    public synchronized byte[] lookupValue(byte[] key) {
        if (badPrefix(key)) {
            return null;
        }
        int want = prefixlen(key);
        byte[] best = null;
        int bestLen = -1;
        for (var e : elements.entrySet()) {
            int len = prefixlen(e.getKey());
            if (len <= want && len > bestLen && common(e.getKey(), key, len) == len) {
                best = e.getValue();
                bestLen = len;
            }
        }
        return best;
    }

    @Override
    public int lookup(byte[] key, byte[] valueOut) {
        byte[] v = lookupValue(key);
        if (v == null) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(v, 0, valueOut, 0, valueSize());
        return 0;
    }

    @Override
    public synchronized int update(byte[] key, byte[] value, long flags) {
        if (flags > BpfFlags.BPF_EXIST || flags < 0) {
            return err(Errno.EINVAL);
        }
        if (badPrefix(key)) {
            return err(Errno.EINVAL);
        }
        byte[] k = Arrays.copyOf(key, keySize());
        byte[] old = elements.get(k);
        if (old != null) {
            if (flags == BpfFlags.BPF_NOEXIST) {
                return err(Errno.EEXIST);
            }
            elements.remove(k); // the new node takes the new key bytes
            elements.put(k, Arrays.copyOf(value, valueSize()));
            return 0;
        }
        if (flags == BpfFlags.BPF_EXIST) {
            return err(Errno.ENOENT);
        }
        if (elements.size() >= maxEntries()) {
            return err(Errno.ENOSPC);
        }
        elements.put(k, Arrays.copyOf(value, valueSize()));
        return 0;
    }

    @Override
    public synchronized int delete(byte[] key) {
        if (badPrefix(key)) {
            return err(Errno.EINVAL);
        }
        return elements.remove(Arrays.copyOf(key, keySize())) == null ? err(Errno.ENOENT) : 0;
    }

    @Override
    public synchronized int getNextKey(byte[] key, byte[] nextKeyOut) {
        byte[] next;
        if (key == null || badPrefix(key) || !elements.containsKey(Arrays.copyOf(key, keySize()))) {
            next = elements.isEmpty() ? null : elements.firstKey();
        } else {
            next = elements.higherKey(Arrays.copyOf(key, keySize()));
        }
        if (next == null) {
            return err(Errno.ENOENT);
        }
        System.arraycopy(next, 0, nextKeyOut, 0, keySize());
        return 0;
    }
}
