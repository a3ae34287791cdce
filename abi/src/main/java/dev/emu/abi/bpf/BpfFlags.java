package dev.emu.abi.bpf;

/**
 * Flag and pseudo-source numbers of the Linux bpf ABI (include/uapi/linux/bpf.h,
 * kernel/bpf/ringbuf.c). Pure numbers.
 */
public final class BpfFlags {
    private BpfFlags() {}

    // map_update_elem flags
    /** Create a new element or update an existing one. */
    public static final long BPF_ANY = 0;
    /** Create a new element only if it did not exist. */
    public static final long BPF_NOEXIST = 1;
    /** Update an existing element only. */
    public static final long BPF_EXIST = 2;
    /** Spin-lock the value while updating (unsupported by emu maps, accepted as Linux does for arrays). */
    public static final long BPF_F_LOCK = 4;

    // ringbuf commit/output flags
    public static final long BPF_RB_NO_WAKEUP = 1;
    public static final long BPF_RB_FORCE_WAKEUP = 2;

    // bpf_ringbuf_query flags
    public static final long BPF_RB_AVAIL_DATA = 0;
    public static final long BPF_RB_RING_SIZE = 1;
    public static final long BPF_RB_CONS_POS = 2;
    public static final long BPF_RB_PROD_POS = 3;

    // ringbuf record header (struct bpf_ringbuf_hdr: u32 len; u32 pg_off)
    public static final int BPF_RINGBUF_BUSY_BIT = 1 << 31;
    public static final int BPF_RINGBUF_DISCARD_BIT = 1 << 30;
    public static final int BPF_RINGBUF_HDR_SZ = 8;

    // lddw src_reg pseudo values
    public static final int BPF_PSEUDO_MAP_FD = 1;
    public static final int BPF_PSEUDO_MAP_VALUE = 2;
    public static final int BPF_PSEUDO_BTF_ID = 3;
    public static final int BPF_PSEUDO_FUNC = 4;
    public static final int BPF_PSEUDO_MAP_IDX = 5;
    public static final int BPF_PSEUDO_MAP_IDX_VALUE = 6;

    // call src_reg values
    public static final int BPF_PSEUDO_CALL = 1;
    public static final int BPF_PSEUDO_KFUNC_CALL = 2;

    // map_flags accepted by array/hash creation that emu honours or ignores
    public static final int BPF_F_NO_PREALLOC = 1;
    public static final int BPF_F_RDONLY = 1 << 3;
    public static final int BPF_F_WRONLY = 1 << 4;
    public static final int BPF_F_ZERO_SEED = 1 << 6;
    public static final int BPF_F_RDONLY_PROG = 1 << 7;
    public static final int BPF_F_WRONLY_PROG = 1 << 8;
    public static final int BPF_F_MMAPABLE = 1 << 10;

    /** Linux limits: MAX_BPF_STACK, MAX_CALL_FRAMES, BPF_COMPLEXITY_LIMIT_INSNS. */
    public static final int MAX_BPF_STACK = 512;
    public static final int MAX_CALL_FRAMES = 8;
    public static final int BPF_COMPLEXITY_LIMIT_INSNS = 1_000_000;
}
