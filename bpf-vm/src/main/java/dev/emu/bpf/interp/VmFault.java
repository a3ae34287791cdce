package dev.emu.bpf.interp;

/**
 * A guest program fault (bad memory access, bad helper argument, call stack overflow) raised inside
 * an execution engine or a helper body. Engines catch it and return {@link ExecutionResult.Fault};
 * it never escapes the public API. Carries no stack trace: it is a result, not a bug.
 */
public final class VmFault extends RuntimeException {
    /** Creates a fault with the user-facing reason. */
    public VmFault(String reason) {
        super(reason, null, false, false);
    }

    /** An access of {@code size} bytes at {@code addr} outside every region. */
    public static VmFault access(long addr, int size) {
        return new VmFault("out-of-bounds access of " + size + " byte" + (size == 1 ? "" : "s") + " at address 0x"
                + Long.toHexString(addr));
    }
}
