package dev.emu.kernel.task;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;

/**
 * A guest thread (Linux's task_struct): its CPU state, its process, and its scheduling state.
 */
public final class Task {
    private final Kernel kernel;
    private final int tid;
    private final GuestProcess process;
    private Cpu cpu;
    private TaskState state = TaskState.RUNNABLE;
    /** Virtual-clock deadline at which a blocked task wakes by itself; Long.MAX_VALUE for none. */
    private long wakeDeadline = Long.MAX_VALUE;
    private String waitingFor = "";
    private long clearChildTid;
    private long robustList;
    /** The registered struct rseq (address, length, signature); address 0 when none. */
    private long rseqAddr;
    private int rseqLen;
    private int rseqSig;
    private long signalMask;
    /** The mask rt_sigsuspend replaced, which the next signal frame saves (saved_sigmask); -1 if none. */
    private long savedSignalMask = -1;
    private String comm;
    /** The last syscall this task entered, for fault reports. */
    private int lastSyscall = -1;
    /** What the task is parked on (a wait queue, a futex key); wakers check it. Null if none. */
    private Object blockedOn;
    /** The RAX a deadline wake-up writes (futex: -ETIMEDOUT); null leaves RAX alone. */
    private Long timeoutResult;
    /** True if the parked syscall re-executes when woken (RESTART) rather than having returned. */
    private boolean restartOnWake;
    /** Parked in TASK_KILLABLE (vfork's wait): only SIGKILL, not other signals, ends the wait. */
    private boolean killableOnly;
    /** Runs when a signal cuts the parked syscall short (nanosleep writes the time left); null if none. */
    private Runnable onInterrupt;
    /** Set when a signal cut a parked syscall short; consumed by signal delivery. */
    private boolean interrupted;
    /**
     * What a parked RESTART syscall returns if a signal interrupts it, instead of being
     * restarted or failing with EINTR by the handler's SA_RESTART: EINTR for poll, select and
     * epoll_wait (Linux's -ERESTARTNOHAND: never restarted after a handler), the count done so
     * far for a pipe write that made progress. Null: Linux's -ERESTARTSYS.
     */
    private Long interruptResult;
    /** Pending signals directed at this thread (bit n-1 for signal n). */
    private long pendingSignals;
    /** The queued siginfo of each pending signal: one for a standard signal, a FIFO for a real-time one. */
    @SuppressWarnings("unchecked")
    private final java.util.ArrayDeque<SigInfo>[] pendingInfo = new java.util.ArrayDeque[65];
    /** Signals rt_sigtimedwait is waiting for (they wake it without interrupting it); 0 if none. */
    private long sigwaitSet;
    /** Virtual CPU time this thread used, in ns (see Kernel#cpuTime: executed blocks). */
    private long cpuNanos;
    /** When the task was created, on the kernel clock (task_struct's start_time). */
    private final long startNanos;
    /** The alternate signal stack (sigaltstack): base, size, and SS_AUTODISARM; size 0 when none. */
    private long altStackBase;
    private long altStackSize;
    private boolean altStackAutoDisarm;
    /**
     * The progress of a long syscall that yields and re-executes (Linux's restart_block): set
     * when it yields, read when it runs again; null if none.
     */
    private Object resumeState;
    /** Signal handler frames set up for this task so far: a resumed syscall that sees it change was interrupted. */
    private long handlerFrames;
    /** vfork: the parent task parked until this child execs or exits; null otherwise. */
    private Task vforkParent;

    public Task(Kernel kernel, int tid, GuestProcess process, Cpu cpu, String comm) {
        this.kernel = kernel;
        this.tid = tid;
        this.process = process;
        this.cpu = cpu;
        this.comm = comm.length() > 15 ? comm.substring(0, 15) : comm;
        this.startNanos = kernel == null ? 0 : kernel.clock().nanos();
        process.threads().add(this);
    }

    /** task_struct's start_time: when the task was created, in ns on the kernel's monotonic clock. */
    public long startNanos() {
        return startNanos;
    }

    public Kernel kernel() {
        return kernel;
    }

    public int tid() {
        return tid;
    }

    public GuestProcess process() {
        return process;
    }

    public Cpu cpu() {
        return cpu;
    }

    /** The memory of this task's process. */
    public AddressSpace memory() {
        return process.mm().space();
    }

    public TaskState state() {
        return state;
    }

    public boolean runnable() {
        return state == TaskState.RUNNABLE;
    }

    /** Parks the task until {@link #wake} or the deadline; {@code what} names it in deadlock reports. */
    public void block(long deadline, String what) {
        blockOn(null, deadline, what, null);
    }

