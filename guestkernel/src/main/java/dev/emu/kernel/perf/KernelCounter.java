package dev.emu.kernel.perf;

import static dev.emu.abi.perf.PerfEventAttr.*;

import dev.emu.kernel.Kernel;

/**
 * perf events the kernel opens for itself (kernel/events/core.c
 * perf_event_create_kernel_counter): no fd, no id from the guest's sequence (id 0, so the
 * guest's own events number as they would unprofiled), the program set by the caller.
 */
public final class KernelCounter {
    private KernelCounter() {}

    /**
     * A CPU-wide cpu-clock event sampling {@code hz} times a second of the kernel clock (as
     * {@code perf_event_open} with {@code freq = 1, sample_freq = hz, pid = -1, cpu = 0}),
     * enabled, with {@code program} run on each sample.
     */
    public static PerfEvent cpuClockSampler(Kernel kernel, long hz, PerfProgram program) {
        PerfAttr attr = new PerfAttr(TYPE_SOFTWARE, SIZE_LATEST, COUNT_SW_CPU_CLOCK, hz, 0, 0, FREQ | DISABLED, 0, 0, 0, 0);
        PerfEvent e = new PerfEvent(kernel, 0, attr, PerfEvent.Kind.CPU_CLOCK, null, null, null);
        e.setProgram(program);
        e.enable();
        return e;
    }

    /** Stops the event and lets go of its program (perf_event_release_kernel). */
    public static void release(PerfEvent e) {
        e.close();
    }
}
