package dev.emu.kernel.syscall;

/** Special values a {@link SyscallHandler} may return besides a result or -errno. */
public final class SyscallResults {
    private SyscallResults() {}

    /**
     * The task was parked; when woken the syscall instruction runs again with the same registers.
     * Outside the -4095..-1 errno range, so no guest can ever see it.
     */
    public static final long RESTART = Long.MIN_VALUE + 1;

    /** True for a value in Linux's error range (-4095..-1). */
    public static boolean isError(long ret) {
        return ret < 0 && ret >= -4095;
    }
}
