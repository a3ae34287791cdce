package dev.emu.abi.bpf;

/**
 * emu's extensions to the Linux bpf ABI: the one place they are defined (mirrored by
 * userspace-images/minilib/emu_bpf.h and described in docs/bpf-extensions.md). Every number is
 * outside the ranges Linux uses: they start with the bytes 'E' 'M' (0x454d....), so a host
 * Linux kernel refuses them with EINVAL instead of mistaking them for something it knows.
 *
 * <h2>BPF_EMU_RINGBUF_POLL: copy the next ringbuf record to user space</h2>
 * <pre>
 *   struct emu_bpf_ringbuf_poll {      offset size
 *       __u32 map_fd;                   0      4   ringbuf map fd
 *       __u32 flags;                    4      4   BPF_EMU_POLL_BLOCK or 0
 *       __u64 buf;                      8      8   user buffer pointer
 *       __u32 buf_size;                16      4   its size in bytes
 *       __u32 needed;                  20      4   out: record length when -ENOSPC
 *       __u64 timeout_ns;              24      8   with BLOCK: 0 = wait forever
 *   };                                 32 bytes
 * </pre>
 * Returns the record length, 0 when no record is ready (or the blocking wait timed out),
 * -ENOSPC (needed written back, the record stays), -EBADF, -EINVAL (not a ringbuf, unknown
 * flags), -EFAULT (bad buffer, the record stays).
 *
 * <h2>BPF_PROG_TYPE_EMU_TIMER and BPF_EMU_TIMER: programs run on the timer tick</h2>
 * The program type selects the read-only context {@code struct emu_timer_ctx}:
 * <pre>
 *   struct emu_timer_ctx {             offset size
 *       __u64 tick;                     0      8   ticks since boot (first tick is 1)
 *       __u64 time_ns;                  8      8   kernel clock at the tick
 *       __u32 pid;                     16      4   interrupted task's process id (0: idle)
 *       __u32 tid;                     20      4   interrupted task's thread id (0: idle)
 *       __u64 rip;                     24      8   its user RIP (0: idle)
 *   };                                 32 bytes
 * </pre>
 * PROG_ATTACH with attach_type BPF_EMU_TIMER, target_fd 0, runs the program every N ticks where
 * N = attach_flags (0 means 1).
 *
 * <h2>BPF_F_EMU_USER_STACK_CFI: user stacks unwound with .eh_frame</h2>
 * A flag of bpf_get_stackid and bpf_get_stack, beside BPF_F_USER_STACK: the user stack is walked
 * with the .eh_frame call frame information of the objects mapped at each pc (PT_GNU_EH_FRAME),
 * falling back to a frame-pointer step where there is none, instead of by frame pointers only.
 * Linux refuses the bit (EINVAL); `emu run --profile` sets it (docs/tracing.md, "Profiling").
 */
public final class EmuBpfExtensions {
    private EmuBpfExtensions() {}

    /** The ringbuf poll command ('E' 'M' 0x0001). */
    public static final int BPF_EMU_RINGBUF_POLL = 0x454d0001;
    /** Poll flag: block until a record is committed or timeout_ns expires. */
    public static final int BPF_EMU_POLL_BLOCK = 1;
    /**
     * Poll flag: copy as many committed records as fit, each in Linux's ring layout (8-byte header
     * {u32 len; u32 pg_off}, data padded to 8), and return the bytes copied.
     */
    public static final int BPF_EMU_POLL_BATCH = 2;
    /** Size of the header before each record of a batch (BPF_RINGBUF_HDR_SZ). */
    public static final int POLL_BATCH_HDR_SIZE = 8;

    // struct emu_bpf_ringbuf_poll
    public static final int POLL_MAP_FD = 0;
    public static final int POLL_FLAGS = 4;
    public static final int POLL_BUF = 8;
    public static final int POLL_BUF_SIZE = 16;
    public static final int POLL_NEEDED = 20;
    public static final int POLL_TIMEOUT_NS = 24;
    public static final int POLL_ATTR_SIZE = 32;

    /** Program type whose context is struct emu_timer_ctx. */
    public static final int BPF_PROG_TYPE_EMU_TIMER = 0x454d0001;
    /** Attach type: run on the kernel's timer tick. */
    public static final int BPF_EMU_TIMER = 0x454d0001;

    // struct emu_timer_ctx
    public static final int TIMER_CTX_TICK = 0;
    public static final int TIMER_CTX_TIME_NS = 8;
    public static final int TIMER_CTX_PID = 16;
    public static final int TIMER_CTX_TID = 20;
    public static final int TIMER_CTX_RIP = 24;
    public static final int TIMER_CTX_SIZE = 32;

    /** bpf_get_stackid/bpf_get_stack flag: unwind the user stack with .eh_frame (bit 62; Linux: EINVAL). */
    public static final long BPF_F_EMU_USER_STACK_CFI = 1L << 62;
}
