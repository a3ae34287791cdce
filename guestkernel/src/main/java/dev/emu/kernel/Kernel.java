package dev.emu.kernel;

import dev.emu.abi.SyscallNumbers;
import dev.emu.kernel.fs.ConsoleFile;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.limits.ResourceLimits;
import dev.emu.kernel.log.KernelLog;
import dev.emu.kernel.log.SerialLog;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.platform.Platform;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.StopReason;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sched.TickContext;
import dev.emu.kernel.sched.TickHook;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.syscall.SyscallDispatcher;
import dev.emu.kernel.syscall.SyscallTracer;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.time.VirtualClock;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The guest kernel: processes, the scheduler loop, the timer tick, and the services syscall
 * handlers use. One instance per `emu run`; everything runs on the calling (emulation) thread.
 */
public final class Kernel {
    /** Exit status of `emu run` when every task is blocked with nothing that could wake one. */
    public static final int EXIT_DEADLOCK = 125;
    /** Exit status when a guard (--max-instructions, --timeout) stopped the run. */
    public static final int EXIT_GUARD = 124;
    /** Exit status when the kernel itself failed (a bug in emu, reported with a stack trace). */
    public static final int EXIT_KERNEL_BUG = 70;

    private final Platform platform;
    private final KernelConfig config;
    private final VirtualClock clock;
    private final KernelLog log;
    private final Console console;
    private final ImageResolver images;
    private final SplittableRandom random;
    /** The guest's memory budget: every process, pipe and map is charged here. */
    private final MemoryAccountant memory;
    private final Scheduler scheduler = new Scheduler();
    private final SyscallDispatcher dispatcher;
    private final TreeMap<Integer, Task> tasks = new TreeMap<>();
    /** Live and zombie processes by pid (zombies stay until reaped). */
    private final TreeMap<Integer, GuestProcess> processes = new TreeMap<>();
    private final dev.emu.kernel.sync.Futexes futexes = new dev.emu.kernel.sync.Futexes();
    private final dev.emu.kernel.locks.FileLocks fileLocks = new dev.emu.kernel.locks.FileLocks(scheduler);
    private final List<TickHook> tickHooks = new ArrayList<>();
    /** The console terminal's session and foreground process group. */
    private final dev.emu.kernel.fs.TtyJobControl tty = new dev.emu.kernel.fs.TtyJobControl();
    /** Timers on the kernel clock (itimers, POSIX timers): each slice ends at the next deadline. */
    private final dev.emu.kernel.timer.TimerQueue timers = new dev.emu.kernel.timer.TimerQueue();
    /**
     * Tracepoints (dev.emu.kernel.trace), made on first use ({@link #trace()}): building the
     * ~900 events is a large part of a short run's start-up, and until they exist nothing can be
     * attached to them.
     */
    private dev.emu.kernel.trace.TraceEvents trace;
    /** The task that ran last (null: idle), for sched_switch. */
    private Task lastRun;
    /** platform.workDone() when the current slice started, for the running task's CPU time. */
    private long sliceStartWork;
    private int nextPid = 1;
    private FilesystemSetup filesystemSetup = FilesystemSetup.inMemory();
    private dev.emu.kernel.vfs.Vfs vfs;
    private Task current;
    private GuestProcess init;
    private long ticks;
    private long nextTickAt;
    private boolean preempt;

    /**
     * The host side of fds 0–2 and where fault reports go.
     *
     * @param reports host stream for one-line guest fault reports (stderr)
     */
    public record Console(java.io.InputStream in, java.io.OutputStream out, java.io.OutputStream err,
                          ConsoleFile.HostKind inKind, ConsoleFile.HostKind outKind,
                          ConsoleFile.HostKind errKind, PrintStream reports) {}

    public Kernel(Platform platform, KernelConfig config, Console console, SerialLog serial,
                  ImageResolver images) {
        this.platform = platform;
        this.config = config;
        this.console = console;
        this.images = images;
        this.clock = new VirtualClock(config.clockMode(), platform::workDone);
        this.log = new KernelLog(serial, clock);
        this.random = new SplittableRandom(config.seed());
        this.memory = MemoryAccountant.of(config.memoryLimit());
        this.dispatcher = new SyscallDispatcher(this);
        this.nextTickAt = config.tickPeriodNanos();
    }

    /** Turns on strace-style tracing of syscalls. */
    public void setTracer(SyscallTracer tracer) {
        dispatcher.setTracer(tracer);
    }

