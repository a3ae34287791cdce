package dev.emu.kernel.platform;

/**
 * The host could not back a guest mapping (Unicorn's UC_ERR_NOMEM: the host refused the memory).
 *
 * <p>Thrown by {@link AddressSpace#map} and {@link AddressSpace#fork}; the memory manager turns
 * it into -ENOMEM for the syscall that asked, so host exhaustion is the guest's error, never an
 * internal one. It carries no stack trace: it is an expected outcome, not a kernel bug.
 */
public final class HostMemoryException extends RuntimeException {
    public HostMemoryException(String message) {
        super(message, null, false, false);
    }
}
