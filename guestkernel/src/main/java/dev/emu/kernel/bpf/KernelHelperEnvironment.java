package dev.emu.kernel.bpf;

import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.task.Task;
import java.nio.charset.StandardCharsets;

/**
 * What helpers see of the guest kernel during one program run (kernel/trace/bpf_trace.c,
 * kernel/bpf/helpers.c): the kernel clock, the seeded random generator, the task the program runs
 * on behalf of (the interrupted task for timer programs; null when the CPU was idle, which
 * helpers see as Linux's idle task: pid 0, comm "swapper/0"), and the kernel log for
 * trace_printk. Deterministic: nothing here reads host state.
 */
final class KernelHelperEnvironment implements HelperEnvironment {
    private static final byte[] IDLE_COMM = "swapper/0".getBytes(StandardCharsets.US_ASCII);

    private final Kernel kernel;
    private final Task current;

    KernelHelperEnvironment(Kernel kernel, Task current) {
        this.kernel = kernel;
        this.current = current;
    }

    @Override
    public long ktimeGetNs() {
        return kernel.clock().nanos();
    }

    /** The last tick's time: the clock rounded down to the tick period (--tick-hz). */
    @Override
    public long ktimeGetCoarseNs() {
        long now = kernel.clock().nanos();
        long period = 1_000_000_000L / Math.max(1, kernel.config().tickHz());
        return now - now % period;
    }

    @Override
    public long ktimeGetTaiNs() {
        return kernel.clock().realtimeNanos();
    }

    @Override
    public long jiffies64() {
        return kernel.ticks();
    }

    @Override
    public int prandomU32() {
        return kernel.random().nextInt();
    }

    @Override
    public int smpProcessorId() {
        return 0;
    }

    @Override
    public long currentPidTgid() {
        return current == null ? 0 : (long) current.process().pid() << 32 | current.tid();
    }

    @Override
    public byte[] currentComm() {
        return current == null ? IDLE_COMM.clone() : current.comm().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void tracePrintk(String message) {
        String m = message.endsWith("\n") ? message.substring(0, message.length() - 1) : message;
        kernel.log().info("bpf_trace_printk: " + m);
    }
}
