package dev.emu.kernel.net;

import java.util.List;

/**
 * The host's network, as `emu run --net host` hands it to the kernel (after gVisor's hostinet):
 * the kernel defines what it needs here, as it defines the CPU in {@code platform/}, and the
 * emulator implements it with the host's sockets (Java NIO). Kernel unit tests use a fake.
 *
 * <p>Everything is non-blocking except {@link #await}: the kernel parks guest tasks itself and
 * waits on the host only from its idle path, when no guest task can run.
 */
public interface HostNetwork {
    /**
     * A new host socket of {@code family} (AF_INET, AF_INET6) and {@code type} (SOCK_STREAM,
     * SOCK_DGRAM), unbound and unconnected, or the errno the host gave (EMFILE, ENOBUFS…).
     */
    dev.emu.kernel.vfs.Result<HostSocket> open(int family, int type);

    /** A host socket that became ready for some of the events it {@linkplain HostSocket#watch watches}. */
    record Ready(HostSocket socket, int events) {}

    /**
     * Waits up to {@code timeoutNanos} of host time (0: only looks) until one of the open sockets
     * is ready for an event it watches; returns those sockets with the events, in the order the
     * host reported them.
     */
    List<Ready> await(long timeoutNanos);

    /** What the serial log says about this network. */
    String description();
}
