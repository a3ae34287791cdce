package dev.emu.kernel.signal;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.SignalAction;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import java.util.List;

/**
 * Job control (kernel/signal.c prepare_signal, do_signal_stop, do_notify_parent_cldstop;
 * kernel/exit.c kill_orphaned_pgrp): stop signals stop every thread of a process, SIGCONT
 * continues it, and the parent hears of both through SIGCHLD (CLD_STOPPED, CLD_CONTINUED) and
 * wait4's WUNTRACED / WCONTINUED.
 */
public final class JobControl {
    private JobControl() {}

    private static final long STOP_MASK = Signals.bit(Signals.SIGSTOP) | Signals.bit(Signals.SIGTSTP)
            | Signals.bit(Signals.SIGTTIN) | Signals.bit(Signals.SIGTTOU);

    /**
     * What sending {@code sig} does before it is queued (prepare_signal): a stop signal cancels
     * a pending SIGCONT; SIGCONT cancels pending stops and continues a stopped process, even
     * when SIGCONT itself is ignored or blocked.
     */
    static void prepareSignal(Kernel k, GuestProcess p, int sig) {
        if (Signals.stopSignal(sig)) {
            discard(p, Signals.bit(Signals.SIGCONT));
        } else if (sig == Signals.SIGCONT) {
            discard(p, STOP_MASK);
            if (p.stopped()) {
                p.setStopped(false, 0);
                for (Task t : p.threads()) {
                    if (t.state() == TaskState.STOPPED) {
                        k.scheduler().resume(t);
                        if (t.state() == TaskState.BLOCKED && t.hasDeliverableSignal()) {
                            k.scheduler().interrupt(t); // a signal that arrived while it was stopped
                        }
                    }
                }
                // The parent hears of it when the process next runs (SIGNAL_CLD_CONTINUED in get_signal).
                p.setContinueNotice(true);
            }
        }
    }

    private static void discard(GuestProcess p, long mask) {
        for (Task t : p.threads()) {
            long pending = t.pendingSignals() & mask;
            while (pending != 0) {
                int sig = Long.numberOfTrailingZeros(pending) + 1;
                while ((t.pendingSignals() & Signals.bit(sig)) != 0) {
                    t.takePending(sig);
                }
                pending &= ~Signals.bit(sig);
            }
        }
    }

    /** do_signal_stop: every thread of {@code p} stops; the parent is told once. */
    static void stop(Kernel k, GuestProcess p, int sig) {
        p.setStopped(true, sig);
        for (Task t : p.threads()) {
            if (t.state() == TaskState.RUNNABLE || t.state() == TaskState.BLOCKED) {
                k.scheduler().stop(t);
            }
        }
        k.log().info("pid " + p.pid() + " stopped by " + Signals.name(sig));
        notifyParent(k, p, SigInfo.CLD_STOPPED, sig);
    }

    /** Called as a task of {@code p} starts a slice: a SIGCONT that continued it is told to the parent now. */
    public static void beforeRun(Kernel k, GuestProcess p) {
        if (p.continueNotice()) {
            p.setContinueNotice(false);
            notifyParent(k, p, SigInfo.CLD_CONTINUED, Signals.SIGCONT);
        }
    }

    /** do_notify_parent_cldstop: SIGCHLD unless the parent set SA_NOCLDSTOP; waiters wake either way. */
    private static void notifyParent(Kernel k, GuestProcess p, int why, int status) {
        GuestProcess parent = p.parent();
        if (parent == null || parent.exiting()) {
            return;
        }
        parent.childWaiters().wakeAll(k.scheduler());
        SignalAction a = parent.action(Signals.SIGCHLD);
        if ((a.flags() & Signals.SA_NOCLDSTOP) == 0) {
            Signals.sendToProcess(k, parent, Signals.SIGCHLD, new SigInfo(Signals.SIGCHLD, why, p.pid(), 0, status));
        }
    }

    /**
     * will_become_orphaned_pgrp: no member (but {@code leaving}) has a parent in another group of
     * the same session. Members whose parent is init do not count, as in Linux: under emu the
     * guest's first program is init.
     */
    public static boolean orphanedPgrp(Kernel k, int pgid, GuestProcess leaving) {
        for (GuestProcess p : k.processes()) {
            if (p.pgid() != pgid || p == leaving || p.zombie()) {
                continue;
            }
            GuestProcess parent = p.parent();
            if (parent == null || parent.pid() == 1) {
                continue;
            }
            if (parent.pgid() != pgid && parent.sid() == p.sid()) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasStoppedJobs(Kernel k, int pgid) {
        for (GuestProcess p : k.processes()) {
            if (p.pgid() == pgid && p.stopped() && !p.zombie()) {
                return true;
            }
        }
        return false;
    }

    /**
     * kill_orphaned_pgrp: {@code p}'s exit (parent null) or its reparenting away from
     * {@code parent} left a process group with stopped members orphaned: SIGHUP then SIGCONT
     * to it, so its jobs are not stopped forever.
     */
    public static void killOrphanedPgrp(Kernel k, GuestProcess p, GuestProcess parent) {
        GuestProcess ignored = p;
        if (parent == null) {
            parent = p.parent();
        } else {
            ignored = null;
        }
        if (parent == null) {
            return;
        }
        int pgid = p.pgid();
        if (parent.pgid() != pgid && parent.sid() == p.sid() && orphanedPgrp(k, pgid, ignored) && hasStoppedJobs(k, pgid)) {
            k.log().info("process group " + pgid + " orphaned with stopped jobs: SIGHUP, SIGCONT");
            sendToGroup(k, pgid, Signals.SIGHUP, new SigInfo(Signals.SIGHUP, SigInfo.SI_KERNEL, 0, 0, 0));
            sendToGroup(k, pgid, Signals.SIGCONT, new SigInfo(Signals.SIGCONT, SigInfo.SI_KERNEL, 0, 0, 0));
        }
    }

    /** Sends {@code sig} to every live process of group {@code pgid} (__kill_pgrp_info); returns how many it found, zombies included. */
    public static int sendToGroup(Kernel k, int pgid, int sig, SigInfo info) {
        int found = 0;
        for (GuestProcess p : List.copyOf(k.processes())) {
            if (p.pgid() != pgid) {
                continue;
            }
            found++;
            if (!p.zombie() && sig != 0) {
                Signals.sendToProcess(k, p, sig, info);
            }
        }
        return found;
    }
}
