package dev.emu.kernel.syscall;

/**
 * One row of the syscall table.
 *
 * @param number Linux x86_64 number
 * @param name Linux name
 * @param support how completely emu implements it
 * @param note what is partial, or why it is missing (empty when FULL)
 * @param handler the implementation (null for ENOSYS rows)
 * @param args each argument's C type width and how the tracer prints it, in order
 */
public record SyscallDef(int number, String name, Support support, String note,
                         SyscallHandler handler, ArgKind... args) {

    /**
     * Applies the declared argument types to the argument registers {@code regs[1..6]} in place,
     * as Linux's SYSCALL_DEFINE wrappers do: 32-bit types keep their low half, sign- or
     * zero-extended; arguments the syscall does not take become 0, so no handler can read a
     * register the syscall does not define.
     */
    public void narrowArguments(long[] regs) {
        for (int i = 0; i < 6; i++) {
            regs[i + 1] = i < args.length ? args[i].narrow(regs[i + 1]) : 0;
        }
    }

    @Override
    public String toString() {
        return name + "(" + number + ") " + support + (note.isEmpty() ? "" : ": " + note);
    }
}
