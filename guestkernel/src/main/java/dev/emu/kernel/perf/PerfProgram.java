package dev.emu.kernel.perf;

import dev.emu.kernel.task.Task;
import dev.emu.kernel.trace.TraceHit;

/**
 * A BPF program attached to a perf event (Linux's event->prog and the tracepoint's prog_array),
 * as the perf core sees it; the BPF subsystem implements it.
 */
public interface PerfProgram {
    /** Runs on a tracepoint or kprobe hit; false drops the hit for this event (the program returned 0). */
    boolean onHit(TraceHit hit);

    /** Runs on a sampling overflow of {@code event} in {@code task} (pt_regs {@code regs}); false drops the sample. */
    boolean onOverflow(PerfEvent event, Task task, byte[] regs);

    /** The event let go of the program (close, detach): drop its reference. */
    void release();
}