    /** Sets what the guest's tree is made of; before {@link #spawnInit}. */
    public void setFilesystem(FilesystemSetup setup) {
        this.filesystemSetup = setup;
    }

    /** The guest's filesystem (built by {@link #spawnInit}). */
    public dev.emu.kernel.vfs.Vfs vfs() {
        return vfs;
    }

    /**
     * Creates pid 1 running {@code image} with {@code argv} and {@code envp}.
     *
     * @throws dev.emu.kernel.loader.ElfFormatException if the image is not a loadable x86_64 ELF
     * @throws java.io.IOException if the image cannot be read
     */
    public GuestProcess spawnInit(Path image, List<String> argv, List<String> envp) throws java.io.IOException {
        bootFilesystem();
        ResourceLimits limits = ResourceLimits.initial(memory.maxThreads());
        Exec.Image loaded = Exec.load(this, image, argv, envp, limits);
        return startInit(loaded, limits, argv, envp, image.getFileName().toString());
    }

    /**
     * Creates pid 1 running the program at guest path {@code path} (found in the guest's tree,
     * "#!" scripts included), for `emu run --root`.
     *
     * @throws IllegalArgumentException if the program cannot be found or run (the message says why)
     * @throws dev.emu.kernel.loader.ElfFormatException if it is not a loadable x86_64 ELF
     */
    public GuestProcess spawnInitFromGuest(String path, List<String> argv, List<String> envp) {
        bootFilesystem();
        dev.emu.kernel.vfs.FsContext ctx = filesystemSetupResult.initContext();
        dev.emu.kernel.vfs.Result<ExecLookup.Program> program = ExecLookup.find(vfs, null, ctx, path, argv);
        if (program.failed()) {
            throw new IllegalArgumentException(path + ": " + switch (program.error()) {
                case ENOENT -> "No such file or directory";
                case EACCES -> "Permission denied";
                default -> program.error().name();
            });
        }
        ResourceLimits limits = ResourceLimits.initial(memory.maxThreads());
        Exec.Image loaded = Exec.load(this, null, program.value(), envp, path, ctx, limits);
        GuestProcess p = startInit(loaded, limits, program.value().argv(), envp, path.substring(path.lastIndexOf('/') + 1));
        p.setExe(program.value().dentry());
        return p;
    }

    private FilesystemSetup.Built filesystemSetupResult;

    /**
     * Builds the guest's tree from the {@link #setFilesystem filesystem setup}; {@link #spawnInit}
     * does it first. Public for kernel tests that build a process by hand.
     *
     * @return pid 1's root, working directory and umask
     */
    public dev.emu.kernel.vfs.FsContext bootFilesystem() {
        log.info("emu guest kernel, platform " + platform.description() + ", clock "
                + clock.mode().name().toLowerCase() + ", tick " + config.tickHz() + " Hz, seed " + config.seed());
        if (hostNetwork != null) {
            log.info("network host (" + hostNetwork.description() + "): AF_INET/AF_INET6 sockets are the host's;"
                    + " this run depends on the host and is not deterministic");
        }
        filesystemSetupResult = filesystemSetup.build(this);
        vfs = filesystemSetupResult.vfs();
        return filesystemSetupResult.initContext();
    }

    private GuestProcess startInit(Exec.Image loaded, ResourceLimits limits, List<String> argv, List<String> envp, String name) {
        FdTable fds = new FdTable();
        fds.setCloseHook(fileLocks::closing);
        SerialLog serial = log.serial();
        fds.put(0, new ConsoleFile("stdin", console.in(), null, serial, console.inKind()), false);
        fds.put(1, new ConsoleFile("stdout", null, console.out(), serial, console.outKind()), false);
        fds.put(2, new ConsoleFile("stderr", null, console.err(), serial, console.errKind()), false);
        int pid = allocPid();
        GuestProcess p = new GuestProcess(pid, null, loaded.mm(), fds, loaded.exePath());
        p.setLimits(limits);
        if (!memory.tryCharge(MemoryAccountant.TASK_COST)) {
            loaded.mm().close();
            throw new dev.emu.kernel.platform.HostMemoryException("not enough guest memory for the first task");
        }
        p.setFs(filesystemSetupResult.initContext());
        p.setCommandLine(argv, envp);
        dev.emu.kernel.vfs.Result<dev.emu.kernel.vfs.Dentry> exe = vfs.lookup(null, p.fs(), p.fs().cwd(), loaded.exePath(), true);
        p.setExe(exe.failed() ? null : exe.value());
        Task t = new Task(this, pid, p, loaded.cpu(), Exec.commOf(name));
        init = p;
        addTask(t);
        log.info("run " + (argv.isEmpty() ? name : argv.getFirst()) + " as pid " + pid + " (entry 0x" + Long.toHexString(loaded.cpu().get(Reg.RIP)) + ")");
        return p;
    }

