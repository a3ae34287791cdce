package dev.emu.kernel;

import dev.emu.kernel.time.VirtualClock;

/**
 * How a kernel instance is set up: the knobs of `emu run`.
 *
 * @param clockMode virtual (deterministic, default) or host time
 * @param seed seeds getrandom, AT_RANDOM and bpf_get_prandom_u32
 * @param tickHz timer tick rate
 * @param maxBlocks stop the run after this many executed basic blocks (0 = no limit)
 * @param timeoutNanos stop the run after this much host wall time (0 = no limit)
 * @param memoryLimit bytes of host memory the guest may use in total (--memory)
 */
public record KernelConfig(VirtualClock.Mode clockMode, long seed, int tickHz, long maxBlocks,
                           long timeoutNanos, long memoryLimit) {
    /** The memory limit of {@link #defaults()} (kernel tests, the in-process runner). */
    public static final long DEFAULT_MEMORY_LIMIT = 1L << 30;

    public static KernelConfig defaults() {
        return new KernelConfig(VirtualClock.Mode.VIRTUAL, 0, 100, 0, 0, DEFAULT_MEMORY_LIMIT);
    }

    public long tickPeriodNanos() {
        return 1_000_000_000L / tickHz;
    }
}
