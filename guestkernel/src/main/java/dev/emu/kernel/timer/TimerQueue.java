package dev.emu.kernel.timer;

import java.util.Comparator;
import java.util.TreeSet;

/**
 * The armed {@link KernelTimer}s, earliest first (an hrtimer base). The kernel loop bounds each
 * slice by {@link #nextDeadline} and runs what expired after it, so a timer fires at its
 * deadline on the virtual clock whatever the guest does. Timers with equal deadlines fire in the
 * order they were armed: runs stay deterministic.
 */
public final class TimerQueue {
    private final TreeSet<KernelTimer> armed = new TreeSet<>(
            Comparator.comparingLong((KernelTimer t) -> t.deadline).thenComparingLong(t -> t.sequence));
    private long nextSequence;

    /** Arms (or re-arms) {@code t} to expire at {@code deadline}. */
    public void arm(KernelTimer t, long deadline) {
        cancel(t);
        t.deadline = deadline;
        t.sequence = nextSequence++;
        t.armed = true;
        armed.add(t);
    }

    public void cancel(KernelTimer t) {
        if (t.armed) {
            armed.remove(t);
            t.armed = false;
            t.deadline = Long.MAX_VALUE;
        }
    }

    /** The earliest deadline, or Long.MAX_VALUE when nothing is armed. */
    public long nextDeadline() {
        return armed.isEmpty() ? Long.MAX_VALUE : armed.first().deadline;
    }

    /** Fires every timer whose deadline is at or before {@code now}. */
    public void runExpired(long now) {
        while (!armed.isEmpty() && armed.first().deadline <= now) {
            KernelTimer t = armed.pollFirst();
            t.armed = false;
            t.fire(now);
        }
    }

    public boolean isEmpty() {
        return armed.isEmpty();
    }
}
