package dev.emu.kernel.net;

import dev.emu.kernel.vfs.Result;

/**
 * One socket of the host (a TCP or UDP socket in the host's own stack), as {@link HostNetwork}
 * opens it. Every operation is non-blocking and answers in Linux's terms: a count, 0, or a
 * negative errno ({@code -EAGAIN} when it would block). The guest-visible semantics (blocking,
 * SIGPIPE, SO_ERROR, readiness) are the kernel's {@link HostTcpSocket} and {@link HostUdpSocket}.
 *
 * <p>Addresses are the guest's {@link InetAddress}; an IPv4 peer of an IPv6 socket is
 * {@code ::ffff:a.b.c.d}, as Linux shows it.
 */
public interface HostSocket {
    /** bind(2): 0, or EADDRINUSE, EADDRNOTAVAIL, EACCES, EINVAL. Port 0 takes an ephemeral port. */
    long bind(InetAddress local);

    /** listen(2) on a stream socket (bound to an ephemeral port first if unbound). */
    long listen(int backlog);

    /** A connection the host has accepted (a connected stream socket), null when none is queued. */
    Result<HostSocket> accept();

    /**
     * connect(2): 0 when connected at once (and always for a datagram socket), -EINPROGRESS while
     * a stream connection is being made, or the failure (ECONNREFUSED, ENETUNREACH…).
     */
    long connect(InetAddress remote);

    /** After -EINPROGRESS: 0 once connected, -EINPROGRESS while pending, or why it failed. */
    long finishConnect();

    /** Dissolves a datagram socket's association (connect with AF_UNSPEC). */
    long disconnect();

    /** Stream bytes: the count read, 0 at the end of the stream, -EAGAIN, or -ECONNRESET… */
    long read(byte[] dst, int off, int len);

    /** Stream bytes: the count the host took (0 when its send buffer is full), or -EPIPE, -ECONNRESET… */
    long write(byte[] src, int off, int len);

    /** A received datagram: its bytes (whole, up to 65535) and its sender. */
    record Datagram(byte[] data, InetAddress from) {}

    /** The next datagram, null when none is queued; ECONNREFUSED when an ICMP error was reported. */
    Result<Datagram> receive();

    /** Sends one datagram to {@code to} (null: the connected peer): its length, -EAGAIN, or -errno. */
    long send(byte[] data, InetAddress to);

    /** shutdown(2) with SHUT_RD, SHUT_WR or SHUT_RDWR. */
    long shutdown(int how);

    /** getsockname: null while unbound. */
    InetAddress localAddress();

    /** getpeername: null while not connected. */
    InetAddress remoteAddress();

    /**
     * setsockopt of an int option the host keeps (SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE,
     * SO_SNDBUF, SO_RCVBUF, SO_BROADCAST, TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT;
     * SO_LINGER as its seconds, -1 for off): 0 or -errno (-ENOPROTOOPT when the host cannot).
     */
    long setOption(int level, int name, int value);

    /** getsockopt of one of those options: its value as the host reports it, or -errno. */
    long getOption(int level, int name);

    /** The events (POLLIN, POLLOUT) the host reports now, without consuming anything. */
    int ready();

    /** The events {@link HostNetwork#await} waits for on this socket (0: none). */
    void watch(int events);

    /** Closes the host socket (a reset when SO_LINGER is on with 0 seconds). */
    void close();
}