    /** Runs until pid 1 exits (or a guard stops the run); returns the shell-style exit status. */
    public int run() {
        runStartNanos = System.nanoTime();
        try {
            while (!init.exiting()) {
                if (timedOut()) {
                    long ns = config.timeoutNanos();
                    String after = (ns % 1_000_000_000L == 0 ? String.valueOf(ns / 1_000_000_000L)
                            : java.math.BigDecimal.valueOf(ns, 9).stripTrailingZeros().toPlainString()) + " s of host time";
                    log.info("timeout: stopping the guest after " + after);
                    reportGuard("--timeout", "after " + after);
                    return finish(EXIT_GUARD);
                }
                if (platform.haltReason() != null) {
                    log.info("stopping the guest: " + platform.haltReason());
                    return finish(EXIT_GUARD);
                }
                if (blockLimitReached()) {
                    log.info("instruction limit reached: stopping the guest");
                    reportGuard("--max-blocks", "after " + config.maxBlocks() + " blocks");
                    return finish(EXIT_GUARD);
                }
                Task t = scheduler.next();
                if (t != lastRun) {
                    if (trace != null) {
                        trace.sched().switchTo(lastRun, t, lastRun);
                    }
                    lastRun = t;
                }
                if (t == null) {
                    if (!idleUntilWork()) {
                        return finish(EXIT_DEADLOCK);
                    }
                    continue;
                }
                runSlice(t);
                timers.runExpired(clock.nanos());
                if (clock.nanos() >= nextTickAt) {
                    tick(t.state() == TaskState.RUNNABLE ? t : null);
                }
            }
            return finish(shellStatus(init.exitStatus()));
        } finally {
            log.serial().flush();
        }
    }

    private void runSlice(Task t) {
        current = t;
        preempt = false;
        int forkReturn = t.takeForkReturn();
        if (forkReturn >= 0 && trace != null) {
            trace.syscalls().returnFromFork(t, t.cpu(), forkReturn);
        }
        int parkedExit = t.takePendingSyscallExit();
        if (parkedExit >= 0 && trace != null) { // before signal delivery, as syscall_exit_work precedes it; a handler makes it EINTR
            long ret = t.interruptedPending() && !t.restartOnWake() ? dev.emu.abi.Errno.EINTR.ret() : t.cpu().get(Reg.RAX);
            trace.syscalls().exit(t, t.cpu(), parkedExit, ret);
        }
        if (t.hasDeliverableSignal() && t.takeSyscallRestartRip() >= 0 && trace != null) {
            // A parked call whose re-execution waits for a signal's handler leaves the kernel
            // with -ERESTARTSYS first (the --trace-syscalls line says so too); restarted after
            // the handler, it enters anew, as a restarted call does on Linux.
            trace.syscalls().exit(t, t.cpu(), t.lastSyscall(), dev.emu.abi.Errno.ERESTARTSYS.ret());
        }
        if (t.process().continueNotice()) {
            dev.emu.kernel.signal.JobControl.beforeRun(this, t.process());
        }
        if (t.hasDeliverableSignal()) {
            Signals.deliverPending(this, t);
            if (t.state() != TaskState.RUNNABLE) {
                current = null;
                scheduler.put(t);
                return;
            }
        }
        long budget = clock.blocksUntil(Math.min(nextTickAt, timers.nextDeadline()));
        long cpuBudget = t.process().timers().cpuBudget(this, t);
        if (cpuBudget != Long.MAX_VALUE) {
            budget = Math.min(budget, Math.max(1, (cpuBudget + VirtualClock.NANOS_PER_BLOCK - 1) / VirtualClock.NANOS_PER_BLOCK));
        }
        if (config.maxBlocks() > 0) {
            budget = Math.max(1, Math.min(budget, config.maxBlocks() - platform.workDone() - kernelWorkBlocks));
        }
        sliceStartWork = platform.workDone();
        StopReason why = t.cpu().run(budget, dispatcher);
        t.chargeCpu((platform.workDone() - sliceStartWork) * VirtualClock.NANOS_PER_BLOCK);
        current = null;
        if (t.state() != TaskState.EXITED) {
            t.process().timers().checkCpu(this, t);
        }
        switch (why.kind()) {
            case SYSCALL_STOP, BUDGET_EXHAUSTED, INTERRUPTED -> { }
            default -> {
                if (t.state() != TaskState.EXITED) { // not when the OOM killer chose it at this fault
                    Signals.deliverFault(this, t, inVma(t, why));
                }
            }
        }
        if (t.state() == TaskState.RUNNABLE && t.hasDeliverableSignal()) {
            current = t;
            Signals.deliverPending(this, t);
            current = null;
        }
        if (t.state() == TaskState.EXITED) {
            t.cpu().release();
        }
        scheduler.put(t);
    }

