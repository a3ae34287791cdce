package dev.emu.kernel.fs;

import static dev.emu.abi.PollEvents.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import java.util.function.LongSupplier;

/**
 * A timerfd (fs/timerfd.c): a timer on the kernel clock whose expirations a read of 8 bytes
 * returns (and resets), blocking until the first; readable once it has expired.
 *
 * <p>Expirations are counted when the timer is looked at (read, poll, gettime, settime), from
 * the expiry time and the interval, so the count is exact whenever it is observed; a waiter
 * learns the next expiry through {@link PollTable#wakeAt} or its park deadline, which stands in
 * for Linux's hrtimer callback. The expiry is kept on the monotonic kernel clock; an absolute
 * CLOCK_REALTIME time is converted when set (emu's realtime clock is never set, so it does not
 * drift from the monotonic one).
 */
public final class TimerFd extends AnonInodeFile {
    public static final int TFD_NONBLOCK = 04000, TFD_CLOEXEC = 02000000;
    public static final int TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;

    private final Scheduler scheduler;
    private final LongSupplier monotonic;
    private final int clockId;
    private final WaitQueue queue = new WaitQueue("timerfd");
    /** The next expiry on the monotonic clock; Long.MAX_VALUE when disarmed. */
    private long expiry = Long.MAX_VALUE;
    private long interval;
    /** Expirations not yet read. */
    private long ticks;

    public TimerFd(Scheduler scheduler, LongSupplier monotonic, int clockId, int flags) {
        super(2 | (flags & TFD_NONBLOCK), "timerfd");
        this.scheduler = scheduler;
        this.monotonic = monotonic;
        this.clockId = clockId;
    }

    public int clockId() {
        return clockId;
    }

    /** Counts the expirations up to now; wakes the waiters if there are new ones. */
    private void update() {
        long now = monotonic.getAsLong();
        if (expiry == Long.MAX_VALUE || now < expiry) {
            return;
        }
        if (interval > 0) {
            long n = (now - expiry) / interval + 1;
            ticks += n;
            expiry = n > (Long.MAX_VALUE - expiry) / interval ? Long.MAX_VALUE : expiry + n * interval;
        } else {
            ticks++;
            expiry = Long.MAX_VALUE;
        }
        queue.wake(scheduler, POLLIN);
    }

    /**
     * Timerfd_settime: arms the timer to first expire at {@code firstExpiryMono} (monotonic
     * clock; Long.MAX_VALUE disarms) and then every {@code intervalNanos}; drops unread
     * expirations. {@code old} receives the previous setting (remaining, interval).
     */
    public void set(long firstExpiryMono, long intervalNanos, long[] old) {
        get(old);
        ticks = 0;
        expiry = firstExpiryMono;
        interval = firstExpiryMono == Long.MAX_VALUE ? 0 : intervalNanos;
        queue.wakeAll(scheduler); // waiters re-learn the next expiry
        update();
    }

    /** Timerfd_gettime: {@code out} = {time until the next expiry (0 if disarmed), interval}. */
    public void get(long[] out) {
        update();
        out[0] = expiry == Long.MAX_VALUE ? 0 : Math.max(0, expiry - monotonic.getAsLong());
        out[1] = interval;
    }

    /** Timerfd_read. */
    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        if (len < 8) {
            return Errno.EINVAL.ret();
        }
        update();
        if (ticks == 0) {
            if ((statusFlags() & TFD_NONBLOCK) != 0) {
                return Errno.EAGAIN.ret();
            }
            queue.park(task, expiry);
            return SyscallResults.RESTART;
        }
        EventFd.putLong(dst, off, ticks);
        ticks = 0;
        return 8;
    }

    /** Timerfd_poll. */
    @Override
    public int poll(Task task, PollTable table) {
        table.wait(queue);
        update();
        if (expiry != Long.MAX_VALUE) {
            table.wakeAt(expiry);
        }
        return ticks > 0 ? POLLIN : 0;
    }
}
