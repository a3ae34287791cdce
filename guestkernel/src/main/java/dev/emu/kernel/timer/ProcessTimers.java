package dev.emu.kernel.timer;

import dev.emu.abi.Errno;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.Task;
import java.util.TreeMap;

/**
 * A process's timers (the itimers and posix_timers of Linux's signal_struct): the three interval
 * timers of setitimer(2) (kernel/time/itimer.c) and its POSIX timers. Neither is inherited by
 * fork (the child starts with a fresh set); execve keeps the interval timers and deletes the
 * POSIX timers (begin_new_exec → exit_itimers).
 *
 * <p>ITIMER_REAL counts on the kernel clock and sends SIGALRM; ITIMER_VIRTUAL and ITIMER_PROF
 * count the process's virtual CPU time (the basic blocks its threads executed, see
 * {@link Kernel#cpuTime}) and send SIGVTALRM and SIGPROF. emu charges no system time, so the two
 * CPU timers advance together.
 */
public final class ProcessTimers {
    public static final int ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;

    private final GuestProcess process;
    private KernelTimer real;
    private long realInterval;
    /** ITIMER_VIRTUAL and ITIMER_PROF: expiry on the process CPU clock (0: disarmed) and period. */
    private final long[] cpuExpires = new long[3];
    private final long[] cpuInterval = new long[3];
    private final TreeMap<Integer, PosixTimer> posix = new TreeMap<>();
    private int nextId;

    public ProcessTimers(GuestProcess process) {
        this.process = process;
    }

    // ---- interval timers (setitimer) ----

    /** The remaining time and period of interval timer {@code which}, in ns: {value, interval}. */
    public long[] getItimer(Kernel k, int which) {
        if (which == ITIMER_REAL) {
            if (real == null || !real.armed()) {
                return new long[] {0, realInterval};
            }
            // itimer_get_remtime: an armed timer never reads 0.
            return new long[] {Math.max(1000, real.deadline() - k.clock().nanos()), realInterval};
        }
        long exp = cpuExpires[which];
        if (exp == 0) {
            return new long[] {0, cpuInterval[which]};
        }
        long now = k.processCpuTime(process);
        // get_cpu_itimer: a timer past its expiry that has not fired yet reads one tick.
        return new long[] {exp > now ? exp - now : k.config().tickPeriodNanos(), cpuInterval[which]};
    }

    /** Sets interval timer {@code which} (do_setitimer): {@code value} 0 disarms. Returns the old setting. */
    public long[] setItimer(Kernel k, int which, long value, long interval) {
        long[] old = getItimer(k, which);
        if (which == ITIMER_REAL) {
            if (real == null) {
                real = new KernelTimer(now -> realExpired(k, now));
            }
            k.timers().cancel(real);
            realInterval = value == 0 ? 0 : interval;
            if (value != 0) {
                k.timers().arm(real, k.clock().nanos() + value);
            }
        } else {
            cpuExpires[which] = value == 0 ? 0 : k.processCpuTime(process) + value;
            cpuInterval[which] = value == 0 ? 0 : interval;
        }
        return old;
    }

    /** it_real_fn: SIGALRM to the process, and the next period if there is one (hrtimer_forward). */
    private void realExpired(Kernel k, long now) {
        if (process.exiting()) {
            return;
        }
        Signals.sendToProcess(k, process, Signals.SIGALRM, new SigInfo(Signals.SIGALRM, SigInfo.SI_KERNEL, 0, 0, 0));
        if (realInterval > 0) {
            long d = real.deadline();
            k.timers().arm(real, d + Math.max(1, PosixTimer.forward(d, realInterval, now)) * realInterval);
        }
    }

    // ---- POSIX timers ----