    /**
     * A fault the engine saw as unmapped inside a VMA is a protection fault (SEGV_ACCERR, as
     * Linux reports): PROT_NONE reservations and untouched inaccessible demand-paged memory are
     * not in the engine at all.
     */
    private static StopReason inVma(Task t, StopReason why) {
        if (why.kind() == StopReason.Kind.FAULT_UNMAPPED && t.process().mm().pastObjectEnd(why.faultAddress())) {
            return new StopReason(StopReason.Kind.BUS_ERROR, why.faultAddress(), why.detail());
        }
        if (why.kind() == StopReason.Kind.FAULT_UNMAPPED && t.process().mm().vmaAt(why.faultAddress()) != null) {
            return new StopReason(StopReason.Kind.FAULT_PROTECTION, why.faultAddress(), why.detail());
        }
        return why;
    }

    /**
     * Nothing is runnable: advance time to the next tick and run it; false on deadlock. When a
     * task waits on a host socket (`--net host`) the time up to then is spent waiting on the host.
     */
    private boolean idleUntilWork() {
        long deadline = Math.min(scheduler.nextDeadline(), timers.nextDeadline());
        boolean onHost = hostNetwork != null && network().hostWaiting();
        if (deadline == Long.MAX_VALUE && tickHooks.isEmpty() && !onHost) {
            reportDeadlock();
            return false;
        }
        if (onHost) {
            waitOnHost(Math.min(deadline, nextTickAt));
        } else {
            clock.skipTo(Math.min(deadline, nextTickAt));
        }
        timers.runExpired(clock.nanos());
        if (clock.nanos() >= nextTickAt) {
            tick(null);
        } else {
            scheduler.wakeExpired(clock.nanos());
        }
        return true;
    }

    /**
     * Waits on the host network until {@code target} (kernel time) or until a host socket is
     * ready. Virtual time advances by the host time the wait took and never jumps past it: a
     * guest waiting on the host sees time pass as the host does (a run with host sockets is not
     * deterministic anyway); host time advances by itself.
     */
    private void waitOnHost(long target) {
        long now = clock.nanos();
        long hostStart = System.nanoTime();
        network().pollHost(Math.max(0, target - now));
        if (clock.mode() == VirtualClock.Mode.VIRTUAL) {
            long waited = System.nanoTime() - hostStart;
            clock.skipTo(Math.min(target, now + waited));
        }
    }

    private void tick(Task interrupted) {
        long now = clock.nanos();
        if (hostNetwork != null) {
            network().pollHost(0); // tasks parked on host sockets wake even while others compute
        }
        while (nextTickAt <= now) {
            nextTickAt += config.tickPeriodNanos();
            ticks++;
        }
        scheduler.wakeExpired(now);
        if (!tickHooks.isEmpty()) {
            TickContext ctx = new TickContext(ticks, now, interrupted,
                    interrupted == null ? 0 : interrupted.cpu().get(Reg.RIP));
            for (TickHook h : List.copyOf(tickHooks)) {
                h.onTick(ctx);
            }
            scheduler.wakeExpired(now);
        }
    }

    private void reportDeadlock() {
        log.info("deadlock: no task can run and no timer is pending");
        for (Task t : scheduler.blockedTasks()) {
            log.info("  " + t.comm() + " (tid " + t.tid() + ") waits on " + t.waitingFor());
        }
        console.reports().println("emu: deadlock: every guest task is blocked and no timer is pending (see the serial log)");
    }

    private int finish(int status) {
        log.info("guest exited with status " + status);
        return status;
    }

