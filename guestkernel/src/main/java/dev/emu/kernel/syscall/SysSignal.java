package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.task.SignalAction;
import dev.emu.kernel.task.Task;

/** Signal disposition, masks and sigreturn (kernel/signal.c, arch/x86/kernel/signal.c). */
final class SysSignal {
    private SysSignal() {}

    static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    static final long UNBLOCKABLE = (1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1));

    /** Rt_sigaction implements Linux syscall rt_sigaction(2) (kernel/signal.c do_sigaction). */
    static long rtSigaction(Task t, long sig, long act, long oldact, long sigsetsize, long a4, long a5) {
        if (sigsetsize != 8) {
            return Errno.EINVAL.ret();
        }
        SignalAction next = null;
        if (act != 0) { // copied in before the signal number is checked, so a bad act is EFAULT
            next = new SignalAction(t.memory().readLong(act), t.memory().readLong(act + 8),
                    t.memory().readLong(act + 16), t.memory().readLong(act + 24) & ~UNBLOCKABLE);
        }
        if (!Signals.valid(sig) || sig == 0 || act != 0 && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP)) {
            return Errno.EINVAL.ret();
        }
        SignalAction old = t.process().action((int) sig);
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

    /** Rt_sigreturn implements Linux syscall rt_sigreturn(2) (arch/x86/kernel/signal.c). */
    static long rtSigreturn(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return Signals.sigreturn(t);
    }

    /** Rt_sigpending implements Linux syscall rt_sigpending(2): a shorter sigset gets its first bytes. */
    static long rtSigpending(Task t, long set, long sigsetsize, long a2, long a3, long a4, long a5) {
        if (Long.compareUnsigned(sigsetsize, 8) > 0) {
            return Errno.EINVAL.ret();
        }
        long pending = t.pendingSignals() & t.signalMask();
        byte[] b = new byte[(int) sigsetsize];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (pending >>> (8 * i));
        }
        t.memory().write(set, b);
        return 0;
    }

    /**
     * Sigaltstack implements Linux syscall sigaltstack(2) (kernel/signal.c do_sigaltstack): the
     * old stack is read before the new one is set; SS_ONSTACK in the old flags while the caller
     * runs on it, and then a new stack is EPERM. Handlers installed with SA_ONSTACK get their
     * frame on it ({@link Signals#setupFrame}).
     */
    static long sigaltstack(Task t, long ss, long oss, long a2, long a3, long a4, long a5) {
        long sp = t.cpu().get(dev.emu.kernel.platform.Reg.RSP);
        long oldSp = t.altStackBase();
        long oldSize = t.altStackSize();
        int oldFlags = Signals.altStackFlags(t, sp);
        if (ss != 0) {
            long ssSp = t.memory().readLong(ss);
            int ssFlags = t.memory().readInt(ss + 8);
            long ssSize = t.memory().readLong(ss + 16);
            long r = Signals.setAltStack(t, ssSp, ssFlags, ssSize, sp);
            if (r != 0) {
                return r;
            }
        }
        if (oss != 0) {
            t.memory().writeLong(oss, oldSp);
            t.memory().writeLong(oss + 8, oldFlags & 0xffff_ffffL);
            t.memory().writeLong(oss + 16, oldSize);
        }
        return 0;
    }

    /**
     * Rt_sigsuspend implements Linux syscall rt_sigsuspend(2) (kernel/signal.c sigsuspend): waits
     * with the given mask until a signal runs a handler, returns -EINTR, and the caller's own mask
     * comes back when that handler returns (the signal frame saves it).
     */
    static long rtSigsuspend(Task t, long mask, long sigsetsize, long a2, long a3, long a4, long a5) {
        if (sigsetsize != 8) {
            return Errno.EINVAL.ret();
        }
        long next = t.memory().readLong(mask) & ~UNBLOCKABLE;
        t.setSavedSignalMask(t.signalMask());
        t.setSignalMask(next);
        if (!t.hasDeliverableSignal()) {
            t.block(Long.MAX_VALUE, "sigsuspend");
        }
        return Errno.EINTR.ret();
    }

    /** The deadline of a parked rt_sigtimedwait and the handler count when it started (its restart_block). */
    private record SigwaitState(long deadline, long handlerFrames) {}

    /**
     * Rt_sigtimedwait implements Linux syscall rt_sigtimedwait(2) (kernel/signal.c
     * do_sigtimedwait): takes the lowest pending signal of the set, or waits for one until the
     * timeout on the kernel clock (EAGAIN). A signal of the set wakes the waiter without
     * interrupting it; any other signal that runs a handler ends the wait with EINTR, SA_RESTART
     * or not.
     */
    static long rtSigtimedwait(Task t, long uthese, long uinfo, long uts, long sigsetsize, long a4, long a5) {
        if (sigsetsize != 8) {
            return Errno.EINVAL.ret();
        }
        long set = t.memory().readLong(uthese) & ~UNBLOCKABLE;
        SigwaitState state = t.resumeState() instanceof SigwaitState s ? s : null;
        t.setResumeState(null);
        t.setSigwaitSet(0);
        long now = t.kernel().clock().nanos();
        if (state == null) {
            long deadline = Long.MAX_VALUE;
            if (uts != 0) {
                long ns = SysTime.readTimespec(t, uts);
                if (ns < 0) {
                    return Errno.EINVAL.ret();
                }
                deadline = ns >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE : now + ns;
            }
            state = new SigwaitState(deadline, t.handlerFrames());
        }
        long ready = t.pendingSignals() & set;
        if (ready != 0) {
            int sig = t.nextPending(set);
            dev.emu.kernel.task.SigInfo info = t.takePending(sig);
            if (uinfo != 0) {
                t.memory().write(uinfo, info.encode());
            }
            return sig;
        }
        if (state.handlerFrames() != t.handlerFrames()) {
            return Errno.EINTR.ret(); // another signal's handler ran (restarted under SA_RESTART)
        }
        if (now >= state.deadline()) {
            return Errno.EAGAIN.ret();
        }
        t.setResumeState(state);
        t.setSigwaitSet(set);
        t.block(state.deadline(), "sigtimedwait");
        return SyscallResults.RESTART;
    }

    /**
     * Rt_sigqueueinfo implements Linux syscall rt_sigqueueinfo(2) (kernel/signal.c
     * do_rt_sigqueueinfo): the caller's siginfo goes with the signal; a positive si_code or
     * SI_TKILL (what the kernel or kill/tgkill would send) is EPERM unless sent to itself.
     */
    static long rtSigqueueinfo(Task t, long pid, long sig, long uinfo, long a3, long a4, long a5) {
        byte[] raw = t.memory().read(uinfo, 128);
        int code = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(8);
        if ((code >= 0 || code == dev.emu.kernel.task.SigInfo.SI_TKILL) && pid != t.process().pid()) {
            return Errno.EPERM.ret();
        }
        dev.emu.kernel.task.GuestProcess p = pid <= 0 ? null : t.kernel().process((int) pid);
        if (p == null) {
            return Errno.ESRCH.ret();
        }
        if (!Signals.valid(sig)) {
            return Errno.EINVAL.ret();
        }
        if (sig != 0 && !p.zombie()) {
            Signals.sendToProcess(t.kernel(), p, (int) sig, new dev.emu.kernel.task.SigInfo((int) sig, code, 0, 0, 0, 0, raw, null));
        }
        return 0;
    }

    /** Rt_tgsigqueueinfo implements Linux syscall rt_tgsigqueueinfo(2) (do_rt_tgsigqueueinfo): to one thread. */
    static long rtTgsigqueueinfo(Task t, long tgid, long tid, long sig, long uinfo, long a4, long a5) {
        byte[] raw = t.memory().read(uinfo, 128);
        if (tid <= 0 || tgid <= 0) {
            return Errno.EINVAL.ret();
        }
        int code = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(8);
        if ((code >= 0 || code == dev.emu.kernel.task.SigInfo.SI_TKILL) && tid != t.tid()) {
            return Errno.EPERM.ret();
        }
        Task target = t.kernel().task((int) tid);
        if (target == null || target.process().pid() != tgid) {
            return Errno.ESRCH.ret();
        }
        if (!Signals.valid(sig)) {
            return Errno.EINVAL.ret();
        }
        if (sig != 0) {
            Signals.sendToTask(t.kernel(), target, (int) sig, new dev.emu.kernel.task.SigInfo((int) sig, code, 0, 0, 0, 0, raw, null));
        }
        return 0;
    }

    /** Pause implements Linux syscall pause(2): sleeps until a signal is delivered; returns -EINTR. */
    static long pause(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        t.block(Long.MAX_VALUE, "pause");
        return Errno.EINTR.ret();
    }

    /**
     * Set_user_sigmask's checks for the mask a wait runs with (ppoll, pselect6, epoll_pwait*):
     * none when {@code sigmask} is NULL, EINVAL for a size other than 8; SIGKILL and SIGSTOP are
     * dropped. Returns 0 or -errno; the mask goes to {@code out[0]}.
     */
    static long readWaitMask(Task t, long sigmask, long sigsetsize, long[] out) {
        if (sigmask == 0) {
            return 0;
        }
        if (sigsetsize != 8) {
            return Errno.EINVAL.ret();
        }
        out[0] = t.memory().readLong(sigmask) & ~UNBLOCKABLE;
        return 0;
    }
}
