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
    private final Cpu cpu;
    private TaskState state = TaskState.RUNNABLE;
    /** Virtual-clock deadline at which a blocked task wakes by itself; Long.MAX_VALUE for none. */
    private long wakeDeadline = Long.MAX_VALUE;
    private String waitingFor = "";
    private long clearChildTid;
    private long robustList;
    private long signalMask;
    private String comm;
    /** The last syscall this task entered, for fault reports. */
    private int lastSyscall = -1;

    public Task(Kernel kernel, int tid, GuestProcess process, Cpu cpu, String comm) {
        this.kernel = kernel;
        this.tid = tid;
        this.process = process;
        this.cpu = cpu;
        this.comm = comm.length() > 15 ? comm.substring(0, 15) : comm;
        process.threads().add(this);
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
        state = TaskState.BLOCKED;
        wakeDeadline = deadline;
        waitingFor = what;
    }

    public void wake() {
        if (state == TaskState.BLOCKED) {
            state = TaskState.RUNNABLE;
            wakeDeadline = Long.MAX_VALUE;
            waitingFor = "";
        }
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

    public long signalMask() {
        return signalMask;
    }

    public void setSignalMask(long mask) {
        this.signalMask = mask;
    }

    public String comm() {
        return comm;
    }

    public void setComm(String comm) {
        this.comm = comm.length() > 15 ? comm.substring(0, 15) : comm;
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
