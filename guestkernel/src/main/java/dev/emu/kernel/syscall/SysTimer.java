package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.timer.PosixTimer;
import dev.emu.kernel.timer.ProcessTimers;

/**
 * Interval timers and POSIX timers (kernel/time/itimer.c, kernel/time/posix-timers.c,
 * posix-cpu-timers.c). The timers themselves live in {@link ProcessTimers}.
 */
final class SysTimer {
    private SysTimer() {}

    static final long NSEC_PER_USEC = 1000, NSEC_PER_SEC = 1_000_000_000L;

    /** A struct __kernel_old_timeval as ns, or -1 if invalid (timeval_valid). */
    private static long readTimeval(AddressSpace m, long addr) {
        long sec = m.readLong(addr);
        long usec = m.readLong(addr + 8);
        if (sec < 0 || usec < 0 || usec >= 1_000_000) {
            return -1;
        }
        return sec > Long.MAX_VALUE / NSEC_PER_SEC / 2 ? Long.MAX_VALUE / 2 : sec * NSEC_PER_SEC + usec * NSEC_PER_USEC;
    }

    private static void writeTimeval(AddressSpace m, long addr, long ns) {
        m.writeLong(addr, ns / NSEC_PER_SEC);
        m.writeLong(addr + 8, ns % NSEC_PER_SEC / NSEC_PER_USEC);
    }

    /** struct itimerval {it_interval, it_value} from {value, interval} in ns (put_itimerval). */
    private static void writeItimerval(AddressSpace m, long addr, long[] setting) {
        writeTimeval(m, addr, setting[1]);
        writeTimeval(m, addr + 16, setting[0]);
    }

    /** Getitimer implements Linux syscall getitimer(2). */
    static long getitimer(Task t, long which, long value, long a2, long a3, long a4, long a5) {
        if (which < ProcessTimers.ITIMER_REAL || which > ProcessTimers.ITIMER_PROF) {
            return Errno.EINVAL.ret();
        }
        writeItimerval(t.memory(), value, t.process().timers().getItimer(t.kernel(), (int) which));
        return 0;
    }

    /**
     * Setitimer implements Linux syscall setitimer(2): a NULL new value disarms (the "misfeature"
     * Linux keeps); the timevals are checked before {@code which}, as get_itimerval does.
     */
    static long setitimer(Task t, long which, long value, long ovalue, long a3, long a4, long a5) {
        long v = 0;
        long iv = 0;
        if (value != 0) {
            iv = readTimeval(t.memory(), value);
            v = readTimeval(t.memory(), value + 16);
            if (iv < 0 || v < 0) {
                return Errno.EINVAL.ret();
            }
        }
        if (which < ProcessTimers.ITIMER_REAL || which > ProcessTimers.ITIMER_PROF) {
            return Errno.EINVAL.ret();
        }
        long[] old = t.process().timers().setItimer(t.kernel(), (int) which, v, iv);
        t.kernel().requestReschedule(); // the running slice must end at the new expiry
        if (ovalue != 0) {
            writeItimerval(t.memory(), ovalue, old);
        }
        return 0;
    }

    /** Alarm implements Linux syscall alarm(2) (alarm_setitimer): returns the old remaining seconds, rounded. */
    static long alarm(Task t, long seconds, long a1, long a2, long a3, long a4, long a5) {
        long[] old = t.process().timers().setItimer(t.kernel(), ProcessTimers.ITIMER_REAL, seconds * NSEC_PER_SEC, 0);
        t.kernel().requestReschedule();
        long sec = old[0] / NSEC_PER_SEC;
        long usec = old[0] % NSEC_PER_SEC / NSEC_PER_USEC;
        if (sec == 0 && usec != 0 || usec >= 500_000) {
            sec++;
        }
        return sec;
    }

    /** The base clock of a timer on {@code clock}, null for an invalid id, or EOPNOTSUPP's marker. */
    private static PosixTimer.Base baseOf(long clock) {
        return clock < 0 ? null : switch ((int) clock) {
            case SysTime.CLOCK_REALTIME, SysTime.CLOCK_MONOTONIC, SysTime.CLOCK_BOOTTIME,
                 SysTime.CLOCK_REALTIME_ALARM, SysTime.CLOCK_BOOTTIME_ALARM, SysTime.CLOCK_TAI -> PosixTimer.Base.KERNEL;
            case SysTime.CLOCK_PROCESS_CPUTIME_ID -> PosixTimer.Base.PROCESS_CPU;
            case SysTime.CLOCK_THREAD_CPUTIME_ID -> PosixTimer.Base.THREAD_CPU;
            default -> null;
        };
    }