    /** Converts a wait status to what a shell reports: the exit code, or 128 + signal. */
    public static int shellStatus(int waitStatus) {
        int sig = waitStatus & 0x7f;
        return sig == 0 ? (waitStatus >> 8) & 0xff : 128 + sig;
    }

    /**
     * Ends every task of {@code p} with {@code waitStatus} (exit_group, a fatal signal): Linux's
     * do_group_exit in kernel/exit.c.
     */
    public void exitProcess(GuestProcess p, int waitStatus) {
        p.beginExit(waitStatus);
        for (Task t : List.copyOf(p.threads())) {
            exitTask(t, waitStatus);
        }
    }

    /**
     * Ends one thread (exit(2), do_exit in kernel/exit.c): clear-child-tid futex wake
     * (mm_release), vfork completion, and when it is the last thread the process exits with
     * {@code waitStatus}.
     */
    public void exitTask(Task t, int waitStatus) {
        if (t.state() == TaskState.EXITED) {
            return;
        }
        GuestProcess p = t.process();
        if (t.robustList() != 0 && !p.mm().closed()) {
            dev.emu.kernel.sync.RobustList.exit(futexes, scheduler, p.mm(), t.memory(), t.robustList(), t.tid());
        }
        if (t.clearChildTid() != 0) {
            try {
                t.memory().writeInt(t.clearChildTid(), 0);
                futexes.wake(scheduler, p.mm(), t.clearChildTid(), 1, -1);
            } catch (dev.emu.kernel.platform.BadAddressException ignored) {
                // Linux ignores a failing put_user here too.
            }
        }
        releaseVforkParent(t);
        if (trace != null) {
            trace.sched().exit(t, p.threads().stream().allMatch(x -> x == t || x.state() == TaskState.EXITED));
        }
        p.addExitedThreadCpu(cpuTime(t));
        t.markExited();
        if (p.threads().stream().anyMatch(x -> x.state() != TaskState.EXITED)) {
            p.threads().remove(t);
        }
        scheduler.remove(t);
        if (tasks.remove(t.tid()) != null) {
            memory.uncharge(MemoryAccountant.TASK_COST); // charged by spawnInit or clone
        }
        if (t == current) {
            preempt = true;
        } else {
            t.cpu().release();
        }
        if (p.threads().stream().allMatch(x -> x.state() == TaskState.EXITED)) {
            p.beginExit(waitStatus);
            finishProcess(p);
        }
    }

    /** A vfork child exec'd or exited: its parent resumes (complete_vfork_done). */
    public void releaseVforkParent(Task child) {
        Task parent = child.vforkParent();
        if (parent != null) {
            child.setVforkParent(null);
            scheduler.wake(parent);
        }
    }

    /**
     * The last thread is gone (exit_notify in kernel/exit.c): close files, drop the address
     * space, re-parent children to init, then become a zombie and tell the parent — or be reaped
     * at once if the parent ignores SIGCHLD.
     */
    private void finishProcess(GuestProcess p) {
        p.timers().release(this);
        p.fds().releaseTable();
        p.mm().close();
        if (p != init) {
            GuestProcess reaper = newReaper(p);
            for (GuestProcess c : List.copyOf(p.children())) {
                c.setParent(reaper);
                c.setExitSignal(Signals.SIGCHLD); // reparent_leader: "We don't want people slaying init."
                reaper.children().add(c);
                if (c.zombie()) {
                    // reparent_leader: the new parent hears of a zombie as of a fresh death (and
                    // reaps it at once if it ignores SIGCHLD or set SA_NOCLDWAIT).
                    notifyParent(c);
                }
                if (c.pgid() != p.pgid() && c.sid() == p.sid()) {
                    dev.emu.kernel.signal.JobControl.killOrphanedPgrp(this, c, p);
                }
            }
            p.children().clear();
            dev.emu.kernel.signal.JobControl.killOrphanedPgrp(this, p, null);
        }
        p.markZombie();
        p.exitWaiters().wakeAll(scheduler); // do_notify_pidfd
        notifyParent(p);
    }

    /**
     * Where the children of exiting {@code p} go (find_new_reaper in kernel/exit.c): the
     * nearest ancestor that set PR_SET_CHILD_SUBREAPER and is not exiting itself, else init.
     */
    private GuestProcess newReaper(GuestProcess p) {
        for (GuestProcess a = p.parent(); a != null && a != init; a = a.parent()) {
            if (a.childSubreaper() && !a.exiting()) {
                return a;
            }
        }
        return init;
    }

