package dev.emu.kernel.task;

import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.limits.ResourceLimits;
import dev.emu.kernel.mm.MemoryManager;
import java.util.ArrayList;
import java.util.List;

/**
 * A guest process (Linux's thread group): an address space, an fd table, signal actions, and the
 * threads ({@link Task}s) that share them.
 */
public final class GuestProcess {
    private final int pid;
    private GuestProcess parent;
    private final List<GuestProcess> children = new ArrayList<>();
    private final List<Task> threads = new ArrayList<>();
    private MemoryManager mm;
    private FdTable fds;
    private final SignalAction[] actions = new SignalAction[65];
    /** Linux's defaults until the kernel or fork sets the real ones. */
    private ResourceLimits limits = ResourceLimits.initial(8192);
    private String exePath;
    /** Root, cwd and umask (fs_struct); null in kernels built without a filesystem. */
    private dev.emu.kernel.vfs.FsContext fs;
    /** The executable's name in the guest's tree (/proc/PID/exe), null if it has none. */
    private dev.emu.kernel.vfs.Dentry exe;
    /** argv and envp of the last execve, for /proc/PID/cmdline and environ. */
    private List<String> argv = List.of();
    private List<String> envp = List.of();
    private int exitStatus = -1;
    private boolean exiting;
    /** All threads have exited; the parent has not reaped it yet. */
    private boolean zombie;
    /** The signal sent to the parent at exit (clone's low byte; SIGCHLD for fork). */
    private int exitSignal = 17;
    /** Woken when this process exits and when it is reaped (pidfd poll: signal->wait_pidfd). */
    private final dev.emu.kernel.sched.WaitQueue exitWaiters = new dev.emu.kernel.sched.WaitQueue("pidfd");
    private boolean reaped;
    /** Threads of this process parked in wait4/waitid. */
    private final dev.emu.kernel.sched.WaitQueue childWaiters = new dev.emu.kernel.sched.WaitQueue("wait4");
    /** Readers and pollers of signalfds, woken when a signal is sent (sighand->signalfd_wqh). */
    private final dev.emu.kernel.sched.WaitQueue signalfdWaiters = new dev.emu.kernel.sched.WaitQueue("signalfd");

    /** Interval and POSIX timers; a new process (fork) starts without any. */
    private final dev.emu.kernel.timer.ProcessTimers timers = new dev.emu.kernel.timer.ProcessTimers(this);
    /** CPU time of threads that have exited (signal_struct's utime sum), ns. */
    private long exitedThreadsCpu;
    /** CPU time of reaped children and their reaped descendants (cutime), ns. */
    private long childrenCpu;

    /** Who the process is (uids, gids, groups, capabilities); fork copies them. */
    private Credentials creds = new Credentials();
    /** Nice value (-20..19) and scheduling policy and priority (sched_setscheduler). */
    private int nice;
    private int policy;
    private int rtPriority;
    /** Process group and session ids (setpgid, setsid); fork inherits them. */
    private int pgid;
    private int sid;
    /** Execve ran since fork (PF_FORKNOEXEC cleared): the parent's setpgid is then EACCES. */
    private boolean execed;
    /** Stopped by a job-control signal (SIGNAL_STOP_STOPPED); the stopping signal. */
    private boolean stopped;
    private int stopSignal;
    /** A stop or a continue not yet reported to a WUNTRACED / WCONTINUED wait (exit_code, SIGNAL_STOP_CONTINUED). */
    private boolean stopToReport;
    private boolean continueToReport;
    /** Continued by SIGCONT; the parent is notified when the process next runs. */
    private boolean continueNotice;

    public GuestProcess(int pid, GuestProcess parent, MemoryManager mm, FdTable fds, String exePath) {
        this.pid = pid;
        this.parent = parent;
        this.mm = mm;
        this.fds = fds;
        this.exePath = exePath;
        mm.setLimits(limits);
        fds.setLimits(limits);
        java.util.Arrays.fill(actions, SignalAction.DEFAULT);
        if (parent != null) {
            parent.children.add(this);
            pgid = parent.pgid;
            sid = parent.sid;
            creds = parent.creds.copy();
            nice = parent.nice;
            policy = parent.policy;
            rtPriority = parent.rtPriority;
        } else {
            pgid = sid = pid; // the first process leads its session and group, as a login shell
        }
    }

    public Credentials creds() {
        return creds;
    }

    public void setCreds(Credentials creds) {
        this.creds = creds;
    }

    public int nice() {
        return nice;
    }

    public void setNice(int nice) {
        this.nice = nice;
    }

    public int policy() {
        return policy;
    }

    public int rtPriority() {
        return rtPriority;
    }

    public void setScheduling(int policy, int rtPriority) {
        this.policy = policy;
        this.rtPriority = rtPriority;
    }

    public int pgid() {
        return pgid;
    }

    public void setPgid(int pgid) {
        this.pgid = pgid;
    }

    public int sid() {
        return sid;
    }

    public void setSid(int sid) {
        this.sid = sid;
    }

    public boolean execed() {
        return execed;
    }

    public void markExeced() {
        execed = true;
    }

    public boolean stopped() {
        return stopped;
    }

