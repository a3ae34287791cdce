package dev.emu.kernel.net;

import dev.emu.abi.Sockets;
import java.util.Arrays;

/**
 * An AF_INET or AF_INET6 address and port (struct sockaddr_in, sockaddr_in6). IPv4 addresses are
 * 4 bytes, IPv6 16; both in network byte order as the guest wrote them.
 */
public record InetAddress(int family, byte[] address, int port) implements SocketAddress {
    static final byte[] V4_ANY = {0, 0, 0, 0};
    static final byte[] V4_LOOPBACK = {127, 0, 0, 1};
    static final byte[] V6_ANY = new byte[16];
    static final byte[] V6_LOOPBACK = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    public boolean isV6() {
        return family == Sockets.AF_INET6;
    }

    /** INADDR_ANY or in6addr_any. */
    public boolean isAny() {
        return Arrays.equals(address, isV6() ? V6_ANY : V4_ANY);
    }

    /** 127.0.0.0/8, ::1, or an IPv4-mapped loopback address (::ffff:127.x.y.z). */
    public boolean isLoopback() {
        if (!isV6()) {
            return address[0] == 127;
        }
        return Arrays.equals(address, V6_LOOPBACK) || isV4Mapped() && address[12] == 127;
    }

    /** ::ffff:a.b.c.d. */
    public boolean isV4Mapped() {
        if (!isV6()) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    public InetAddress withPort(int newPort) {
        return new InetAddress(family, address, newPort);
    }

    public InetAddress withAddress(byte[] newAddress) {
        return new InetAddress(family, newAddress, port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InetAddress a && a.family == family && a.port == port && Arrays.equals(address, a.address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + port;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (isV6()) {
            sb.append('[');
            for (int i = 0; i < 16; i += 2) {
                sb.append(i == 0 ? "" : ":").append(Integer.toHexString(((address[i] & 0xff) << 8) | (address[i + 1] & 0xff)));
            }
            sb.append(']');
        } else {
            sb.append(address[0] & 0xff).append('.').append(address[1] & 0xff).append('.')
                    .append(address[2] & 0xff).append('.').append(address[3] & 0xff);
        }
        return sb.append(':').append(port).toString();
    }
}
