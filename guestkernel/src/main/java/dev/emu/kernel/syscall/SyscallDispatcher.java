package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.SyscallTrap;
import dev.emu.kernel.task.Task;

/**
 * The syscall entry path (arch/x86/entry/common.c do_syscall_64): read the number and arguments,
 * look the handler up in the direct-indexed table, run it, write RAX.
 *
 * <p>This is the one place a bad guest pointer becomes -EFAULT.
 */
public final class SyscallDispatcher implements SyscallTrap {
    private final Kernel kernel;
    private final SyscallDef[] table;
    private SyscallTracer tracer;
    /** Number and arguments of the current syscall; reused (no allocation per syscall). */
    private final long[] regs = new long[7];
    /**
     * The syscall tracepoints, null until the kernel makes them (Kernel#trace); {@code active} is
     * false unless something is attached.
     */
    private dev.emu.kernel.trace.SyscallEvents events;

    public SyscallDispatcher(Kernel kernel) {
        this.kernel = kernel;
        this.table = SyscallTable.byNumber();
    }

    /** The syscall tracepoints, once the kernel made them. */
    public void setEvents(dev.emu.kernel.trace.SyscallEvents events) {
        this.events = events;
    }

    public void setTracer(SyscallTracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public boolean onSyscall(Cpu cpu) {
        Task task = kernel.current();
        long[] regs = this.regs;
        cpu.getSyscallRegs(regs);
        long nr = (int) regs[0]; // entry_64.S: movslq %eax — the upper half of RAX is not part of the number
        SyscallDef def = nr >= 0 && nr < table.length ? table[(int) nr] : null;
        // A parked call re-executed when woken (RESTART) is one call to Linux, which sleeps inside
        // it: its sys_enter fired at the first entry (else latency tools see only the last leg).
        long restartRip = task.takeSyscallRestartRip();
        boolean resumed = restartRip >= 0 && restartRip == cpu.get(Reg.RIP);
        dev.emu.kernel.trace.SyscallEvents events = this.events;
        if (events != null && events.active && !resumed) {
            events.enter(task, cpu, nr); // before narrowing: the record holds the registers as passed
        }
        if (def != null && def.handler() != null) {
            def.narrowArguments(regs); // the declared C types, applied once for every handler and the tracer
        }
        long a0 = regs[1];
        long a1 = regs[2];
        long a2 = regs[3];
        long a3 = regs[4];
        long a4 = regs[5];
        long a5 = regs[6];
        task.setLastSyscall((int) Math.min(nr, Integer.MAX_VALUE));
        SyscallTracer.Entry traced = tracer == null ? null : tracer.enter(task, nr, def, a0, a1, a2, a3, a4, a5);
        long ret;
        if (def == null || def.handler() == null) {
            String name = Kernel.syscallName(nr);
            kernel.log().once("enosys:" + nr, "unimplemented syscall " + nr + " (" + name + ") called by "
                    + task.comm() + " (pid " + task.process().pid() + "): returning -ENOSYS");
            ret = Errno.ENOSYS.ret();
        } else {
            try {
                ret = def.handler().call(task, a0, a1, a2, a3, a4, a5);
            } catch (BadAddressException e) {
                ret = Errno.EFAULT.ret();
            }
        }
        if (task.state() == dev.emu.kernel.task.TaskState.BLOCKED) {
            task.setRestartOnWake(ret == SyscallResults.RESTART);
        }
        if (ret == SyscallResults.RESTART) {
            task.setSyscallRestartRip(cpu.get(Reg.RIP));
            cpu.set(Reg.RIP, cpu.get(Reg.RIP) - 2); // re-execute `syscall` (0f 05) when woken
        } else {
            cpu.set(Reg.RAX, ret);
        }
        if (traced != null) {
            tracer.exit(traced, ret);
        }
        if (events != null && events.active && ret != SyscallResults.RESTART && task.state() != dev.emu.kernel.task.TaskState.EXITED) {
            if (task.state() == dev.emu.kernel.task.TaskState.BLOCKED) {
                // Parked with its value decided at the wake-up (a sleep, a vfork): it returns to
                // user space then, and so its sys_exit fires then (Kernel's slice start).
                task.setPendingSyscallExit((int) nr);
            } else {
                events.exit(task, task.cpu(), nr, ret); // after execve: the new image's registers
            }
        }
        return task.runnable() && !kernel.rescheduleRequested() && !task.hasDeliverableSignal();
    }
}