    public int stopSignal() {
        return stopSignal;
    }

    /** The group stop began (sig) or ended (0); either is reported once to a wait that asks. */
    public void setStopped(boolean stopped, int sig) {
        this.stopped = stopped;
        if (stopped) {
            stopSignal = sig;
            stopToReport = true;
            continueToReport = false;
        } else {
            continueToReport = true;
            stopToReport = false;
        }
    }

    public boolean continueNotice() {
        return continueNotice;
    }

    public void setContinueNotice(boolean notice) {
        continueNotice = notice;
    }

    public boolean stopToReport() {
        return stopToReport;
    }

    public boolean continueToReport() {
        return continueToReport;
    }

    /** A wait reported the stop or continue (not under WNOWAIT). */
    public void clearReports(boolean stop, boolean cont) {
        if (stop) {
            stopToReport = false;
        }
        if (cont) {
            continueToReport = false;
        }
    }

    public int pid() {
        return pid;
    }

    public GuestProcess parent() {
        return parent;
    }

    public void setParent(GuestProcess parent) {
        this.parent = parent;
    }

    public List<GuestProcess> children() {
        return children;
    }

    public List<Task> threads() {
        return threads;
    }

    public MemoryManager mm() {
        return mm;
    }

    public void setMm(MemoryManager mm) {
        this.mm = mm;
        mm.setLimits(limits);
    }

    /** The process's resource limits (setrlimit); its memory map and fd table obey them. */
    public ResourceLimits limits() {
        return limits;
    }

    public void setLimits(ResourceLimits limits) {
        this.limits = limits;
        mm.setLimits(limits);
        fds.setLimits(limits);
    }

    public FdTable fds() {
        return fds;
    }

    public String exePath() {
        return exePath;
    }

    public void setExePath(String exePath) {
        this.exePath = exePath;
    }

    public dev.emu.kernel.vfs.FsContext fs() {
        return fs;
    }

    public void setFs(dev.emu.kernel.vfs.FsContext fs) {
        this.fs = fs;
    }

    public dev.emu.kernel.vfs.Dentry exe() {
        return exe;
    }

    public void setExe(dev.emu.kernel.vfs.Dentry exe) {
        this.exe = exe;
    }

    public List<String> argv() {
        return argv;
    }

    public List<String> envp() {
        return envp;
    }

    /** Records the argument and environment strings of an exec. */
    public void setCommandLine(List<String> argv, List<String> envp) {
        this.argv = List.copyOf(argv);
        this.envp = List.copyOf(envp);
    }

    public SignalAction action(int signal) {
        return actions[signal];
    }

    public void setAction(int signal, SignalAction action) {
        actions[signal] = action;
    }

    /** The wait status (Linux encoding: exit code << 8, or the signal number), -1 while alive. */
    public int exitStatus() {
        return exitStatus;
    }

    public boolean exiting() {
        return exiting;
    }

    /** Marks the process as exiting with a wait status; the first caller wins (exit_group). */
    public void beginExit(int waitStatus) {
        if (!exiting) {
            exiting = true;
            exitStatus = waitStatus;
        }
    }

    public boolean zombie() {
        return zombie;
    }

    public void markZombie() {
        zombie = true;
    }

    public int exitSignal() {
        return exitSignal;
    }

    /** PR_SET_CHILD_SUBREAPER (signal->is_child_subreaper): orphaned descendants come here. Not inherited by fork; kept by execve. */
    private boolean childSubreaper;

    public boolean childSubreaper() {
        return childSubreaper;
    }

    public void setChildSubreaper(boolean on) {
        childSubreaper = on;
    }

    public void setExitSignal(int sig) {
        exitSignal = sig;
    }

    public dev.emu.kernel.sched.WaitQueue signalfdWaiters() {
        return signalfdWaiters;
    }

    public dev.emu.kernel.sched.WaitQueue exitWaiters() {
        return exitWaiters;
    }

    public boolean reaped() {
        return reaped;
    }

    public void markReaped() {
        reaped = true;
    }

    public dev.emu.kernel.sched.WaitQueue childWaiters() {
        return childWaiters;
    }

    public void setFds(FdTable fds) {
        this.fds = fds;
        fds.setLimits(limits);
    }

    public dev.emu.kernel.timer.ProcessTimers timers() {
        return timers;
    }

    public long exitedThreadsCpu() {
        return exitedThreadsCpu;
    }

    /** A thread exited: its CPU time stays the process's (__exit_signal). */
    public void addExitedThreadCpu(long nanos) {
        exitedThreadsCpu += nanos;
    }

    public long childrenCpu() {
        return childrenCpu;
    }

    /** A child was reaped: its time and its children's count as this process's children's (wait_task_zombie). */
    public void addChildrenCpu(long nanos) {
        childrenCpu += nanos;
    }

    /** The signal actions, for fork to copy. */
    public SignalAction[] actions() {
        return actions;
    }

    @Override
    public String toString() {
        return "GuestProcess{pid=" + pid + ", exe=" + exePath + ", threads=" + threads.size()
                + (exiting ? ", exiting status=0x" + Integer.toHexString(exitStatus) : "") + "}";
    }
}