    /**
     * Zombie {@code p} tells its parent (do_notify_parent): waiters wake, and the exit signal is
     * sent — or {@code p} is reaped at once when the parent ignores SIGCHLD or set SA_NOCLDWAIT.
     */
    private void notifyParent(GuestProcess p) {
        GuestProcess parent = p.parent();
        if (parent == null) {
            return;
        }
        dev.emu.kernel.task.SignalAction a = parent.action(Signals.SIGCHLD);
        boolean autoReap = a.handler() == dev.emu.kernel.task.SignalAction.SIG_IGN
                || (a.flags() & Signals.SA_NOCLDWAIT) != 0;
        // Waiters first: a parent parked in wait4 finds the zombie and is not "interrupted" by
        // the SIGCHLD that follows (do_notify_parent wakes wait_chldexit as well).
        parent.childWaiters().wakeAll(scheduler);
        if (autoReap && p.exitSignal() == Signals.SIGCHLD) {
            reap(p);
        } else if (p.exitSignal() != 0 && Signals.valid(p.exitSignal()) && !parent.exiting()) {
            // clone(2) accepts exit signals up to 255; do_notify_parent sends only valid ones.
            int st = p.exitStatus();
            int code = (st & 0x7f) == 0 ? dev.emu.kernel.task.SigInfo.CLD_EXITED
                    : (st & 0x80) != 0 ? dev.emu.kernel.task.SigInfo.CLD_DUMPED : dev.emu.kernel.task.SigInfo.CLD_KILLED;
            int status = (st & 0x7f) == 0 ? (st >> 8) & 0xff : st & 0x7f;
            Signals.sendToProcess(this, parent, p.exitSignal(),
                    new dev.emu.kernel.task.SigInfo(p.exitSignal(), code, p.pid(), 0, status));
        }
    }

    /** Releases a zombie (release_task): it leaves its parent's children and the pid table. */
    public void reap(GuestProcess p) {
        if (p.parent() != null) {
            p.parent().children().remove(p);
            p.parent().addChildrenCpu(p.exitedThreadsCpu() + p.childrenCpu());
        }
        p.markReaped();
        p.exitWaiters().wakeAll(scheduler);
        processes.remove(p.pid());
    }

    /** Registers a new task (and its process if new) and queues it to run. */
    public void addTask(Task t) {
        tasks.put(t.tid(), t);
        processes.putIfAbsent(t.process().pid(), t.process());
        scheduler.enqueue(t);
    }

    public Task task(int tid) {
        return tasks.get(tid);
    }

    public GuestProcess process(int pid) {
        return processes.get(pid);
    }

    /** Every process, live or zombie, by ascending pid. */
    public java.util.Collection<GuestProcess> processes() {
        return processes.values();
    }

    public GuestProcess init() {
        return init;
    }

    private final dev.emu.kernel.mm.SharedFileMapping.Registry sharedMappings = new dev.emu.kernel.mm.SharedFileMapping.Registry();

    /** Every process's MAP_SHARED file mappings, by file. */
    public dev.emu.kernel.mm.SharedFileMapping.Registry sharedMappings() {
        return sharedMappings;
    }

    /** The advisory file locks (fcntl record locks, flock). */
    public dev.emu.kernel.locks.FileLocks fileLocks() {
        return fileLocks;
    }

    /** Job control of the console terminal. */
    public dev.emu.kernel.fs.TtyJobControl tty() {
        return tty;
    }

    /** The kernel-clock timers (hrtimers). */
    /** The task that ran last (null: the CPU idled), what a sampling event's timer interrupted. */
    public Task lastRun() {
        return lastRun;
    }

    /**
     * The tracepoints if {@link #trace()} made them, else null: then nothing is attached to any,
     * and a site has nothing to fire.
     */
    public dev.emu.kernel.trace.TraceEvents traceIfBuilt() {
        return trace;
    }

    /** The tracepoints and the trace pipe, made on first use. */
    public dev.emu.kernel.trace.TraceEvents trace() {
        if (trace == null) {
            trace = new dev.emu.kernel.trace.TraceEvents(dev.emu.kernel.syscall.SyscallTable.byNumber());
            dispatcher.setEvents(trace.syscalls());
        }
        return trace;
    }

