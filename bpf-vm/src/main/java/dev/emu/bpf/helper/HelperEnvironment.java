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

    /** bpf_ktime_get_boot_ns: monotonic time including suspend (a guest never suspends: ktime_get_ns). */
    default long ktimeGetBootNs() {
        return ktimeGetNs();
    }

    /** bpf_ktime_get_coarse_ns: the monotonic clock as of the last tick. */
    default long ktimeGetCoarseNs() {
        return ktimeGetNs();
    }

    /** bpf_ktime_get_tai_ns: CLOCK_TAI (CLOCK_REALTIME plus the TAI offset, 0 until adjtimex sets it). */
    default long ktimeGetTaiNs() {
        return ktimeGetNs();
    }

    /** bpf_jiffies64: timer ticks since boot. */
    default long jiffies64() {
        return ktimeGetNs() / 10_000_000L;
    }

    /** bpf_get_numa_node_id: one node. */
    default int numaNodeId() {
        return 0;
    }

    /** bpf_trace_printk output: one formatted message (the kernel appends it to the trace pipe). */
    void tracePrintk(String message);
}
