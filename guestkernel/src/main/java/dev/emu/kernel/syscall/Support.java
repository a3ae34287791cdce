package dev.emu.kernel.syscall;

/** How completely emu implements a syscall (gVisor's support levels). */
public enum Support {
    /** Linux semantics for every argument a static program can pass. */
    FULL,
    /** Implemented for the common cases; the note says what is missing and what it returns. */
    PARTIAL,
    /** Not implemented: returns -ENOSYS and the kernel log names it once. */
    ENOSYS
}
