package dev.emu.kernel.net;

/** A socket address a guest passes in or gets back (struct sockaddr_un, sockaddr_in, sockaddr_in6). */
public sealed interface SocketAddress permits UnixAddress, InetAddress {
    /** The AF_* family. */
    int family();
}
