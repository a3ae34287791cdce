package dev.emu.kernel.net;

/** What the loopback stack's port tables need of a TCP or UDP socket. */
interface InetSocket {
    boolean isStream();

    /** SO_REUSEADDR. */
    boolean reuseAddress();

    /** IPV6_V6ONLY: an IPv6 socket that takes no IPv4 traffic. */
    boolean v6Only();

    /** A TCP socket in the listening state. */
    boolean isListening();

    /** Whether a UDP socket takes a datagram from {@code from} (a connected one: from its peer only). */
    boolean acceptsFrom(InetAddress from);
}
