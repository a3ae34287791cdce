package dev.emu.kernel.trace;

import dev.emu.kernel.task.Task;

/**
 * One firing of a tracepoint: the task it fired in, the record in the event's tracefs layout
 * (what a perf event and a BPF_PROG_TYPE_TRACEPOINT program see) and the raw tracepoint
 * arguments (TP_PROTO's, what a raw_tp program sees as u64s). Pointer arguments point into the
 * {@link KernelObjects} window of the hit, where probe_read_kernel finds them.
 *
 * @param event the tracepoint
 * @param task the current task (may be null for events fired outside any task)
 * @param record the record, common fields first
 * @param rawArgs TP_PROTO's arguments
 * @param objects the kernel objects the raw arguments point at (read-only copies)
 */
public record TraceHit(TraceEvent event, Task task, byte[] record, long[] rawArgs, KernelObjects objects) {}
