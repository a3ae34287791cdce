package dev.emu.kernel.syscall;

/**
 * One row of the syscall table.
 *
 * @param number Linux x86_64 number
 * @param name Linux name
 * @param support how completely emu implements it
 * @param note what is partial, or why it is missing (empty when FULL)
 * @param handler the implementation (null for ENOSYS rows)
 * @param args how the tracer decodes each argument, in order
 */
public record SyscallDef(int number, String name, Support support, String note,
                         SyscallHandler handler, ArgKind... args) {

    @Override
    public String toString() {
        return name + "(" + number + ") " + support + (note.isEmpty() ? "" : ": " + note);
    }
}
