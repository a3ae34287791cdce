package dev.emu.kernel.task;

import dev.emu.kernel.fs.FdTable;
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
    private String exePath;
    private int exitStatus = -1;
    private boolean exiting;

    public GuestProcess(int pid, GuestProcess parent, MemoryManager mm, FdTable fds, String exePath) {
        this.pid = pid;
        this.parent = parent;
        this.mm = mm;
        this.fds = fds;
        this.exePath = exePath;
        java.util.Arrays.fill(actions, SignalAction.DEFAULT);
        if (parent != null) {
            parent.children.add(this);
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

    @Override
    public String toString() {
        return "GuestProcess{pid=" + pid + ", exe=" + exePath + ", threads=" + threads.size()
                + (exiting ? ", exiting status=0x" + Integer.toHexString(exitStatus) : "") + "}";
    }
}