    private dev.emu.kernel.btf.KernelBtf kernelBtf;
    private dev.emu.kernel.btf.KernelImages kernelImages;

    /** The kernel's BTF (/sys/kernel/btf/vmlinux), built the first time something asks for it. */
    public dev.emu.kernel.btf.KernelBtf kernelBtf() {
        if (kernelBtf == null) {
            kernelBtf = dev.emu.kernel.btf.KernelBtf.build(trace().syscallWrappers());
        }
        return kernelBtf;
    }

    /** Kernel memory: the images of the objects the kernel BTF describes (task_struct & co.). */
    public dev.emu.kernel.btf.KernelImages kernelImages() {
        if (kernelImages == null) {
            kernelImages = new dev.emu.kernel.btf.KernelImages(this, kernelBtf());
        }
        return kernelImages;
    }

    public dev.emu.kernel.timer.TimerQueue timers() {
        return timers;
    }

    /**
     * The virtual CPU time of thread {@code t} in ns: the basic blocks it executed times
     * {@link VirtualClock#NANOS_PER_BLOCK}, the running slice included. Counted the same way in
     * both clock modes, so CPU times and CPU timers are deterministic.
     */
    public long cpuTime(Task t) {
        long n = t.cpuNanos();
        if (t == current) {
            n += (platform.workDone() - sliceStartWork) * VirtualClock.NANOS_PER_BLOCK;
        }
        return n;
    }

    /** The CPU time of every thread of {@code p}, exited ones included (thread_group_cputime). */
    public long processCpuTime(GuestProcess p) {
        long n = p.exitedThreadsCpu();
        for (Task t : p.threads()) {
            if (t.state() != TaskState.EXITED) {
                n += cpuTime(t);
            }
        }
        return n;
    }

    public dev.emu.kernel.sync.Futexes futexes() {
        return futexes;
    }

    // ---- services for syscall handlers ----

    private int nextInode = 1;

    /** A fresh inode number for an anonymous file (pipes). */
    public int allocInode() {
        return nextInode++;
    }

    public int allocPid() {
        return nextPid++;
    }

    public Platform platform() {
        return platform;
    }

    public KernelConfig config() {
        return config;
    }

    public VirtualClock clock() {
        return clock;
    }

    public KernelLog log() {
        return log;
    }

    public SplittableRandom random() {
        return random;
    }

    public MemoryAccountant memory() {
        return memory;
    }

    /** Live tasks (threads of every process), which RLIMIT_NPROC and threads-max bound. */
    public int taskCount() {
        return tasks.size();
    }

