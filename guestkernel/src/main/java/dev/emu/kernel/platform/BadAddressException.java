package dev.emu.kernel.platform;

/**
 * A guest address the kernel tried to read or write is not mapped with the needed access.
 *
 * <p>Thrown by {@link AddressSpace} accessors and caught in exactly one place, the syscall
 * dispatcher, which turns it into -EFAULT (as Linux's copy_from_user/copy_to_user do). It carries
 * no stack trace: it is an expected outcome of a bad guest pointer, not a kernel bug.
 */
public final class BadAddressException extends RuntimeException {
    private final long address;

    public BadAddressException(long address) {
        super("bad guest address 0x" + Long.toHexString(address), null, false, false);
        this.address = address;
    }

    public long address() {
        return address;
    }
}
