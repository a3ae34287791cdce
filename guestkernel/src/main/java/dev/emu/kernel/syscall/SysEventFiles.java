package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.EventFd;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.SignalFd;
import dev.emu.kernel.fs.TimerFd;
import dev.emu.kernel.task.Task;

/**
 * Files that turn events into reads: eventfd(2), timerfd_create(2) and friends, signalfd(2)
 * (fs/eventfd.c, fs/timerfd.c, fs/signalfd.c). The files are {@link EventFd}, {@link TimerFd}
 * and {@link SignalFd}; poll, select and epoll see them through File.poll.
 */
final class SysEventFiles {
    private SysEventFiles() {}

    private static long install(Task t, File f, boolean cloexec) {
        int fd = t.process().fds().install(f, 0, cloexec);
        if (fd < 0) {
            f.release();
        }
        return fd;
    }

    /** Eventfd implements Linux syscall eventfd(2). */
    static long eventfd(Task t, long count, long a1, long a2, long a3, long a4, long a5) {
        return eventfd2(t, count, 0, 0, 0, 0, 0);
    }

    /** Eventfd2 implements Linux syscall eventfd2(2). */
    static long eventfd2(Task t, long count, long flags, long a2, long a3, long a4, long a5) {
        if ((flags & ~(long) (EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK | EventFd.EFD_SEMAPHORE)) != 0) {
            return Errno.EINVAL.ret();
        }
        return install(t, new EventFd(t.kernel().scheduler(), count, (int) flags), (flags & EventFd.EFD_CLOEXEC) != 0);
    }

    /** Timerfd_create implements Linux syscall timerfd_create(2); the alarm clocks act as their base clocks. */
    static long timerfdCreate(Task t, long clockId, long flags, long a2, long a3, long a4, long a5) {
        boolean known = clockId == SysTime.CLOCK_MONOTONIC || clockId == SysTime.CLOCK_REALTIME
                || clockId == SysTime.CLOCK_BOOTTIME || clockId == SysTime.CLOCK_REALTIME_ALARM
                || clockId == SysTime.CLOCK_BOOTTIME_ALARM;
        if ((flags & ~(long) (TimerFd.TFD_CLOEXEC | TimerFd.TFD_NONBLOCK)) != 0 || !known) {
            return Errno.EINVAL.ret();
        }
        var clock = t.kernel().clock();
        return install(t, new TimerFd(t.kernel().scheduler(), clock::nanos, (int) clockId, (int) flags),
                (flags & TimerFd.TFD_CLOEXEC) != 0);
    }

    /** Timerfd_fget: EBADF for no file, EINVAL for a file that is no timerfd; null with err[0] set. */
    private static TimerFd timerfd(Task t, long fd, long[] err) {
        File f = t.process().fds().get(fd);
        if (f == null) {
            err[0] = Errno.EBADF.ret();
            return null;
        }
        if (!(f instanceof TimerFd tf)) {
            err[0] = Errno.EINVAL.ret();
            return null;
        }
        return tf;
    }

    /** Timerfd_settime implements Linux syscall timerfd_settime(2). */
    static long timerfdSettime(Task t, long fd, long flags, long utmr, long otmr, long a4, long a5) {
        long interval = SysTime.readTimespec(t, utmr);
        long value = SysTime.readTimespec(t, utmr + 16);
        if ((flags & ~(long) (TimerFd.TFD_TIMER_ABSTIME | TimerFd.TFD_TIMER_CANCEL_ON_SET)) != 0 || interval < 0 || value < 0) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        TimerFd tf = timerfd(t, fd, err);
        if (tf == null) {
            return err[0];
        }
        long mono = t.kernel().clock().nanos();
        long first;
        if (value == 0) {
            first = Long.MAX_VALUE; // disarm
        } else if ((flags & TimerFd.TFD_TIMER_ABSTIME) != 0) {
            // An absolute time on the timer's clock, as a monotonic time.
            long offset = SysTime.now(t, tf.clockId()) - mono;
            first = Math.max(value - offset, 0);
        } else {
            first = value > Long.MAX_VALUE - mono ? Long.MAX_VALUE - 1 : mono + value;
        }
        long[] old = new long[2];
        tf.set(first, interval, old);
        if (otmr != 0) {
            writeItimerspec(t, otmr, old);
        }
        return 0;
    }

    /** Timerfd_gettime implements Linux syscall timerfd_gettime(2). */
    static long timerfdGettime(Task t, long fd, long otmr, long a2, long a3, long a4, long a5) {
        long[] err = new long[1];
        TimerFd tf = timerfd(t, fd, err);
        if (tf == null) {
            return err[0];
        }
        long[] cur = new long[2];
        tf.get(cur);
        writeItimerspec(t, otmr, cur);
        return 0;
    }

    /** Struct itimerspec: it_interval, then it_value. */
    private static void writeItimerspec(Task t, long addr, long[] valueAndInterval) {
        SysTime.writeTimespec(t, addr, valueAndInterval[1]);
        SysTime.writeTimespec(t, addr + 16, valueAndInterval[0]);
    }

    /** Signalfd implements Linux syscall signalfd(2). */
    static long signalfd(Task t, long fd, long mask, long sizemask, long a3, long a4, long a5) {
        return signalfd4(t, fd, mask, sizemask, 0, 0, 0);
    }

    /** Signalfd4 implements Linux syscall signalfd4(2): fd -1 makes a new one, else it must be a signalfd. */
    static long signalfd4(Task t, long fd, long mask, long sizemask, long flags, long a4, long a5) {
        if ((flags & ~(long) (SignalFd.SFD_CLOEXEC | SignalFd.SFD_NONBLOCK)) != 0 || sizemask != 8) {
            return Errno.EINVAL.ret();
        }
        long set = t.memory().readLong(mask) & ~SysSignal.UNBLOCKABLE;
        if (fd == -1) {
            return install(t, new SignalFd(set, (int) flags), (flags & SignalFd.SFD_CLOEXEC) != 0);
        }
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if (!(f instanceof SignalFd sf)) {
            return Errno.EINVAL.ret();
        }
        sf.setMask(set);
        return fd;
    }
}
