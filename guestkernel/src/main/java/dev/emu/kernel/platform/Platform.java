package dev.emu.kernel.platform;

/**
 * How guest code executes: the one thing the kernel needs from the emulator.
 *
 * <p>Analogous to gVisor's platform.Platform. The Unicorn implementation lives in
 * {@code emulator/}; kernel unit tests use a fake. All calls happen on the single emulation
 * thread.
 */
public interface Platform {

    /** A new, empty address space (a new process image). */
    AddressSpace newAddressSpace();

    /**
     * New zero-filled host pages of {@code length} bytes (a positive multiple of 4096) that
     * address spaces can map with {@link AddressSpace#mapShared}; the caller holds the first
     * reference ({@link SharedPages}). Untouched pages cost the host nothing.
     *
     * @throws HostMemoryException if the host refuses the memory
     */
    SharedPages newSharedPages(long length);

    /**
     * Total work units executed by all guest threads so far (basic blocks for the Unicorn
     * platform). Monotonic; virtual time is derived from it, so it must be deterministic for the
     * same guest code and inputs.
     */
    long workDone();

    /**
     * Why the platform wants the run to end (an exact instruction limit was reached, a debugger
     * killed the guest), or null to go on. Once non-null, every {@link Cpu#run} returns
     * {@link StopReason.Kind#INTERRUPTED} at once and the kernel ends the run as a guard stop.
     */
    default String haltReason() {
        return null;
    }

    /** Human-readable platform name and version, for the kernel log banner. */
    String description();
}
