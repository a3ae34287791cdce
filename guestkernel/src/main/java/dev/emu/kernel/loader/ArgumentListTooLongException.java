package dev.emu.kernel.loader;

/**
 * argv and envp do not fit the new stack; execve(2) reports this as E2BIG, as Linux's
 * copy_strings does (fs/exec.c).
 */
public final class ArgumentListTooLongException extends RuntimeException {
    public ArgumentListTooLongException(String message) {
        super(message);
    }
}
