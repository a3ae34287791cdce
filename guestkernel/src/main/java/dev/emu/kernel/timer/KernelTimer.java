package dev.emu.kernel.timer;

/**
 * A timer on the kernel's monotonic clock (Linux's hrtimer): when the clock reaches its
 * deadline, {@link TimerQueue#runExpired} takes it off the queue and calls its expiry.
 */
public final class KernelTimer {
    /** What an expired timer does; it may re-arm itself. */
    @FunctionalInterface
    public interface Expiry {
        void expired(long now);
    }

    private final Expiry expiry;
    long deadline = Long.MAX_VALUE;
    long sequence;
    boolean armed;

    public KernelTimer(Expiry expiry) {
        this.expiry = expiry;
    }

    public long deadline() {
        return deadline;
    }

    public boolean armed() {
        return armed;
    }

    void fire(long now) {
        expiry.expired(now);
    }
}
