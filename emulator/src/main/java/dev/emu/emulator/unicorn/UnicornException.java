package dev.emu.emulator.unicorn;

/**
 * A Unicorn API call failed: carries the {@code uc_err} code and {@code uc_strerror}'s message.
 *
 * <p>Unchecked: a failing map/unmap/register call means the kernel asked for something the
 * engine cannot do (a kernel bug or host resource exhaustion), not a guest error.
 */
public final class UnicornException extends RuntimeException {
    private final int code;

    public UnicornException(String call, int code, String message) {
        super(call + " failed: " + message + " (uc_err " + code + ")");
        this.code = code;
    }

    /** The {@code uc_err} value. */
    public int code() {
        return code;
    }
}
