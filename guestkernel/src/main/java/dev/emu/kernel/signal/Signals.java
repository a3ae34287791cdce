package dev.emu.kernel.signal;

import dev.emu.abi.Errno;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.StopReason;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.SignalAction;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Signal numbers, sending, delivery to handlers (rt_sigframe) and the kernel-generated signals for CPU faults (arch/x86/kernel/traps.c,
 * arch/x86/mm/fault.c).
 */
public final class Signals {
    private Signals() {}

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5,
            SIGABRT = 6, SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11,
            SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17,
            SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23,
            SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29,
            SIGPWR = 30, SIGSYS = 31;

    private static final String[] NAMES = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
        "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE",
        "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
        "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",
        "SIGPWR", "SIGSYS"};

    /** valid_signal (include/linux/signal.h): 0 (the existence probe) to 64. */
    public static boolean valid(long sig) {
        return sig >= 0 && sig <= 64;
    }

    public static String name(int sig) {
        return sig > 0 && sig < NAMES.length ? NAMES[sig] : sig >= 32 && sig <= 64 ? "SIGRT_" + (sig - 32) : "SIG" + sig;
    }

    /** The signal Linux sends for a CPU fault. */
    public static int signalFor(StopReason.Kind kind) {
        return switch (kind) {
            case FAULT_UNMAPPED, FAULT_PROTECTION, GENERAL_PROTECTION -> SIGSEGV;
            case BUS_ERROR -> SIGBUS;
            case ILLEGAL_INSTRUCTION -> SIGILL;
            case DIVIDE_ERROR -> SIGFPE;
            case BREAKPOINT -> SIGTRAP;
            default -> throw new IllegalArgumentException("not a fault: " + kind);
        };
    }

    /** True if the default action of {@code sig} dumps core (WCOREDUMP), as signal(7) lists. */
    public static boolean dumpsCore(int sig) {
        return switch (sig) {
            case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS -> true;
            default -> false;
        };
    }

    public static final long SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4,
            SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000,
            SA_RESETHAND = 0x80000000L, SA_RESTORER = 0x04000000;

    public static long bit(int sig) {
        return 1L << (sig - 1);
    }

    /** Signals whose default action is to do nothing (SIGCHLD, SIGURG, SIGWINCH, SIGCONT). */
    public static boolean ignoredByDefault(int sig) {
        return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
    }

    /** Job-control stops (sig_kernel_stop): their default action stops the process. */
    public static boolean stopSignal(int sig) {
        return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
    }

    /** True if {@code sig} sent to {@code p} would be dropped: SIG_IGN, or a default action of nothing. */
    public static boolean ignoredBy(GuestProcess p, int sig) {
        return ignored(p, sig);
    }

    /** True if sending {@code sig} to {@code p} would have no effect (sig_ignored in kernel/signal.c). */
    private static boolean ignored(GuestProcess p, int sig) {
        SignalAction a = p.action(sig);
        return a.handler() == SignalAction.SIG_IGN
                || (a.handler() == SignalAction.SIG_DFL && ignoredByDefault(sig));
    }

    /**
     * Sends {@code sig} to one thread (send_signal/complete_signal in kernel/signal.c): SIGKILL
     * kills at once, ignored signals are dropped, otherwise it becomes pending and a parked
     * thread that does not block it is woken with its syscall interrupted.
     */
    public static void sendToTask(Kernel kernel, Task t, int sig, SigInfo info) {
        sendToTask(kernel, t, sig, info, false);
    }

    /** {@code shared}: a process-directed signal queued on {@code t} (Linux's shared_pending). */
    private static void sendToTask(Kernel kernel, Task t, int sig, SigInfo info, boolean shared) {
        GuestProcess p = t.process();
        // valid_signal(): legacy clone() takes any exit signal up to 255, and a number past 64
        // names no signal, so a parent told of its child's exit with one is told nothing.
        if (sig <= 0 || sig > 64 || p.exiting() || t.state() == TaskState.EXITED) {
            return;
        }
        if (sig == SIGKILL) {
            kernel.log().info("pid " + p.pid() + " (" + t.comm() + ") killed by SIGKILL");
            reportDeath(kernel, t, SIGKILL, sender(info));
            kernel.exitProcess(p, SIGKILL);
            return;
        }
        JobControl.prepareSignal(kernel, p, sig);
        if (ignored(p, sig) && (t.signalMask() & bit(sig)) == 0) {
            if (kernel.traceIfBuilt() != null) {
                kernel.trace().signal().generate(kernel.current(), t, sig, info, shared, dev.emu.kernel.trace.SignalEvents.IGNORED);
            }
            return;
        }
        if (kernel.traceIfBuilt() != null) {
            kernel.trace().signal().generate(kernel.current(), t, sig, info, shared, dev.emu.kernel.trace.SignalEvents.DELIVERED);
        }
        if (stopSignal(sig) && t.state() == TaskState.BLOCKED && (t.signalMask() & bit(sig)) == 0
                && p.action(sig).handler() == SignalAction.SIG_DFL && (t.sigwaitSet() & bit(sig)) == 0) {
            // A sleeper stops where it sleeps (as its restarted syscall would in Linux), so a
            // plain sleep resumes until its own deadline after SIGCONT.
            if (sig == SIGSTOP || !JobControl.orphanedPgrp(kernel, p.pgid(), null)) {
                JobControl.stop(kernel, p, sig);
            }
            return;
        }
        t.addPending(sig, info, shared);
        p.signalfdWaiters().wakeAll(kernel.scheduler()); // signalfd_notify
        if ((t.sigwaitSet() & bit(sig)) != 0 && t.state() == TaskState.BLOCKED) {
            kernel.scheduler().wake(t); // rt_sigtimedwait takes it: a wake-up, not an interruption
        } else if ((t.signalMask() & bit(sig)) == 0 && t.state() == TaskState.BLOCKED) {
            kernel.scheduler().interrupt(t);
        }
    }

    /** Sends a process-directed signal: to the first thread not blocking it, else the first thread. */
    public static void sendToProcess(Kernel kernel, GuestProcess p, int sig, SigInfo info) {
        Task target = null;
        for (Task t : p.threads()) {
            if (t.state() == TaskState.EXITED) {
                continue;
            }
            if (target == null || ((target.signalMask() & bit(sig)) != 0 && (t.signalMask() & bit(sig)) == 0)) {
                target = t;
            }
        }
        if (target != null) {
            sendToTask(kernel, target, sig, info, true);
        }
    }

    /**
     * Delivers the next pending unblocked signal of {@code t} in dequeue_signal's order
     * ({@link Task#nextPending}; get_signal + handle_signal in
     * kernel/signal.c and arch/x86/kernel/signal.c): default actions terminate or are skipped;
     * a handler gets an rt_sigframe and runs when the task next runs. One handler frame per call.
     */
    public static void deliverPending(Kernel kernel, Task t) {
        boolean interrupted = t.takeInterrupted();
        while (t.state() == TaskState.RUNNABLE && t.hasDeliverableSignal()) {
            int sig = t.nextPending(~t.signalMask() & ~t.sigwaitSet());
            SigInfo info = t.takePending(sig);
            SignalAction a = t.process().action(sig);
            if (kernel.traceIfBuilt() != null) {
                kernel.trace().signal().deliver(t, sig, info, a.handler(), a.flags());
            }
            if (a.handler() == SignalAction.SIG_IGN) {
                continue;
            }
            if (a.handler() == SignalAction.SIG_DFL) {
                if (ignoredByDefault(sig)) {
                    continue;
                }
                if (stopSignal(sig)) {
                    // get_signal: a terminal stop in an orphaned process group is discarded.
                    if (sig != SIGSTOP && JobControl.orphanedPgrp(kernel, t.process().pgid(), null)) {
                        continue;
                    }
                    JobControl.stop(kernel, t.process(), sig);
                    return;
                }
                kernel.log().info("pid " + t.process().pid() + " (" + t.comm() + ") killed by " + name(sig));
                reportDeath(kernel, t, sig, sender(info));
                kernel.exitProcess(t.process(), sig | (dumpsCore(sig) ? 0x80 : 0));
                return;
            }
            if (interrupted) {
                Cpu c = t.cpu();
                if (!t.restartOnWake()) {
                    c.set(Reg.RAX, Errno.EINTR.ret());
                } else if ((a.flags() & SA_RESTART) == 0) {
                    c.set(Reg.RAX, Errno.EINTR.ret());
                    c.set(Reg.RIP, c.get(Reg.RIP) + 2);
                    t.setResumeState(null); // the syscall returned: nothing is resumed
                    t.setSigwaitSet(0);
                }
            }
            setupFrame(kernel, t, sig, info == null ? new SigInfo(sig, SigInfo.SI_KERNEL, 0, 0, 0) : info, a);
            return;
        }
    }

    // rt_sigframe layout (arch/x86/include/asm/sigframe.h, uapi/asm/sigcontext.h), offsets from
    // the frame, which is the handler's RSP:
    //
    //   0   pretcode (sa_restorer: the handler's return address)
    //   8   struct ucontext: uc_flags 8, uc_link 16, uc_stack 24..48,
    //       uc_mcontext (struct sigcontext, 256 bytes) 48..304, uc_sigmask 304
    //   312 siginfo_t (128 bytes)
    //   440 end; the fxsave area (512 bytes, 64-aligned) sits above, pointed to by sc.fpstate
    static final int UC = 8, SC = 48, UC_SIGMASK = 304, INFO = 312, FRAME_SIZE = 440, FPSTATE_SIZE = 512;
    /** sigcontext GPR order: r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags. */
    static final Reg[] SC_REGS = {Reg.R8, Reg.R9, Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15,
        Reg.RDI, Reg.RSI, Reg.RBP, Reg.RBX, Reg.RDX, Reg.RAX, Reg.RCX, Reg.RSP, Reg.RIP, Reg.RFLAGS};
    /** FIX_EFLAGS: the flags sigreturn may change (arch/x86/kernel/signal.c). */
    static final long FIX_EFLAGS = 0x40DD5L;

    /**
     * Builds the rt_sigframe on the user stack (below the 128-byte red zone) and points the
     * thread at the handler: rdi = sig, rsi = &info, rdx = &uc, rsp = frame, rip = handler.
     * A frame that cannot be written kills the process with SIGSEGV (force_sigsegv).
     */
    static void setupFrame(Kernel kernel, Task t, int sig, SigInfo info, SignalAction a) {
        t.countHandlerFrame();
        Cpu c = t.cpu();
        AddressSpace m = t.memory();
        long interruptedSp = c.get(Reg.RSP);
        long sp = interruptedSp - 128; // the red zone
        // get_sigframe: SA_ONSTACK moves to the top of the alternate stack unless already on it.
        boolean nested = t.onAltStack(interruptedSp);
        boolean entering = false;
        if ((a.flags() & SA_ONSTACK) != 0 && t.altStackSize() != 0 && !t.onAltStack(sp)) {
            sp = t.altStackBase() + t.altStackSize();
            entering = true;
        }
        long fp = (sp - FPSTATE_SIZE) & ~63L;
        long frame = ((fp - FRAME_SIZE) & ~15L) - 8;
        if ((nested || entering) && !t.withinAltStack(frame)) {
            // The frame would run off the alternate stack: force_sigsegv, as Linux does.
            kernel.log().info("pid " + t.process().pid() + ": the signal frame for " + name(sig) + " overflows the alternate stack");
            reportDeath(kernel, t, SIGSEGV, "the frame for " + name(sig) + " overflows the alternate stack");
            kernel.exitProcess(t.process(), SIGSEGV | 0x80);
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(FRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, a.restorer());
        b.putLong(UC, 6); // UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS
        // uc_stack (save_altstack_ex): the stack as it was, which rt_sigreturn sets again.
        b.putLong(UC + 16, t.altStackBase());
        b.putInt(UC + 24, t.altStackSize() == 0 ? SS_DISABLE : t.altStackAutoDisarm() ? SS_AUTODISARM : 0); // t->sas_ss_flags
        b.putLong(UC + 32, t.altStackSize());
        for (int i = 0; i < SC_REGS.length; i++) {
            b.putLong(SC + 8 * i, c.get(SC_REGS[i]));
        }
        b.putShort(SC + 144, (short) 0x33).putShort(SC + 150, (short) 0x2b); // cs, ss
        b.putLong(SC + 160, info.signo() == SIGSEGV ? 14 : 0); // trapno (page fault)
        long saved = t.takeMaskToSave(); // rt_sigsuspend's caller gets its own mask back at sigreturn
        b.putLong(SC + 168, saved); // oldmask
        b.putLong(SC + 176, info.addr()); // cr2
        b.putLong(SC + 184, fp); // fpstate
        b.putLong(UC_SIGMASK, saved);
        b.put(INFO, info.encode());
        // The interrupted code's x87/SSE registers, restored by rt_sigreturn: a handler may use them freely.
        byte[] fx = c.saveFpuState();
        try {
            m.write(fp, fx);
            m.write(frame, b.array());
        } catch (BadAddressException e) {
            kernel.log().info("pid " + t.process().pid() + ": cannot write the signal frame for " + name(sig));
            reportDeath(kernel, t, SIGSEGV, "cannot write the signal frame for " + name(sig) + " at 0x" + Long.toHexString(frame));
            kernel.exitProcess(t.process(), SIGSEGV | 0x80);
            return;
        }
        long mask = t.signalMask() | a.mask();
        if ((a.flags() & SA_NODEFER) == 0) {
            mask |= bit(sig);
        }
        t.setSignalMask(mask & ~(bit(SIGKILL) | bit(SIGSTOP)));
        if (t.altStackAutoDisarm()) {
            t.setAltStack(0, 0, false); // SS_AUTODISARM: the handler may swapcontext away; sigreturn re-arms
        }
        if ((a.flags() & SA_RESETHAND) != 0) {
            t.process().setAction(sig, SignalAction.DEFAULT);
        }
        c.set(Reg.RDI, sig);
        c.set(Reg.RSI, frame + INFO);
        c.set(Reg.RDX, frame + UC);
        c.set(Reg.RAX, 0);
        c.set(Reg.RSP, frame);
        c.set(Reg.RIP, a.handler());
        c.set(Reg.RFLAGS, c.get(Reg.RFLAGS) & ~0x500L); // clear DF and TF
    }

    /**
     * rt_sigreturn (arch/x86/kernel/signal.c): the handler's {@code ret} popped pretcode, so the
     * frame is at RSP - 8. Restores the registers and the mask; returns the restored RAX.
     */
    public static long sigreturn(Task t) {
        Cpu c = t.cpu();
        long handlerSp = c.get(Reg.RSP);
        long frame = handlerSp - 8;
        byte[] raw = t.memory().read(frame, FRAME_SIZE);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < SC_REGS.length; i++) {
            Reg r = SC_REGS[i];
            long v = b.getLong(SC + 8 * i);
            if (r == Reg.RFLAGS) {
                v = (c.get(Reg.RFLAGS) & ~FIX_EFLAGS) | (v & FIX_EFLAGS);
            }
            if (r != Reg.RAX) {
                c.set(r, v);
            }
        }
        long fpstate = b.getLong(SC + 184);
        if (fpstate != 0) {
            c.restoreFpuState(t.memory().read(fpstate, FPSTATE_SIZE));
        }
        t.setSignalMask(b.getLong(UC_SIGMASK) & ~(bit(SIGKILL) | bit(SIGSTOP)));
        // restore_altstack: errors other than EFAULT are ignored. Linux checks the stack pointer
        // of the sigreturn (the handler's), so a handler that set up a new stack it runs on keeps it.
        setAltStack(t, b.getLong(UC + 16), b.getInt(UC + 24), b.getLong(UC + 32), handlerSp);
        return b.getLong(SC + 8 * 13);
    }

    public static final int SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1 << 31, MINSIGSTKSZ = 2048;

    /** ss_flags as sigaltstack reports them (sas_ss_flags): SS_DISABLE, or SS_ONSTACK while {@code sp} is on it, plus SS_AUTODISARM. */
    public static int altStackFlags(Task t, long sp) {
        if (t.altStackSize() == 0) {
            return SS_DISABLE;
        }
        return (t.onAltStack(sp) ? SS_ONSTACK : 0) | (t.altStackAutoDisarm() ? SS_AUTODISARM : 0);
    }

    /**
     * do_sigaltstack's checks and update (kernel/signal.c): EPERM while running on the current
     * alternate stack, EINVAL for an unknown mode, ENOMEM below MINSIGSTKSZ; returns 0 or -errno.
     */
    public static long setAltStack(Task t, long ssSp, int ssFlags, long ssSize, long sp) {
        if (t.onAltStack(sp)) {
            return Errno.EPERM.ret();
        }
        int mode = ssFlags & ~SS_AUTODISARM;
        if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0) {
            return Errno.EINVAL.ret();
        }
        if (mode == SS_DISABLE) {
            t.setAltStack(0, 0, false);
            return 0;
        }
        if (Long.compareUnsigned(ssSize, MINSIGSTKSZ) < 0) {
            return Errno.ENOMEM.ret();
        }
        t.setAltStack(ssSp, ssSize, (ssFlags & SS_AUTODISARM) != 0);
        return 0;
    }

    /**
     * A CPU fault in {@code task} (force_sig_fault): delivered to a handler if one is installed
     * and the signal is not blocked; otherwise the process dies with the signal's default action
     * and one report line on the host's stderr.
     */
    public static void deliverFault(Kernel kernel, Task task, StopReason why) {
        int sig = signalFor(why.kind());
        SignalAction a = task.process().action(sig);
        if (a.handler() != SignalAction.SIG_DFL && a.handler() != SignalAction.SIG_IGN
                && (task.signalMask() & bit(sig)) == 0) {
            int code = why.kind() == StopReason.Kind.FAULT_PROTECTION ? SigInfo.SEGV_ACCERR
                    : why.kind() == StopReason.Kind.FAULT_UNMAPPED ? SigInfo.SEGV_MAPERR
                    : why.kind() == StopReason.Kind.BUS_ERROR ? SigInfo.BUS_ADRERR : SigInfo.SI_KERNEL;
            task.addPending(sig, new SigInfo(sig, code, 0, why.faultAddress(), 0));
            return;
        }
        long rip = task.cpu().get(Reg.RIP);
        String last = task.lastSyscall() < 0 ? "none" : Kernel.syscallName(task.lastSyscall());
        String what = switch (why.kind()) {
            case FAULT_UNMAPPED, FAULT_PROTECTION, BUS_ERROR -> "fault address 0x" + Long.toHexString(why.faultAddress()) + ", ";
            default -> "";
        };
        String detail = why.detail() == null || why.detail().isEmpty() ? "" : why.detail() + ", ";
        String line = "emu: pid " + task.process().pid() + " (" + task.comm() + ") killed by " + name(sig)
                + " (" + what + detail + "rip 0x" + Long.toHexString(rip) + ", last syscall " + last + ")";
        kernel.log().info(line.substring(5));
        kernel.console().reports().println(line);
        kernel.console().reports().flush();
        // Linux sets the core-dump bit (0x80) in the wait status when the action is "core".
        kernel.exitProcess(task.process(), sig | (dumpsCore(sig) ? 0x80 : 0));
    }

    /**
     * The one report line on the host's stderr when pid 1, whose status is emu's, is killed by a
     * signal that is not a CPU fault (kill, raise, abort, a failed handler delivery), in
     * {@link #deliverFault}'s format. Other processes' deaths are their parent's to report, as
     * natively (a shell prints "Killed"), so guest stderr stays what it is on Linux.
     */
    static void reportDeath(Kernel kernel, Task task, int sig, String why) {
        if (task.process().pid() != 1) {
            return;
        }
        String last = task.lastSyscall() < 0 ? "none" : Kernel.syscallName(task.lastSyscall());
        String line = "emu: pid " + task.process().pid() + " (" + task.comm() + ") killed by " + name(sig)
                + " (" + (why.isEmpty() ? "" : why + ", ") + "last syscall " + last + ")";
        kernel.console().reports().println(line);
        kernel.console().reports().flush();
    }

    /** Who sent a signal, as its siginfo says: the sending pid for kill/tgkill/sigqueue. */
    private static String sender(SigInfo info) {
        if (info == null) {
            return "";
        }
        return switch (info.code()) {
            case SigInfo.SI_USER, SigInfo.SI_TKILL, SigInfo.SI_QUEUE -> "sent by pid " + info.pid();
            case SigInfo.SI_KERNEL -> "sent by the kernel";
            default -> "";
        };
    }
}
