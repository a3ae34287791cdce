package dev.emu.bpf.helper;

/**
 * What the tracing helpers (kernel/trace/bpf_trace.c) need from a kernel beyond
 * {@link HelperEnvironment}: the current task's credentials, memory and user stack, the kernel
 * objects of the current hit, signals, and perf event output. The guest kernel implements it;
 * a helper run without it (standalone) faults.
 */
public interface TracingEnvironment extends HelperEnvironment {
    /** bpf_get_current_uid_gid: {@code gid << 32 | uid} of the current task. */
    long currentUidGid();

    /** Copies {@code len} bytes of the current task's memory at {@code addr}; false if any is unmapped. */
    boolean readUser(long addr, byte[] dst, int len);

    /** Copies {@code len} bytes of a kernel object the current hit exposes; false if there is none at {@code addr}. */
    boolean readKernel(long addr, byte[] dst, int len);

    /**
     * The current task's user stack as return addresses, innermost (the interrupted instruction)
     * first, at most {@code max}; walked by frame pointers. Empty when there is no task.
     */
    long[] userStack(int max);

    /**
     * The current task's user stack unwound with .eh_frame call frame information where the
     * mapped objects have it (emu's BPF_F_EMU_USER_STACK_CFI); frame pointers by default.
     */
    default long[] userStackCfi(int max) {
        return userStack(max);
    }

    /** bpf_send_signal(_thread): 0 or -errno. */
    long sendSignal(long sig, boolean thread);

    /** bpf_perf_event_output into the perf event stored in a perf event array slot: 0 or -errno. */
    long perfEventOutput(Object event, byte[] data);
}
