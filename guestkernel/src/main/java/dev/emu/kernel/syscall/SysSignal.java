package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.task.SignalAction;
import dev.emu.kernel.task.Task;

/** Signal disposition and masks (kernel/signal.c). Delivery to handlers comes with the tasks work. */
final class SysSignal {
    private SysSignal() {}

    static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    static final long UNBLOCKABLE = (1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1));

    /** Rt_sigaction implements Linux syscall rt_sigaction(2): actions are recorded and reported back. */
    static long rtSigaction(Task t, long sig, long act, long oldact, long sigsetsize, long a4, long a5) {
        if (sigsetsize != 8 || sig < 1 || sig > 64) {
            return Errno.EINVAL.ret();
        }
        if (act != 0 && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP)) {
            return Errno.EINVAL.ret();
        }
        SignalAction old = t.process().action((int) sig);
        SignalAction next = null;
        if (act != 0) {
            next = new SignalAction(t.memory().readLong(act), t.memory().readLong(act + 8),
                    t.memory().readLong(act + 16), t.memory().readLong(act + 24) & ~UNBLOCKABLE);
        }
        if (oldact != 0) {
            t.memory().writeLong(oldact, old.handler());
            t.memory().writeLong(oldact + 8, old.flags());
            t.memory().writeLong(oldact + 16, old.restorer());
            t.memory().writeLong(oldact + 24, old.mask());
        }
        if (next != null) {
            t.process().setAction((int) sig, next);
        }
        return 0;
    }

    /** Rt_sigprocmask implements Linux syscall rt_sigprocmask(2). */
    static long rtSigprocmask(Task t, long how, long set, long oldset, long sigsetsize, long a4, long a5) {
        if (sigsetsize != 8) {
            return Errno.EINVAL.ret();
        }
        long old = t.signalMask();
        if (set != 0) {
            long s = t.memory().readLong(set) & ~UNBLOCKABLE;
            long next = switch ((int) how) {
                case SIG_BLOCK -> old | s;
                case SIG_UNBLOCK -> old & ~s;
                case SIG_SETMASK -> s;
                default -> -1;
            };
            if (how < 0 || how > 2) {
                return Errno.EINVAL.ret();
            }
            if (oldset != 0) {
                t.memory().writeLong(oldset, old);
            }
            t.setSignalMask(next);
            return 0;
        }
        if (oldset != 0) {
            t.memory().writeLong(oldset, old);
        }
        return 0;
    }
}
