package dev.emu.kernel.fs;

import dev.emu.abi.Errno;
import dev.emu.kernel.signal.JobControl;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.SignalAction;
import dev.emu.kernel.task.Task;

/**
 * The console terminal's job control (drivers/tty/tty_jobctrl.c): the session it is the
 * controlling terminal of (pid 1's at boot), its foreground process group (TIOCGPGRP,
 * TIOCSPGRP), and SIGTTIN for a background group that reads it. Only a console backed by a host
 * terminal is a tty; on a pipe or file these ioctls are ENOTTY, as natively.
 */
public final class TtyJobControl {
    private int session = 1;
    private int foreground = 1;

    /** The caller's session has this terminal as its controlling terminal. */
    private boolean controls(Task t) {
        return session != 0 && t.process().sid() == session;
    }

    /** tiocgpgrp: ENOTTY unless it is the caller's controlling terminal. */
    public long getForeground(Task t, long arg) {
        if (!controls(t)) {
            return Errno.ENOTTY.ret();
        }
        t.memory().writeInt(arg, foreground);
        return 0;
    }

    /** tiocspgrp: a group of the caller's session becomes the foreground one. */
    public long setForeground(Task t, long arg) {
        if (!controls(t)) {
            return Errno.ENOTTY.ret();
        }
        int pgid = t.memory().readInt(arg);
        if (pgid < 0) {
            return Errno.EINVAL.ret();
        }
        boolean exists = t.kernel().processes().stream().anyMatch(p -> p.pgid() == pgid && !p.zombie());
        if (!exists) {
            return Errno.ESRCH.ret();
        }
        boolean sameSession = t.kernel().processes().stream().anyMatch(p -> p.pgid() == pgid && p.sid() == session);
        if (!sameSession) {
            return Errno.EPERM.ret();
        }
        foreground = pgid;
        return 0;
    }

    /** tiocgsid. */
    public long getSession(Task t, long arg) {
        if (!controls(t)) {
            return Errno.ENOTTY.ret();
        }
        t.memory().writeInt(arg, session);
        return 0;
    }

    /** TIOCSCTTY (a session leader without a terminal takes it) and TIOCNOTTY (the leader gives it up). */
    public long controlling(Task t, boolean take) {
        GuestProcess p = t.process();
        if (take) {
            if (p.sid() != p.pid()) {
                return Errno.EPERM.ret();
            }
            if (session != 0 && session != p.sid()) {
                return Errno.EPERM.ret(); // stealing needs CAP_SYS_ADMIN and arg 1: not supported
            }
            session = p.sid();
            foreground = p.pgid();
            return 0;
        }
        if (!controls(t)) {
            return Errno.ENOTTY.ret();
        }
        if (p.sid() == p.pid()) {
            session = 0; // disassociate_ctty: the session loses its terminal
        }
        return 0;
    }

    /**
     * tty_check_change for reads: a background group of the terminal's session gets SIGTTIN and
     * the read restarts after it is continued; EIO if SIGTTIN is ignored or blocked or the group
     * is orphaned. Returns 0 to go on reading.
     */
    public long checkRead(Task t) {
        GuestProcess p = t.process();
        if (!controls(t) || p.pgid() == foreground) {
            return 0;
        }
        SignalAction a = p.action(Signals.SIGTTIN);
        if (a.handler() == SignalAction.SIG_IGN || (t.signalMask() & Signals.bit(Signals.SIGTTIN)) != 0
                || JobControl.orphanedPgrp(t.kernel(), p.pgid(), null)) {
            return Errno.EIO.ret();
        }
        JobControl.sendToGroup(t.kernel(), p.pgid(), Signals.SIGTTIN, new SigInfo(Signals.SIGTTIN, SigInfo.SI_KERNEL, 0, 0, 0));
        return SyscallResults.RESTART;
    }
}
