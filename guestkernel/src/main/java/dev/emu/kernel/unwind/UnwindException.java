package dev.emu.kernel.unwind;

/** Unwind information that cannot be read or is not understood: the walk stops at that frame. */
public final class UnwindException extends RuntimeException {
    public UnwindException(String message) {
        super(message, null, false, false);
    }
}
