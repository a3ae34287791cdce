package dev.emu.kernel.trace;

import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The syscall sites: raw_syscalls:sys_enter/sys_exit, syscalls:sys_enter_NAME/sys_exit_NAME for
 * every syscall in the table (kernel/trace/trace_syscalls.c), and the kprobe/kretprobe attach
 * points on Linux's syscall wrappers {@code __x64_sys_NAME} (arch/x86/entry/syscall_64.c).
 *
 * <p>The dispatcher tests {@link #active} once on entry and once on exit; it is true only while
 * something is attached to one of these events, so an untraced syscall pays one field read.
 */
public final class SyscallEvents {
    /** Read by the dispatcher on every syscall. */
    public boolean active;

    private final TraceEvent rawEnter;
    private final TraceEvent rawExit;
    private final TraceEvent[] enter;
    private final TraceEvent[] exit;
    private final TraceEvent[] kprobe;
    private final TraceEvent[] kretprobe;

    SyscallEvents(TraceEvent rawEnter, TraceEvent rawExit, TraceEvent[] enter, TraceEvent[] exit,
                  TraceEvent[] kprobe, TraceEvent[] kretprobe) {
        this.rawEnter = rawEnter;
        this.rawExit = rawExit;
        this.enter = enter;
        this.exit = exit;
        this.kprobe = kprobe;
        this.kretprobe = kretprobe;
        Runnable recompute = this::recompute;
        rawEnter.onChange(recompute);
        rawExit.onChange(recompute);
        for (TraceEvent[] group : new TraceEvent[][] {enter, exit, kprobe, kretprobe}) {
            for (TraceEvent e : group) {
                if (e != null) {
                    e.onChange(recompute);
                }
            }
        }
    }

    private void recompute() {
        boolean any = rawEnter.enabled() || rawExit.enabled();
        for (TraceEvent[] group : new TraceEvent[][] {enter, exit, kprobe, kretprobe}) {
            for (TraceEvent e : group) {
                any |= e != null && e.enabled();
            }
        }
        active = any;
    }

    /** The kprobe attach point {@code __x64_sys_NAME} of syscall {@code nr} (retprobe: its return), or null. */
    public TraceEvent kprobe(int nr, boolean retprobe) {
        TraceEvent[] t = retprobe ? kretprobe : kprobe;
        return nr >= 0 && nr < t.length ? t[nr] : null;
    }

    /**
     * A syscall begins (trace_sys_enter, then the wrapper's kprobe). The record holds the
     * registers as the task passed them, before the table's narrowing (syscall_get_arguments).
     */
    public void enter(Task task, Cpu cpu, long nr) {
        int n = (int) nr;
        TraceEvent perCall = n >= 0 && n < enter.length ? enter[n] : null;
        TraceEvent kp = n >= 0 && n < kprobe.length ? kprobe[n] : null;
        boolean raw = rawEnter.enabled();
        boolean call = perCall != null && perCall.enabled();
        boolean probe = kp != null && kp.enabled();
        if (!raw && !call && !probe) {
            return;
        }
        int pid = task.tid();
        long[] args = {cpu.get(Reg.RDI), cpu.get(Reg.RSI), cpu.get(Reg.RDX), cpu.get(Reg.R10), cpu.get(Reg.R8), cpu.get(Reg.R9)};
        byte[] regs = PtRegs.atSyscallEntry(cpu, nr);
        if (raw) {
            ByteBuffer r = rawEnter.newRecord(pid);
            r.putLong(8, nr);
            for (int i = 0; i < 6; i++) {
                r.putLong(16 + 8 * i, args[i]);
            }
            KernelObjects objs = new KernelObjects();
            rawEnter.fire(new TraceHit(rawEnter, task, r.array(), new long[] {objs.add(regs), nr}, objs));
        }
        if (call) {
            ByteBuffer r = perCall.newRecord(pid);
            r.putInt(8, n);
            for (int i = 0; i < perCall.fields().size() - 1; i++) {
                r.putLong(16 + 8 * i, args[i]);
            }
            KernelObjects objs = new KernelObjects();
            perCall.fire(new TraceHit(perCall, task, r.array(), new long[] {objs.add(regs), nr}, objs));
        }
        if (probe) {
            // The wrapper __x64_sys_NAME(const struct pt_regs *regs): its own registers hold the
            // pointer to the user's pt_regs in di, as BPF_KPROBE_SYSCALL expects.
            KernelObjects objs = new KernelObjects();
            long userRegs = objs.add(regs);
            ByteBuffer k = ByteBuffer.allocate(PtRegs.SIZE).order(ByteOrder.LITTLE_ENDIAN);
            k.putLong(PtRegs.RDI, userRegs);
            k.putLong(PtRegs.ORIG_RAX, -1);
            kp.fire(new TraceHit(kp, task, k.array(), new long[] {userRegs}, objs));
        }
    }

    /** A syscall returned {@code ret} (the wrapper's kretprobe, then trace_sys_exit). */
    public void exit(Task task, Cpu cpu, long nr, long ret) {
        int n = (int) nr;
        TraceEvent perCall = n >= 0 && n < exit.length ? exit[n] : null;
        TraceEvent krp = n >= 0 && n < kretprobe.length ? kretprobe[n] : null;
        boolean raw = rawExit.enabled();
        boolean call = perCall != null && perCall.enabled();
        boolean probe = krp != null && krp.enabled();
        if (!raw && !call && !probe) {
            return;
        }
        int pid = task.tid();
        byte[] regs = PtRegs.current(cpu, nr);
        if (probe) {
            ByteBuffer k = ByteBuffer.allocate(PtRegs.SIZE).order(ByteOrder.LITTLE_ENDIAN);
            k.putLong(PtRegs.RAX, ret);
            k.putLong(PtRegs.ORIG_RAX, -1);
            // fexit's arguments: the wrapper's (the user's pt_regs) and its return value
            KernelObjects objs = new KernelObjects();
            krp.fire(new TraceHit(krp, task, k.array(), new long[] {objs.add(regs), ret}, objs));
        }
        exitTracepoints(task, nr, ret, regs, perCall, call, raw);
    }

    /**
     * A new task's first return to user space, from the fork/clone its parent made: Linux's
     * ret_from_fork goes through syscall_exit_to_user_mode, so sys_exit (raw and per call, the
     * clone's number, 0) fires in the child too; no kretprobe, the child never ran the wrapper.
     */
    public void returnFromFork(Task child, Cpu cpu, long nr) {
        int n = (int) nr;
        TraceEvent perCall = n >= 0 && n < exit.length ? exit[n] : null;
        boolean raw = rawExit.enabled();
        boolean call = perCall != null && perCall.enabled();
        if (raw || call) {
            exitTracepoints(child, nr, 0, PtRegs.current(cpu, nr), perCall, call, raw);
        }
    }

    private void exitTracepoints(Task task, long nr, long ret, byte[] regs, TraceEvent perCall, boolean call, boolean raw) {
        int n = (int) nr;
        int pid = task.tid();
        if (call) {
            ByteBuffer r = perCall.newRecord(pid);
            r.putInt(8, n);
            r.putLong(16, ret);
            KernelObjects objs = new KernelObjects();
            perCall.fire(new TraceHit(perCall, task, r.array(), new long[] {objs.add(regs), ret}, objs));
        }
        if (raw) {
            ByteBuffer r = rawExit.newRecord(pid);
            r.putLong(8, nr);
            r.putLong(16, ret);
            KernelObjects objs = new KernelObjects();
            rawExit.fire(new TraceHit(rawExit, task, r.array(), new long[] {objs.add(regs), ret}, objs));
        }
    }
}
