package dev.emu.kernel.task;

/**
 * struct k_sigaction as rt_sigaction(2) passes it on x86_64: handler, flags, restorer, mask.
 *
 * @param handler SIG_DFL (0), SIG_IGN (1) or a guest function address
 */
public record SignalAction(long handler, long flags, long restorer, long mask) {
    public static final SignalAction DEFAULT = new SignalAction(0, 0, 0, 0);
    public static final long SIG_DFL = 0;
    public static final long SIG_IGN = 1;
}