    /**
     * Parks the task on {@code on} (checked by wakers) until woken or the deadline, at which
     * {@code timeoutResult} (if not null) becomes the syscall's return value.
     */
    public void blockOn(Object on, long deadline, String what, Long timeoutResult) {
        state = TaskState.BLOCKED;
        wakeDeadline = deadline;
        waitingFor = what;
        blockedOn = on;
        this.timeoutResult = timeoutResult;
        restartOnWake = false;
        interrupted = false;
        interruptResult = null;
        onInterrupt = null;
        killableOnly = false;
    }

    /**
     * Sets what the syscall this task is parked in returns when a signal interrupts it (see
     * {@link #wakeInterrupted}); call after parking, before returning RESTART.
     */
    public void setInterruptResult(long result) {
        this.interruptResult = result;
    }

    /** Parks the task as {@link #block} does, but signals other than SIGKILL do not interrupt it (TASK_KILLABLE). */
    public void blockKillable(String what) {
        block(Long.MAX_VALUE, what);
        killableOnly = true;
    }

    /** What to do if a signal interrupts the current sleep (after {@link #block}). */
    public void setOnInterrupt(Runnable r) {
        this.onInterrupt = r;
    }

    /** Makes a parked task runnable (the scheduler must then be told: {@code Scheduler.wake}). */
    public void wake() {
        if (state == TaskState.BLOCKED) {
            state = TaskState.RUNNABLE;
            wakeDeadline = Long.MAX_VALUE;
            waitingFor = "";
            blockedOn = null;
            timeoutResult = null;
            onInterrupt = null;
            tracedWakeup();
        }
    }

    /** sched:sched_wakeup for this task, woken by the running task (try_to_wake_up's trace point). */
    private void tracedWakeup() {
        if (kernel != null && kernel.traceIfBuilt() != null) {
            kernel.trace().sched().wakeup(this, kernel.current());
        }
    }

    /**
     * A job-control stop (do_signal_stop): the task leaves the CPU whatever it was doing. A
     * parked syscall that re-executes (RESTART) runs again after SIGCONT; a sleep that returns
     * a value returns it then.
     */
    public void stop() {
        if (state == TaskState.RUNNABLE || state == TaskState.BLOCKED) {
            // A plain sleep (nanosleep, pause, sigsuspend: no wait queue, no re-execution) goes
            // back to sleep until its own deadline when continued, as Linux restarts it.
            sleepToResume = state == TaskState.BLOCKED && blockedOn == null && !restartOnWake && !killableOnly
                    ? new SleepToResume(wakeDeadline, waitingFor, onInterrupt) : null;
            wake();
            state = TaskState.STOPPED;
        }
    }

    private record SleepToResume(long deadline, String what, Runnable onInterrupt) {}

    private SleepToResume sleepToResume;

    /** SIGCONT: a stopped task runs again, or resumes its sleep (the scheduler must then be told). */
    public void resumeFromStop() {
        if (state == TaskState.STOPPED) {
            state = TaskState.RUNNABLE;
            SleepToResume s = sleepToResume;
            sleepToResume = null;
            if (s != null) {
                block(s.deadline(), s.what());
                onInterrupt = s.onInterrupt();
            } else {
                tracedWakeup(); // wake_up_state(TASK_STOPPED) in signal_wake_up for SIGCONT
            }
        }
    }

    /** The deadline passed: wake with the timeout result, if the sleep defined one. */
    public void wakeTimedOut() {
        if (state == TaskState.BLOCKED) {
            Long r = timeoutResult;
            wake();
            if (r != null) {
                cpu.set(Reg.RAX, r);
            }
        }
    }

    /**
     * A signal arrived: wake the task and remember that its syscall was interrupted. A syscall
     * parked with an {@linkplain #setInterruptResult interrupt result} ends here with it: the
     * dispatcher's rewind of RIP over the 2-byte {@code syscall} is undone, so the handler's
     * frame returns past the syscall, and its resume state is dropped (the call is over).
     */
    public void wakeInterrupted() {
        if (state == TaskState.BLOCKED && !killableOnly) {
            Long r = restartOnWake ? interruptResult : null;
            Runnable hook = onInterrupt;
            wake();
            if (r != null) {
                cpu.set(Reg.RAX, r);
                cpu.set(Reg.RIP, cpu.get(Reg.RIP) + 2);
                restartOnWake = false;
                resumeState = null;
                syscallRestartRip = -1; // the call is over: the next one at this address is a new call
                pendingSyscallExit = lastSyscall; // it returns r when it next runs: its sys_exit then
            } else {
                interrupted = true;
                if (hook != null) {
                    hook.run();
                }
            }
        }
    }

    public Object blockedOn() {
        return blockedOn;
    }

    public void setRestartOnWake(boolean restart) {
        this.restartOnWake = restart;
    }

