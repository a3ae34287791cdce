package dev.emu.bpf.helper;

/**
 * What helpers need from the kernel. The guest kernel implements this per program run (current
 * task, its clock, its trace pipe); {@link StandaloneEnvironment} serves standalone use.
 */
public interface HelperEnvironment {
    /** bpf_ktime_get_ns: monotonic time in nanoseconds. */
    long ktimeGetNs();

    /** bpf_get_prandom_u32: a pseudo-random 32-bit value. */
    int prandomU32();

    /** bpf_get_smp_processor_id. */
    int smpProcessorId();

    /** bpf_get_current_pid_tgid: {@code tgid << 32 | pid} of the current task. */
    long currentPidTgid();

    /** bpf_get_current_comm: the current task's name (at most 15 bytes, no NUL needed). */
    byte[] currentComm();

    /** bpf_trace_printk output: one formatted message (the kernel appends it to the trace pipe). */
    void tracePrintk(String message);
}
