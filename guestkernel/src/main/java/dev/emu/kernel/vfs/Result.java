package dev.emu.kernel.vfs;

import dev.emu.abi.Errno;

/**
 * A value or the errno Linux would return instead (the role of Go's {@code (T, error)} in
 * gVisor's VFS): errors are values here, never exceptions.
 */
public record Result<T>(T value, Errno error) {

    public static <T> Result<T> ok(T value) {
        return new Result<>(value, null);
    }

    public static <T> Result<T> err(Errno error) {
        return new Result<>(null, error);
    }

    public boolean failed() {
        return error != null;
    }

    /** This failure as another result type. */
    @SuppressWarnings("unchecked")
    public <U> Result<U> cast() {
        return (Result<U>) this;
    }

    /** The syscall return value of a failure: -errno. */
    public long ret() {
        return error.ret();
    }
}
