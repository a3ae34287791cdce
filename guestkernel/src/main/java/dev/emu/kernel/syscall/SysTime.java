package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;

/** Clocks and sleeping (kernel/time/posix-timers.c, kernel/time/hrtimer.c). */
final class SysTime {
    private SysTime() {}

    static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
            CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
            CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8,
            CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
    static final int TIMER_ABSTIME = 1;

    /**
     * The clock a negative (dynamic) CPU clock id names (include/linux/posix-timers_types.h:
     * ~pid << 3 | perthread << 2 | which; glibc's timer_create and clock_getcpuclockid make
     * them): CLOCK_PROCESS_CPUTIME_ID or CLOCK_THREAD_CPUTIME_ID when the id names the caller's
     * own process or one of its threads, else -1. Other processes' CPU clocks are not supported.
     */
    static int ownCpuClock(Task t, long clock) {
        if (clock >= 0 || (clock & 3) == 3) {
            return -1; // CLOCKFD ids name dynamic clocks by fd: emu has none
        }
        int pid = (int) ~(clock >> 3);
        if ((clock & 4) != 0) {
            Task target = pid == 0 ? t : t.kernel().task(pid);
            return target == t ? CLOCK_THREAD_CPUTIME_ID : -1;
        }
        return pid == 0 || pid == t.process().pid() ? CLOCK_PROCESS_CPUTIME_ID : -1;
    }

    /** Nanoseconds on {@code clock}, or -1 for an invalid clock id. */
    static long now(Task t, long clock) {
        if (clock < 0) {
            int own = ownCpuClock(t, clock);
            return own < 0 ? -1 : now(t, own);
        }
        long mono = t.kernel().clock().nanos();
        return switch ((int) clock) {
            case CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_REALTIME_ALARM, CLOCK_TAI -> t.kernel().clock().realtimeNanos();
            case CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
                 CLOCK_BOOTTIME_ALARM -> mono;
            // Virtual CPU time: the blocks the process's threads (or this thread) executed (Kernel.cpuTime).
            case CLOCK_PROCESS_CPUTIME_ID -> t.kernel().processCpuTime(t.process());
            case CLOCK_THREAD_CPUTIME_ID -> t.kernel().cpuTime(t);
            default -> -1;
        };
    }

    static void writeTimespec(Task t, long addr, long nanos) {
        t.memory().writeLong(addr, Math.floorDiv(nanos, 1_000_000_000L));
        t.memory().writeLong(addr + 8, Math.floorMod(nanos, 1_000_000_000L));
    }

    /** Reads a struct timespec; -1 if tv_nsec is out of range or tv_sec negative. */
    static long readTimespec(Task t, long addr) {
        long sec = t.memory().readLong(addr);
        long nsec = t.memory().readLong(addr + 8);
        if (sec < 0 || nsec < 0 || nsec >= 1_000_000_000L) {
            return -1;
        }
        return sec > Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE / 2 : sec * 1_000_000_000L + nsec;
    }

    /** Clock_gettime implements Linux syscall clock_gettime(2). */
    static long clockGettime(Task t, long clock, long tp, long a2, long a3, long a4, long a5) {
        long ns = now(t, clock);
        if (ns < 0) {
            return Errno.EINVAL.ret();
        }
        writeTimespec(t, tp, ns);
        return 0;
    }

    /** Clock_getres implements Linux syscall clock_getres(2): 1 ns, 4 ms for the coarse clocks. */
    static long clockGetres(Task t, long clock, long res, long a2, long a3, long a4, long a5) {
        if (now(t, clock) < 0) {
            return Errno.EINVAL.ret();
        }
        if (res != 0) {
            boolean coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;
            writeTimespec(t, res, coarse ? t.kernel().config().tickPeriodNanos() : 1);
        }
        return 0;
    }

    /** Gettimeofday implements Linux syscall gettimeofday(2). */
    static long gettimeofday(Task t, long tv, long tz, long a2, long a3, long a4, long a5) {
        long ns = now(t, CLOCK_REALTIME);
        if (tv != 0) {
            t.memory().writeLong(tv, ns / 1_000_000_000L);
            t.memory().writeLong(tv + 8, (ns / 1000) % 1_000_000);
        }
        if (tz != 0) {
            t.memory().writeLong(tz, 0); // UTC: tz_minuteswest 0, tz_dsttime 0
        }
        return 0;
    }

    /** Time implements Linux syscall time(2). */
    static long time(Task t, long tloc, long a1, long a2, long a3, long a4, long a5) {
        long sec = now(t, CLOCK_REALTIME) / 1_000_000_000L;
        if (tloc != 0) {
            t.memory().writeLong(tloc, sec);
        }
        return sec;
    }

    /** Nanosleep implements Linux syscall nanosleep(2). */
    static long nanosleep(Task t, long req, long rem, long a2, long a3, long a4, long a5) {
        return clockNanosleep(t, CLOCK_MONOTONIC, 0, req, rem, 0, 0);
    }

    /**
     * Clock_nanosleep implements Linux syscall clock_nanosleep(2): the task sleeps until the
     * deadline on the kernel clock. A signal that runs a handler ends it with EINTR (never
     * restarted, SA_RESTART or not: Linux's ERESTART_RESTARTBLOCK) and a relative sleep
     * writes the time left to {@code rem}.
     */
    static long clockNanosleep(Task t, long clock, long flags, long req, long rem, long a4, long a5) {
        if (clock == CLOCK_THREAD_CPUTIME_ID) {
            return Errno.EINVAL.ret();
        }
        long base = now(t, clock);
        if (base < 0) {
            return Errno.EINVAL.ret();
        }
        long ns = readTimespec(t, req);
        if (ns < 0) {
            return Errno.EINVAL.ret();
        }
        long mono = t.kernel().clock().nanos();
        long deadline = (flags & TIMER_ABSTIME) != 0 ? mono + (ns - base) : mono + ns;
        if (deadline > mono) {
            t.block(deadline, "nanosleep");
            if (rem != 0 && (flags & TIMER_ABSTIME) == 0) {
                // do_nanosleep: a signal ends the sleep with EINTR and the time left in rem.
                t.setOnInterrupt(() -> {
                    try {
                        writeTimespec(t, rem, Math.max(0, deadline - t.kernel().clock().nanos()));
                    } catch (dev.emu.kernel.platform.BadAddressException ignored) {
                        // Linux returns EFAULT here; the EINTR stands in emu.
                    }
                });
            }
        }
        return 0;
    }

    /** Sched_yield implements Linux syscall sched_yield(2). */
    static long schedYield(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        t.kernel().requestReschedule();
        return 0;
    }
}