    public boolean restartOnWake() {
        return restartOnWake;
    }

    /** Returns and clears the interrupted flag. */
    public boolean takeInterrupted() {
        boolean i = interrupted;
        interrupted = false;
        return i;
    }

    /** The pending signals that were process-directed (see {@link #addPending(int, SigInfo, boolean)}). */
    private long sharedPending;

    public long pendingSignals() {
        return pendingSignals;
    }

    /**
     * Marks {@code sig} pending with its siginfo: a second instance of a pending standard signal
     * merges, real-time signals (32 and up) queue (kernel/signal.c legacy_queue).
     */
    public void addPending(int sig, SigInfo info) {
        addPending(sig, info, false);
    }

    /**
     * As {@link #addPending(int, SigInfo)}; {@code shared}: a process-directed signal, which emu
     * queues on one thread but dequeues after the thread's own, as Linux's shared_pending.
     */
    public void addPending(int sig, SigInfo info, boolean shared) {
        if (shared && (pendingSignals & (1L << (sig - 1))) == 0) {
            sharedPending |= 1L << (sig - 1);
        }
        java.util.ArrayDeque<SigInfo> q = pendingInfo[sig];
        if (q == null) {
            q = pendingInfo[sig] = new java.util.ArrayDeque<>(1);
        }
        if ((pendingSignals & (1L << (sig - 1))) == 0 || sig >= 32) {
            q.addLast(info == null ? new SigInfo(sig, SigInfo.SI_KERNEL, 0, 0, 0) : info);
        }
        pendingSignals |= 1L << (sig - 1);
    }

    /**
     * Takes one instance of {@code sig} off the pending set (collect_signal); returns its
     * siginfo, after the sender's dequeue hook (a POSIX timer re-arms) has run.
     */
    public SigInfo takePending(int sig) {
        java.util.ArrayDeque<SigInfo> q = pendingInfo[sig];
        SigInfo i = q == null ? null : q.pollFirst();
        if (q == null || q.isEmpty()) {
            pendingSignals &= ~(1L << (sig - 1));
            sharedPending &= ~(1L << (sig - 1));
        }
        if (i != null && i.onDequeue() != null) {
            i = i.onDequeue().dequeued(i);
        }
        return i;
    }

    /** SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE and SIGSYS: dequeued first (kernel/signal.c SYNCHRONOUS_MASK). */
    private static final long SYNCHRONOUS_MASK = 1L << 10 | 1L << 6 | 1L << 3 | 1L << 4 | 1L << 7 | 1L << 30;

    /**
     * The pending signal of {@code allowed} that Linux's dequeue_signal takes next: the thread's
     * own before process-directed ones, and in each (next_signal) a synchronous signal first,
     * else the lowest number (so standard signals before real-time ones); 0 when none.
     */
    public int nextPending(long allowed) {
        long own = pendingSignals & ~sharedPending & allowed;
        long set = own != 0 ? own : pendingSignals & sharedPending & allowed;
        if (set == 0) {
            return 0;
        }
        if ((set & SYNCHRONOUS_MASK) != 0) {
            set &= SYNCHRONOUS_MASK;
        }
        return Long.numberOfTrailingZeros(set) + 1;
    }

    public long sigwaitSet() {
        return sigwaitSet;
    }

    public void setSigwaitSet(long set) {
        this.sigwaitSet = set;
    }

    /** CPU time used by this thread up to its last slice, in ns; Kernel#cpuTime adds the running slice. */
    public long cpuNanos() {
        return cpuNanos;
    }

    public void chargeCpu(long nanos) {
        cpuNanos += nanos;
    }

    public long altStackBase() {
        return altStackBase;
    }

    public long altStackSize() {
        return altStackSize;
    }

    public boolean altStackAutoDisarm() {
        return altStackAutoDisarm;
    }

    /** Sets (size 0: disables) the alternate signal stack. */
    public void setAltStack(long base, long size, boolean autoDisarm) {
        this.altStackBase = base;
        this.altStackSize = size;
        this.altStackAutoDisarm = autoDisarm;
    }

    /**
     * True if {@code sp} lies on the alternate signal stack (on_sig_stack): never for an
     * SS_AUTODISARM stack, which by construction the task is not on unless it chose to be.
     */
    public boolean onAltStack(long sp) {
        return !altStackAutoDisarm && withinAltStack(sp);
    }

    /** True if {@code sp} lies within the alternate signal stack (__on_sig_stack). */
    public boolean withinAltStack(long sp) {
        return altStackSize != 0 && sp > altStackBase && sp - altStackBase <= altStackSize;
    }

    /**
     * Long work in a syscall of this task must stop now: a guard of the run tripped or SIGKILL
     * is pending ({@link Kernel#mustStop}). A task built outside a kernel (unit tests) never must.
     */
    public boolean mustStopKernelWork() {
        return kernel != null && kernel.mustStop(this);
    }

