package dev.emu.kernel.platform;

/**
 * The CPU state of one guest thread: its user registers (and, opaque to the kernel, its FPU and
 * SSE state), bound to the {@link AddressSpace} it runs in.
 *
 * <p>Analogous to gVisor's platform.Context plus arch.Context: the kernel reads and writes
 * registers by name and asks the platform to run the thread until something needs the kernel.
 */
public interface Cpu {

    /** Reads a register. Valid whether or not this thread is the one currently running. */
    long get(Reg reg);

    /** Writes a register. Takes effect when the thread next runs (or at once if it is running). */
    void set(Reg reg, long value);

    /**
     * Reads the syscall number and its six arguments into {@code out[0..6]}: RAX, RDI, RSI, RDX,
     * R10, R8, R9 (arch/x86/entry/common.c do_syscall_64's order). One call on the syscall path,
     * so a platform can fetch them in one batch instead of seven reads.
     */
    default void getSyscallRegs(long[] out) {
        out[0] = get(Reg.RAX);
        out[1] = get(Reg.RDI);
        out[2] = get(Reg.RSI);
        out[3] = get(Reg.RDX);
        out[4] = get(Reg.R10);
        out[5] = get(Reg.R8);
        out[6] = get(Reg.R9);
    }

    /**
     * The x87, MMX and SSE state in the FXSAVE layout (512 bytes: fcw, fsw, abridged ftw,
     * mxcsr, st0-7, xmm0-15), which is what Linux stores behind a signal frame's fpstate.
     */
    byte[] saveFpuState();

    /** Loads the state {@link #saveFpuState} produced (rt_sigreturn). */
    void restoreFpuState(byte[] fxsave);

    /** The address space this thread executes in. */
    AddressSpace addressSpace();

    /**
     * A new thread state with the same registers, FPU and SSE state, running in {@code target}
     * (this thread's own address space for clone(CLONE_VM), the child's for fork).
     */
    Cpu copyInto(AddressSpace target);

    /**
     * Runs this thread from its RIP until it stops.
     *
     * @param budget the most work units (basic blocks) to execute before returning
     *               {@link StopReason.Kind#BUDGET_EXHAUSTED}; the unit is the one
     *               {@link Platform#workDone()} counts
     * @param syscalls receives every {@code syscall} instruction inline, with RIP already past it
     * @return why the thread stopped
     */
    StopReason run(long budget, SyscallTrap syscalls);

    /** Releases native state. The thread must not run again. */
    void release();
}
