package dev.emu.bpf.map;

import dev.emu.abi.Errno;

/**
 * A BPF map: the operations Linux's {@code struct bpf_map_ops} offers, with the errno values user
 * space sees. Element operations return {@code 0} or {@code -errno}. The default implementation of
 * each element operation is Linux's answer for a map type that lacks it (user space sees EINVAL).
 *
 * <p>Values are stored as one {@code byte[]} per element so that a program's pointer into a value
 * (from {@code bpf_map_lookup_elem}) can be a bounded memory region of the interpreter.
 */
public abstract class BpfMap {
    /** Immutable creation attributes. */
    private final int type, keySize, valueSize, maxEntries, flags;
    /** Set once by BPF_MAP_FREEZE (bpf_map_freeze): user space may no longer write the map. */
    private boolean frozen;

    protected BpfMap(int type, int keySize, int valueSize, int maxEntries, int flags) {
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.flags = flags;
    }

    /** Linux map type id ({@link dev.emu.abi.bpf.BpfMapType}). */
    public final int type() {
        return type;
    }

    /** Key size in bytes. */
    public final int keySize() {
        return keySize;
    }

    /** Value size in bytes. */
    public final int valueSize() {
        return valueSize;
    }

    /** max_entries as created (for ringbuf: the data size in bytes). */
    public final int maxEntries() {
        return maxEntries;
    }

    /** map_flags as created. */
    public final int flags() {
        return flags;
    }

    /** BPF_MAP_FREEZE: from now on the syscall side may not write the map; programs still may. */
    public final void freeze() {
        frozen = true;
    }

    /** True once frozen. */
    public final boolean frozen() {
        return frozen;
    }

    /**
     * Bpf_map_is_rdonly: neither programs (BPF_F_RDONLY_PROG) nor user space (frozen) can change
     * the map any more, so the verifier may read its values as constants.
     */
    public final boolean readOnly() {
        return frozen && (flags & dev.emu.abi.bpf.BpfFlags.BPF_F_RDONLY_PROG) != 0;
    }

    /**
     * Program-side lookup ({@code bpf_map_lookup_elem} helper): the live value storage for
     * {@code key}, or null if absent. The returned array is the element itself; writes through it
     * change the map.
     */
    public byte[] lookupValue(byte[] key) {
        return null;
    }

    /** BPF_MAP_LOOKUP_ELEM: copies the value into {@code valueOut}; 0 or -errno. */
    public int lookup(byte[] key, byte[] valueOut) {
        return (int) Errno.EINVAL.ret();
    }

    /** BPF_MAP_UPDATE_ELEM with flags BPF_ANY/BPF_NOEXIST/BPF_EXIST; 0 or -errno. */
    public int update(byte[] key, byte[] value, long flags) {
        return (int) Errno.EINVAL.ret();
    }

    /** BPF_MAP_DELETE_ELEM; 0 or -errno. */
    public int delete(byte[] key) {
        return (int) Errno.EINVAL.ret();
    }

    /**
     * BPF_MAP_GET_NEXT_KEY: writes the key following {@code key} (or the first key when
     * {@code key} is null) into {@code nextKeyOut}; 0, or -ENOENT after the last key.
     */
    public int getNextKey(byte[] key, byte[] nextKeyOut) {
        return (int) Errno.EINVAL.ret();
    }

    /** num_possible_cpus() of emu's machine (/sys/devices/system/cpu/possible is "0"). */
    public static final int POSSIBLE_CPUS = 1;

    /**
     * Bytes of a value as user space passes it to the element commands (bpf_map_value_size):
     * value_size, or for per-CPU maps round_up(value_size, 8) for each possible CPU.
     */
    public int userValueSize() {
        return valueSize;
    }

    /**
     * BPF_MAP_LOOKUP_AND_DELETE_ELEM (hash types, and pop for queue/stack): copies the value into
     * {@code valueOut} and deletes the element; -ENOTSUPP (524) for types without it, as Linux.
     */
    public int lookupAndDelete(byte[] key, byte[] valueOut, long flags) {
        return (int) Errno.ENOTSUPP.ret();
    }

    /** bpf_map_push_elem (queue, stack, bloom filter); -EINVAL for other types (the verifier refuses them). */
    public int push(byte[] value, long flags) {
        return (int) Errno.EINVAL.ret();
    }

    /** bpf_map_pop_elem into {@code valueOut} (queue, stack). */
    public int pop(byte[] valueOut) {
        return (int) Errno.EINVAL.ret();
    }

    /** bpf_map_peek_elem into {@code valueOut} (queue, stack; bloom filter: membership test). */
    public int peek(byte[] valueOut) {
        return (int) Errno.EINVAL.ret();
    }

    /**
     * Bytes of host memory (Java heap) the map holds at most, charged when it is created and
     * returned when it is freed: its storage plus the per-element object overhead.
     */
    public abstract long memoryCost();

    /** Java's overhead of one {@code byte[]}: the 16-byte header (length included). */
    protected static final int ARRAY_HEADER = 16;

    /** {@code n} rounded up to 8, as Java and Linux's allocators round object sizes. */
    protected static long round8(long n) {
        return (n + 7) & ~7L;
    }

    /** Returns {@code -e.number} as an int, for element operations. */
    protected static int err(Errno e) {
        return -e.number;
    }
}
