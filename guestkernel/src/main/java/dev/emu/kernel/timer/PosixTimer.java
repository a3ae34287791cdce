package dev.emu.kernel.timer;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.Task;

/**
 * One POSIX timer (Linux's k_itimer, kernel/time/posix-timers.c and posix-cpu-timers.c): a
 * clock, an expiry and period, and what expiry does (sigevent).
 *
 * <p>As Linux does, a periodic timer whose signal is queued is not re-armed until that signal
 * is dequeued (posixtimer_rearm): then it is moved past the current time, and the periods it
 * skipped are the overrun, reported in si_overrun and by timer_getoverrun. Expiries happen on
 * the kernel clock ({@link Base#KERNEL}, through a {@link KernelTimer}) or on virtual CPU time,
 * checked by the kernel after each slice of the process ({@link ProcessTimers#checkCpu}).
 */
public final class PosixTimer {
    public static final int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;

    /** The clock a timer counts on. */
    public enum Base { KERNEL, PROCESS_CPU, THREAD_CPU }

    private final int id;
    private final int clockId;
    private final Base base;
    private final GuestProcess process;
    /** THREAD_CPU: the thread whose time counts. */
    private final Task clockThread;
    private final int notify;
    private final int signo;
    private final long value;
    /** SIGEV_THREAD_ID: the thread signalled; null for the process. */
    private final Task target;
    private KernelTimer hrtimer;
    /** Next expiry on the base clock (kernel clock: monotonic ns); 0 when disarmed. */
    long expires;
    long interval;
    /** The timer's signal is queued and not yet dequeued; the timer waits to be re-armed. */
    private boolean signalQueued;
    /** Bumped by timer_settime and timer_delete so a stale queued signal re-arms nothing (it_requeue_pending). */
    private int generation;
    private int overrunLast;
    private boolean deleted;

    PosixTimer(int id, int clockId, Base base, GuestProcess process, Task clockThread, int notify, int signo,
               long value, Task target) {
        this.id = id;
        this.clockId = clockId;
        this.base = base;
        this.process = process;
        this.clockThread = clockThread;
        this.notify = notify;
        this.signo = signo;
        this.value = value;
        this.target = target;
    }

    public int id() {
        return id;
    }

    public int clockId() {
        return clockId;
    }

    public Base base() {
        return base;
    }

    Task clockThread() {
        return clockThread;
    }

    boolean signalQueued() {
        return signalQueued;
    }

    /** timer_getoverrun: the overrun of the last delivered expiry. */
    public int overrun() {
        return overrunLast;
    }

    /** Now on this timer's base clock. */
    long now(Kernel k) {
        return switch (base) {
            case KERNEL -> k.clock().nanos();
            case PROCESS_CPU -> k.processCpuTime(process);
            case THREAD_CPU -> k.cpuTime(clockThread);
        };
    }

    /**
     * Arms the timer to first expire at {@code expiry} on its base clock (0 disarms), then every
     * {@code period} ns (common_timer_set). A queued signal of the old setting no longer re-arms.
     */
    void set(Kernel k, long expiry, long period) {
        generation++;
        signalQueued = false;
        overrunLast = 0;
        expires = expiry;
        interval = expiry == 0 ? 0 : period;
        if (base == Base.KERNEL) {
            if (hrtimer == null) {
                hrtimer = new KernelTimer(now -> expire(k, now));
            }
            if (expiry == 0 || notify == SIGEV_NONE) {
                k.timers().cancel(hrtimer);
            } else {
                k.timers().arm(hrtimer, expiry);
            }
        }
    }

    /** Remaining time and period (common_timer_get): {remaining, interval}. */
    long[] get(Kernel k) {
        if (expires == 0) {
            return new long[] {0, interval};
        }
        long now = now(k);
        if (interval > 0 && (signalQueued || notify == SIGEV_NONE) && expires <= now) {
            expires += forward(expires, interval, now) * interval;
        }
        long remaining = expires - now;
        if (remaining <= 0) {
            // An expired one-shot SIGEV_NONE timer reads 0; a signal timer about to fire reads 1 ns.
            remaining = notify == SIGEV_NONE ? 0 : 1;
        }
        return new long[] {remaining, interval};
    }

    /** The number of periods to add to {@code expires} to move it past {@code now} (hrtimer_forward). */
    static long forward(long expires, long interval, long now) {
        return expires > now ? 0 : (now - expires) / interval + 1;
    }

    /** The expiry (posix_timer_fn / cpu_timer_fire): queue the signal, or re-arm at once if it is ignored. */
    void expire(Kernel k, long now) {
        if (deleted || expires == 0 || notify == SIGEV_NONE) {
            return;
        }
        GuestProcess p = target == null ? process : target.process();
        if (Signals.ignoredBy(p, signo) || p.exiting()) {
            // posix_timer_event reported the signal ignored: no dequeue will re-arm the timer.
            if (interval > 0) {
                expires += Math.max(1, forward(expires, interval, now)) * interval;
                if (hrtimer != null) {
                    k.timers().arm(hrtimer, expires);
                }
            } else {
                expires = 0;
            }
            return;
        }
        int gen = generation;
        signalQueued = true;
        SigInfo info = new SigInfo(signo, SigInfo.SI_TIMER, id, 0, 0, value, null, i -> dequeued(k, i, gen));
        if (interval == 0) {
            expires = 0;
        }
        if (target != null) {
            Signals.sendToTask(k, target, signo, info);
        } else {
            Signals.sendToProcess(k, process, signo, info);
        }
    }

    /** posixtimer_rearm: the signal left the pending set; count the periods missed and re-arm. */
    private SigInfo dequeued(Kernel k, SigInfo info, int gen) {
        if (gen != generation || deleted) {
            return info.withStatus(0);
        }
        signalQueued = false;
        if (interval > 0) {
            long now = now(k);
            long n = Math.max(1, forward(expires, interval, now));
            overrunLast = (int) Math.min(Integer.MAX_VALUE, n - 1);
            expires += n * interval;
            if (hrtimer != null) {
                k.timers().arm(hrtimer, expires);
            }
        } else {
            overrunLast = 0;
        }
        return info.withStatus(overrunLast);
    }

    /** timer_delete, exec and exit: the timer stops and its queued signal re-arms nothing. */
    void delete(Kernel k) {
        deleted = true;
        expires = 0;
        if (hrtimer != null) {
            k.timers().cancel(hrtimer);
        }
    }
}
