package dev.emu.kernel.sched;

import dev.emu.kernel.task.Task;

/**
 * What a tick hook sees: the tick number, the kernel clock, and the task the tick interrupted
 * (null when the CPU was idle).
 *
 * @param tick ticks since boot, starting at 1
 * @param nowNanos the kernel clock at the tick
 * @param interrupted the task that was running, or null if idle
 * @param userRip the interrupted task's user RIP (0 if idle)
 */
public record TickContext(long tick, long nowNanos, Task interrupted, long userRip) {}
