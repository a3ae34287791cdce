package dev.emu.kernel.platform;

/**
 * Receives a guest {@code syscall} instruction while the thread is running.
 *
 * <p>Called on the emulation thread with the number in RAX and the arguments in RDI, RSI, RDX,
 * R10, R8, R9. The receiver writes the result to RAX itself.
 */
@FunctionalInterface
public interface SyscallTrap {

    /**
     * Handles one syscall.
     *
     * @return true to keep running the thread, false to stop it (it blocked, exited, or must be
     *     rescheduled); {@link Cpu#run} then returns {@link StopReason.Kind#SYSCALL_STOP}
     */
    boolean onSyscall(Cpu cpu);
}
