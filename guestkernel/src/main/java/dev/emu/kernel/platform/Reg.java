package dev.emu.kernel.platform;

/**
 * The x86_64 user registers the kernel reads and writes (struct pt_regs plus the segment bases).
 *
 * <p>The kernel names registers with this enum only; how a platform stores them is its business.
 */
public enum Reg {
    RAX, RBX, RCX, RDX, RSI, RDI, RBP, RSP,
    R8, R9, R10, R11, R12, R13, R14, R15,
    RIP, RFLAGS,
    CS, SS, DS, ES, FS, GS,
    FS_BASE, GS_BASE;

    private static final Reg[] VALUES = values();

    /** All registers, in declaration order (shared array: do not modify). */
    public static Reg[] all() {
        return VALUES;
    }
}