    /** A SIGKILL is pending (fatal_signal_pending): long kernel work stops for it. */
    public boolean fatalSignalPending() {
        return (pendingSignals & (1L << 8)) != 0;
    }

    /** True if a pending signal is not blocked by the mask. */
    public boolean hasDeliverableSignal() {
        return (pendingSignals & ~signalMask & ~sigwaitSet) != 0;
    }

    public Object resumeState() {
        return resumeState;
    }

    public void setResumeState(Object state) {
        this.resumeState = state;
    }

    public long handlerFrames() {
        return handlerFrames;
    }

    /** A signal handler frame was set up: the task runs its handler next. */
    public void countHandlerFrame() {
        handlerFrames++;
    }

    public Task vforkParent() {
        return vforkParent;
    }

    public void setVforkParent(Task parent) {
        this.vforkParent = parent;
    }

    /** Replaces the thread state (execve). */
    public void setCpu(Cpu cpu) {
        this.cpu = cpu;
    }

    public void markExited() {
        state = TaskState.EXITED;
    }

    public long wakeDeadline() {
        return wakeDeadline;
    }

    public String waitingFor() {
        return waitingFor;
    }

    public long clearChildTid() {
        return clearChildTid;
    }

    public void setClearChildTid(long addr) {
        this.clearChildTid = addr;
    }

    public long robustList() {
        return robustList;
    }

    public void setRobustList(long addr) {
        this.robustList = addr;
    }

    public long rseqAddr() {
        return rseqAddr;
    }

    public int rseqLen() {
        return rseqLen;
    }

    public int rseqSig() {
        return rseqSig;
    }

    /** Registers (or, with address 0, unregisters) the thread's struct rseq. */
    public void setRseq(long addr, int len, int sig) {
        this.rseqAddr = addr;
        this.rseqLen = len;
        this.rseqSig = sig;
    }

    public long signalMask() {
        return signalMask;
    }

    public void setSignalMask(long mask) {
        this.signalMask = mask;
    }

    /** Remembers the mask to restore after the handler that ends an rt_sigsuspend (set_restore_sigmask). */
    public void setSavedSignalMask(long mask) {
        this.savedSignalMask = mask;
    }

    /** The mask a signal frame must save: the one rt_sigsuspend replaced if any (consumed), else the current one. */
    public long takeMaskToSave() {
        long m = savedSignalMask == -1 ? signalMask : savedSignalMask;
        savedSignalMask = -1;
        return m;
    }

    public String comm() {
        return comm;
    }

    public void setComm(String comm) {
        this.comm = comm.length() > 15 ? comm.substring(0, 15) : comm;
    }

    /**
     * Where the syscall that returned RESTART resumes (the address after its `syscall`), so its
     * re-execution is known as the same call; -1 if none.
     */
    private long syscallRestartRip = -1;

    public void setSyscallRestartRip(long rip) {
        this.syscallRestartRip = rip;
    }

    /** Returns and clears {@link #setSyscallRestartRip}'s address; -1 if none. */
    public long takeSyscallRestartRip() {
        long rip = syscallRestartRip;
        syscallRestartRip = -1;
        return rip;
    }

    /** The syscall this parked task returns from when it next runs (its sys_exit), or -1. */
    private int pendingSyscallExit = -1;

    public void setPendingSyscallExit(int nr) {
        this.pendingSyscallExit = nr;
    }

    /** Returns and clears {@link #setPendingSyscallExit}'s number; -1 if none. */
    public int takePendingSyscallExit() {
        int nr = pendingSyscallExit;
        pendingSyscallExit = -1;
        return nr;
    }

    /** True if a signal cut the parked syscall short and delivery has not consumed it yet. */
    public boolean interruptedPending() {
        return interrupted;
    }

    /** The fork/clone this new task returns from on its first run (its sys_exit), or -1. */
    private int forkReturn = -1;

    public void setForkReturn(int nr) {
        this.forkReturn = nr;
    }

    /** Returns and clears the fork/clone number set by {@link #setForkReturn}; -1 if none. */
    public int takeForkReturn() {
        int nr = forkReturn;
        forkReturn = -1;
        return nr;
    }

    public int lastSyscall() {
        return lastSyscall;
    }

    public void setLastSyscall(int nr) {
        this.lastSyscall = nr;
    }

    @Override
    public String toString() {
        return "Task{tid=" + tid + ", pid=" + process.pid() + ", comm=" + comm + ", " + state
                + (state == TaskState.BLOCKED ? " on " + waitingFor : "")
                + ", rip=0x" + Long.toHexString(cpu.get(Reg.RIP)) + "}";
    }
}