    /**
     * The OOM killer (mm/oom_kill.c, as a memory cgroup at its limit runs it): a page the guest
     * touched cannot be charged, so the process charged the most is killed with SIGKILL and the
     * serial log says so. Returns whether something was killed.
     */
    public boolean outOfMemory(MemoryManager faulting, long needed) {
        GuestProcess victim = null;
        for (GuestProcess p : processes.values()) {
            if (!p.zombie() && !p.exiting() && !p.mm().closed()
                    && (victim == null || p.mm().charged() > victim.mm().charged())) {
                victim = p;
            }
        }
        if (victim == null) {
            return false;
        }
        Task t = victim.threads().isEmpty() ? null : victim.threads().getFirst();
        String comm = t == null ? "?" : t.comm();
        log.info("Memory cgroup out of memory: Killed process " + victim.pid() + " (" + comm + ") total-vm:"
                + (victim.mm().totalVm() >> 10) + "kB, anon-rss:" + (victim.mm().charged() >> 10)
                + "kB, file-rss:0kB, shmem-rss:0kB, UID:0 oom_score_adj:0 (memory limit "
                + (memory.limit() >> 20) + " MiB, " + (needed >> 10) + " kB more needed)");
        console.reports().println("emu: pid " + victim.pid() + " (" + comm + ") killed by SIGKILL (out of memory: the guest's "
                + (memory.limit() >> 20) + " MiB limit, --memory, is used up)");
        console.reports().flush();
        exitProcess(victim, Signals.SIGKILL);
        return true;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    private dev.emu.kernel.net.Network network;
    /** The host's network for `--net host` (null: the guest's own loopback only). */
    private dev.emu.kernel.net.HostNetwork hostNetwork;

    /**
     * Makes the guest's AF_INET and AF_INET6 sockets host sockets (`emu run --net host`); before
     * {@link #spawnInit}. Such a run depends on the host and is not deterministic.
     */
    public void setHostNetwork(dev.emu.kernel.net.HostNetwork host) {
        this.hostNetwork = host;
    }

    /** The guest's network: its AF_UNIX names and its loopback stack, or the host's (made on first use). */
    public dev.emu.kernel.net.Network network() {
        if (network == null) {
            network = new dev.emu.kernel.net.Network(scheduler, memory, this::allocInode, hostNetwork);
        }
        return network;
    }

    public ImageResolver images() {
        return images;
    }

    public Console console() {
        return console;
    }

    /** The task whose syscall or fault is being handled, or null between slices. */
    public Task current() {
        return current;
    }

    /**
     * The one report line on the host's stderr when a guard ends the run (status 124): which
     * guard, and what the guest was last doing (the task that ran last and its last syscall,
     * where long kernel work stopped).
     */
    private void reportGuard(String guard, String when) {
        Task t = lastRun != null ? lastRun : init.threads().isEmpty() ? null : init.threads().getFirst();
        String doing = t == null ? "" : " (pid " + t.process().pid() + " (" + t.comm() + "), last syscall "
                + (t.lastSyscall() < 0 ? "none" : syscallName(t.lastSyscall())) + ")";
        console.reports().println("emu: " + guard + " stopped the guest " + when + doing);
        console.reports().flush();
    }

    /** Host time when {@link #run} started: --timeout counts from there. */
    private long runStartNanos = System.nanoTime();
    /** Blocks' worth of the virtual time charged for kernel work ({@link #chargeKernelWork}). */
    private long kernelWorkBlocks;

    private boolean timedOut() {
        return config.timeoutNanos() > 0 && System.nanoTime() - runStartNanos > config.timeoutNanos();
    }

    /** --max-blocks: guest blocks plus the kernel work charged in their stead. */
    private boolean blockLimitReached() {
        return config.maxBlocks() > 0 && platform.workDone() + kernelWorkBlocks >= config.maxBlocks();
    }

    /**
     * True when a guard of the run (--timeout, --max-blocks, the platform's halt: an instruction
     * limit, gdb's kill) has ended it. Long work inside a syscall — BPF test runs, verification,
     * copies, waits for host input — checks this between steps, as Linux's long loops check
     * fatal_signal_pending(), and stops with what it has done; the loop in {@link #run} then
     * ends the run with the guard's status. A tripped guard also asks the running task to yield,
     * so the guest does not run on after the syscall.
     */
    public boolean guardTripped() {
        if (timedOut() || platform.haltReason() != null || blockLimitReached()) {
            preempt = true;
            return true;
        }
        return false;
    }

    /** {@link #guardTripped()} or a SIGKILL pending for {@code t}: long kernel work stops now. */
    public boolean mustStop(Task t) {
        return guardTripped() || t.fatalSignalPending();
    }

    /**
     * Charges kernel work done for the guest without executing its blocks (BPF test runs) to
     * virtual time, and to --max-blocks as the blocks that time stands for, so a guard on blocks
     * also bounds such work.
     */
    public void chargeKernelWork(long nanos) {
        clock.charge(nanos);
        kernelWorkBlocks += nanos / VirtualClock.NANOS_PER_BLOCK;
    }

    /** Asks the running task to give up the CPU at the end of the current syscall. */
    public void requestReschedule() {
        preempt = true;
    }

    public boolean rescheduleRequested() {
        return preempt;
    }

    /**
     * Linux's need_resched() for long work inside a syscall: the next timer tick or a kernel
     * timer (an hrtimer interrupt: an itimer's SIGALRM, a POSIX timer) is due, so the task should
     * yield (the other tasks, timers and ticks run) before it goes on.
     */
    public boolean tickDue() {
        long now = clock.nanos();
        return now >= nextTickAt || now >= timers.nextDeadline();
    }

    public long ticks() {
        return ticks;
    }

    public void addTickHook(TickHook hook) {
        tickHooks.add(hook);
    }

    public void removeTickHook(TickHook hook) {
        tickHooks.remove(hook);
    }

    /** Names a syscall number for log lines. */
    public static String syscallName(long nr) {
        String n = SyscallNumbers.name(nr);
        return n == null ? "syscall_" + nr : n;
    }

    @Override
    public String toString() {
        return "Kernel{tasks=" + tasks.keySet() + ", ticks=" + ticks + ", now=" + clock.nanos() + "ns}";
    }
}