    /**
     * Timer_create implements Linux syscall timer_create(2) (do_timer_create, good_sigevent):
     * SIGEV_SIGNAL (and SIGEV_THREAD, which the kernel treats alike), SIGEV_THREAD_ID to a
     * thread of the caller's process, SIGEV_NONE. MONOTONIC_RAW and the coarse clocks cannot
     * drive timers (EOPNOTSUPP); unknown clocks are EINVAL.
     */
    static long timerCreate(Task t, long clock, long event, long createdId, long a3, long a4, long a5) {
        AddressSpace m = t.memory();
        long value = 0;
        int signo = Signals.SIGALRM;
        int notify = PosixTimer.SIGEV_SIGNAL;
        int tid = 0;
        if (event != 0) {
            value = m.readLong(event);
            signo = m.readInt(event + 8);
            notify = m.readInt(event + 12);
            tid = m.readInt(event + 16);
        }
        if (clock == SysTime.CLOCK_MONOTONIC_RAW || clock == SysTime.CLOCK_REALTIME_COARSE
                || clock == SysTime.CLOCK_MONOTONIC_COARSE) {
            return Errno.EOPNOTSUPP.ret();
        }
        if (clock < 0) {
            clock = SysTime.ownCpuClock(t, clock);
        }
        PosixTimer.Base base = baseOf(clock);
        if (base == null) {
            return Errno.EINVAL.ret();
        }
        Task target = null;
        switch (notify) {
            case PosixTimer.SIGEV_SIGNAL | PosixTimer.SIGEV_THREAD_ID -> {
                target = t.kernel().task(tid);
                if (target == null || target.process() != t.process()) {
                    return Errno.EINVAL.ret();
                }
                if (signo <= 0 || signo > 64) {
                    return Errno.EINVAL.ret();
                }
            }
            case PosixTimer.SIGEV_SIGNAL, PosixTimer.SIGEV_THREAD -> {
                if (signo <= 0 || signo > 64) {
                    return Errno.EINVAL.ret();
                }
            }
            case PosixTimer.SIGEV_NONE -> { }
            default -> {
                return Errno.EINVAL.ret();
            }
        }
        ProcessTimers timers = t.process().timers();
        long id = timers.create(t.kernel(), (int) clock, base, t, notify, signo, value, target, event == 0);
        if (id < 0) {
            return id;
        }
        try {
            m.writeInt(createdId, (int) id);
        } catch (dev.emu.kernel.platform.BadAddressException e) {
            timers.delete(t.kernel(), timers.posixTimer((int) id));
            throw e;
        }
        return 0;
    }

    /** struct itimerspec {it_interval, it_value} from {value, interval} in ns. */
    private static void writeItimerspec(Task t, long addr, long[] setting) {
        SysTime.writeTimespec(t, addr, setting[1]);
        SysTime.writeTimespec(t, addr + 16, setting[0]);
    }

    /**
     * Timer_settime implements Linux syscall timer_settime(2): TIMER_ABSTIME takes the value as a
     * time on the timer's clock (CLOCK_REALTIME converted to the kernel clock when set); a time
     * already past fires at once.
     */
    static long timerSettime(Task t, long id, long flags, long newValue, long oldValue, long a4, long a5) {
        if (newValue == 0) {
            return Errno.EINVAL.ret();
        }
        long interval = SysTime.readTimespec(t, newValue);
        long value = SysTime.readTimespec(t, newValue + 16);
        if (interval < 0 || value < 0) {
            return Errno.EINVAL.ret();
        }
        PosixTimer timer = t.process().timers().posixTimer((int) id);
        if (timer == null) {
            return Errno.EINVAL.ret();
        }
        Kernel k = t.kernel();
        long expiry = 0;
        if (value != 0) {
            if ((flags & SysTime.TIMER_ABSTIME) == 0) {
                expiry = nowOn(t, timer) + value;
            } else if (timer.base() == PosixTimer.Base.KERNEL) {
                // The deadline on the kernel clock: the absolute time minus the clock's offset from it.
                expiry = value - (SysTime.now(t, timer.clockId()) - k.clock().nanos());
            } else {
                expiry = value;
            }
            expiry = Math.max(1, expiry);
        }
        long[] old = t.process().timers().setPosix(k, timer, expiry, interval);
        k.requestReschedule();
        if (oldValue != 0) {
            writeItimerspec(t, oldValue, old);
        }
        return 0;
    }

    private static long nowOn(Task t, PosixTimer timer) {
        return switch (timer.base()) {
            case KERNEL -> t.kernel().clock().nanos();
            case PROCESS_CPU -> t.kernel().processCpuTime(t.process());
            case THREAD_CPU -> t.kernel().cpuTime(t);
        };
    }

    /** Timer_gettime implements Linux syscall timer_gettime(2). */
    static long timerGettime(Task t, long id, long setting, long a2, long a3, long a4, long a5) {
        PosixTimer timer = t.process().timers().posixTimer((int) id);
        if (timer == null) {
            return Errno.EINVAL.ret();
        }
        writeItimerspec(t, setting, t.process().timers().getPosix(t.kernel(), timer));
        return 0;
    }

    /** Timer_getoverrun implements Linux syscall timer_getoverrun(2): the overrun of the last delivered expiry. */
    static long timerGetoverrun(Task t, long id, long a1, long a2, long a3, long a4, long a5) {
        PosixTimer timer = t.process().timers().posixTimer((int) id);
        return timer == null ? Errno.EINVAL.ret() : timer.overrun();
    }

    /** Timer_delete implements Linux syscall timer_delete(2). */
    static long timerDelete(Task t, long id, long a1, long a2, long a3, long a4, long a5) {
        PosixTimer timer = t.process().timers().posixTimer((int) id);
        if (timer == null) {
            return Errno.EINVAL.ret();
        }
        t.process().timers().delete(t.kernel(), timer);
        return 0;
    }
}
