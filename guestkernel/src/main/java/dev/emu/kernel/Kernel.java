package dev.emu.kernel;

import dev.emu.abi.SyscallNumbers;
import dev.emu.kernel.fs.ConsoleFile;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.log.KernelLog;
import dev.emu.kernel.log.SerialLog;
import dev.emu.kernel.platform.Cpu;
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
    private final Scheduler scheduler = new Scheduler();
    private final SyscallDispatcher dispatcher;
    private final TreeMap<Integer, Task> tasks = new TreeMap<>();
    private final List<TickHook> tickHooks = new ArrayList<>();
    private int nextPid = 1;
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
        this.dispatcher = new SyscallDispatcher(this);
        this.nextTickAt = config.tickPeriodNanos();
    }

    /** Turns on strace-style tracing of syscalls. */
    public void setTracer(SyscallTracer tracer) {
        dispatcher.setTracer(tracer);
    }

    /**
     * Creates pid 1 running {@code image} with {@code argv} and {@code envp}.
     *
     * @throws dev.emu.kernel.loader.ElfFormatException if the image is not a loadable x86_64 ELF
     * @throws java.io.IOException if the image cannot be read
     */
    public GuestProcess spawnInit(Path image, List<String> argv, List<String> envp) throws java.io.IOException {
        log.info("emu guest kernel, platform " + platform.description() + ", clock "
                + clock.mode().name().toLowerCase() + ", tick " + config.tickHz() + " Hz, seed " + config.seed());
        FdTable fds = new FdTable();
        SerialLog serial = log.serial();
        fds.put(0, new ConsoleFile("stdin", console.in(), null, serial, console.inKind()), false);
        fds.put(1, new ConsoleFile("stdout", null, console.out(), serial, console.outKind()), false);
        fds.put(2, new ConsoleFile("stderr", null, console.err(), serial, console.errKind()), false);
        int pid = allocPid();
        Exec.Image loaded = Exec.load(this, image, argv, envp);
        GuestProcess p = new GuestProcess(pid, null, loaded.mm(), fds, loaded.exePath());
        Task t = new Task(this, pid, p, loaded.cpu(), Exec.commOf(image.toString()));
        tasks.put(pid, t);
        scheduler.enqueue(t);
        init = p;
        log.info("run " + image + " as pid " + pid + " (entry 0x" + Long.toHexString(loaded.cpu().get(Reg.RIP)) + ")");
        return p;
    }

    /** Runs until pid 1 exits (or a guard stops the run); returns the shell-style exit status. */
    public int run() {
        long hostStart = System.nanoTime();
        try {
            while (!init.exiting()) {
                if (config.timeoutNanos() > 0 && System.nanoTime() - hostStart > config.timeoutNanos()) {
                    log.info("timeout: stopping the guest after " + config.timeoutNanos() / 1_000_000_000L + " s of host time");
                    return finish(EXIT_GUARD);
                }
                if (config.maxBlocks() > 0 && platform.workDone() >= config.maxBlocks()) {
                    log.info("instruction limit reached: stopping the guest");
                    return finish(EXIT_GUARD);
                }
                Task t = scheduler.next();
                if (t == null) {
                    if (!idleUntilWork()) {
                        return finish(EXIT_DEADLOCK);
                    }
                    continue;
                }
                runSlice(t);
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
        long budget = clock.blocksUntil(nextTickAt);
        if (config.maxBlocks() > 0) {
            budget = Math.max(1, Math.min(budget, config.maxBlocks() - platform.workDone()));
        }
        StopReason why = t.cpu().run(budget, dispatcher);
        current = null;
        switch (why.kind()) {
            case SYSCALL_STOP, BUDGET_EXHAUSTED, INTERRUPTED -> { }
            default -> Signals.deliverFault(this, t, why);
        }
        scheduler.put(t);
    }

    /** Nothing is runnable: advance time to the next tick and run it; false on deadlock. */
    private boolean idleUntilWork() {
        long deadline = scheduler.nextDeadline();
        if (deadline == Long.MAX_VALUE && tickHooks.isEmpty()) {
            reportDeadlock();
            return false;
        }
        clock.skipTo(Math.min(deadline, nextTickAt));
        if (clock.nanos() >= nextTickAt) {
            tick(null);
        } else {
            scheduler.wakeExpired(clock.nanos());
        }
        return true;
    }

    private void tick(Task interrupted) {
        long now = clock.nanos();
        while (nextTickAt <= now) {
            nextTickAt += config.tickPeriodNanos();
            ticks++;
        }
        scheduler.wakeExpired(now);
        if (!tickHooks.isEmpty()) {
            TickContext ctx = new TickContext(ticks, now, interrupted,
                    interrupted == null ? 0 : interrupted.cpu().get(Reg.RIP));
            for (TickHook h : tickHooks) {
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

    /** Ends every task of {@code p} with {@code waitStatus} (exit_group, a fatal signal). */
    public void exitProcess(GuestProcess p, int waitStatus) {
        p.beginExit(waitStatus);
        for (Task t : List.copyOf(p.threads())) {
            exitTask(t);
        }
        p.fds().closeAll();
    }

    /** Ends one thread (exit(2)); the process ends with its last thread. */
    public void exitTask(Task t) {
        if (t.state() == TaskState.EXITED) {
            return;
        }
        t.markExited();
        scheduler.put(t);
        tasks.remove(t.tid());
        if (t == current) {
            preempt = true;
        }
        GuestProcess p = t.process();
        if (p.threads().stream().allMatch(x -> x.state() == TaskState.EXITED) && !p.exiting()) {
            p.beginExit(0);
        }
    }

    // ---- services for syscall handlers ----

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

    public Scheduler scheduler() {
        return scheduler;
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

    /** Asks the running task to give up the CPU at the end of the current syscall. */
    public void requestReschedule() {
        preempt = true;
    }

    public boolean rescheduleRequested() {
        return preempt;
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

    /** The one CPU's current task as seen in a tick, a fault or a handler. */
    public Cpu currentCpu() {
        return current == null ? null : current.cpu();
    }

    @Override
    public String toString() {
        return "Kernel{tasks=" + tasks.keySet() + ", ticks=" + ticks + ", now=" + clock.nanos() + "ns}";
    }
}