    /** timer_create: a new timer with the next free id, or -EAGAIN when ids ran out. */
    public long create(Kernel k, int clockId, PosixTimer.Base base, Task clockThread, int notify, int signo,
                       long value, Task target, boolean valueIsId) {
        if (posix.size() >= 1 << 16) {
            return Errno.EAGAIN.ret(); // the sigqueue allocations RLIMIT_SIGPENDING bounds
        }
        int id = nextId;
        while (posix.containsKey(id)) {
            id = (id + 1) & Integer.MAX_VALUE;
        }
        nextId = (id + 1) & Integer.MAX_VALUE;
        posix.put(id, new PosixTimer(id, clockId, base, process, clockThread, notify, signo, valueIsId ? id : value, target));
        return id;
    }

    public PosixTimer posixTimer(int id) {
        return posix.get(id);
    }

    /** timer_settime: {@code expiry} is absolute on the timer's base clock (0 disarms). Returns the old setting. */
    public long[] setPosix(Kernel k, PosixTimer t, long expiry, long interval) {
        long[] old = t.get(k);
        t.set(k, expiry, interval);
        return old;
    }

    public long[] getPosix(Kernel k, PosixTimer t) {
        return t.get(k);
    }

    public void delete(Kernel k, PosixTimer t) {
        posix.remove(t.id());
        t.delete(k);
    }

    /** execve: the POSIX timers go, the interval timers stay. */
    public void deletePosixTimers(Kernel k) {
        for (PosixTimer t : posix.values()) {
            t.delete(k);
        }
        posix.clear();
    }

    /** The process exited: nothing fires for it any more. */
    public void release(Kernel k) {
        deletePosixTimers(k);
        if (real != null) {
            k.timers().cancel(real);
        }
        cpuExpires[ITIMER_VIRTUAL] = cpuExpires[ITIMER_PROF] = 0;
    }

    // ---- CPU-time expiries (run_posix_cpu_timers) ----

    /** Fires the CPU-time timers that {@code ran}'s last slice brought to expiry. */
    public void checkCpu(Kernel k, Task ran) {
        if (process.exiting()) {
            return;
        }
        long now = k.processCpuTime(process);
        for (int which = ITIMER_VIRTUAL; which <= ITIMER_PROF; which++) {
            if (cpuExpires[which] != 0 && now >= cpuExpires[which]) {
                // check_cpu_itimer: one signal, the next expiry one period after this one.
                cpuExpires[which] = cpuInterval[which] == 0 ? 0 : cpuExpires[which] + cpuInterval[which];
                int sig = which == ITIMER_VIRTUAL ? Signals.SIGVTALRM : Signals.SIGPROF;
                Signals.sendToProcess(k, process, sig, new SigInfo(sig, SigInfo.SI_KERNEL, 0, 0, 0));
            }
        }
        for (PosixTimer t : java.util.List.copyOf(posix.values())) {
            if (t.base() == PosixTimer.Base.KERNEL || t.expires == 0 || t.base() == PosixTimer.Base.THREAD_CPU && t.clockThread() != ran) {
                continue;
            }
            long tnow = t.base() == PosixTimer.Base.PROCESS_CPU ? now : k.cpuTime(ran);
            if (tnow >= t.expires && !queued(t)) {
                t.expire(k, tnow);
            }
        }
    }

    private static boolean queued(PosixTimer t) {
        return t.signalQueued();
    }

    /** CPU ns {@code t} may run before one of this process's CPU timers expires (Long.MAX_VALUE: none). */
    public long cpuBudget(Kernel k, Task t) {
        long budget = Long.MAX_VALUE;
        long now = -1;
        for (int which = ITIMER_VIRTUAL; which <= ITIMER_PROF; which++) {
            if (cpuExpires[which] != 0) {
                now = now < 0 ? k.processCpuTime(process) : now;
                budget = Math.min(budget, cpuExpires[which] - now);
            }
        }
        for (PosixTimer p : posix.values()) {
            if (p.base() == PosixTimer.Base.KERNEL || p.expires == 0 || p.signalQueued()) {
                continue;
            }
            if (p.base() == PosixTimer.Base.PROCESS_CPU) {
                now = now < 0 ? k.processCpuTime(process) : now;
                budget = Math.min(budget, p.expires - now);
            } else if (p.clockThread() == t) {
                budget = Math.min(budget, p.expires - k.cpuTime(t));
            }
        }
        return budget;
    }
}
