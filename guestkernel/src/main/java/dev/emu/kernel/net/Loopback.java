package dev.emu.kernel.net;

import dev.emu.abi.Errno;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest's loopback INET stack: which socket holds which TCP or UDP port (inet_hashinfo's bind
 * hash and udp_table), and the ephemeral ports handed out by bind to port 0, connect and send.
 *
 * <p>Only loopback addresses exist: 127.0.0.0/8, ::1 and ::ffff:127.x.y.z. A wildcard bind
 * (INADDR_ANY, in6addr_any) means every loopback address. Ephemeral ports are taken in order from
 * net.ipv4.ip_local_port_range's default start (32768), so every run gets the same ports.
 */
public final class Loopback {
    public static final int EPHEMERAL_LOW = 32768, EPHEMERAL_HIGH = 60999;

    /** One bound socket: its address (port included) and whether it is IPv6-only. */
    record Binding(InetSocket socket, InetAddress address) {}

    private final Map<Integer, List<Binding>> tcp = new HashMap<>();
    private final Map<Integer, List<Binding>> udp = new HashMap<>();
    private int nextEphemeral = EPHEMERAL_LOW;

    private Map<Integer, List<Binding>> table(boolean stream) {
        return stream ? tcp : udp;
    }

    /**
     * Binds {@code socket} to {@code address} (port 0: an ephemeral port); returns the port, or
     * EADDRINUSE when a socket already holds an overlapping address and port (SO_REUSEADDR lets a
     * TCP socket share it with sockets that are not listening, as inet_csk_bind_conflict allows).
     */
    long bind(InetSocket socket, InetAddress address) {
        boolean stream = socket.isStream();
        if (address.port() != 0) {
            return conflict(socket, address) ? Errno.EADDRINUSE.ret() : add(socket, address);
        }
        for (int i = 0; i <= EPHEMERAL_HIGH - EPHEMERAL_LOW; i++) {
            int port = nextEphemeral;
            nextEphemeral = port == EPHEMERAL_HIGH ? EPHEMERAL_LOW : port + 1;
            InetAddress a = address.withPort(port);
            if (!table(stream).containsKey(port) && !conflict(socket, a)) {
                return add(socket, a);
            }
        }
        return Errno.EADDRINUSE.ret();
    }

    /** An accepted connection holds its listener's port too (inet_csk_clone_lock's inherited bind bucket). */
    void addAccepted(InetSocket socket, InetAddress address) {
        add(socket, address);
    }

    private long add(InetSocket socket, InetAddress address) {
        table(socket.isStream()).computeIfAbsent(address.port(), p -> new ArrayList<>()).add(new Binding(socket, address));
        return address.port();
    }

    private boolean conflict(InetSocket socket, InetAddress address) {
        List<Binding> holders = table(socket.isStream()).get(address.port());
        if (holders == null) {
            return false;
        }
        for (Binding b : holders) {
            if (!overlaps(b.socket(), b.address(), socket, address)) {
                continue;
            }
            boolean reuse = socket.reuseAddress() && b.socket().reuseAddress();
            if (!(reuse && socket.isStream() && !b.socket().isListening())) {
                return true;
            }
        }
        return false;
    }

    /** Whether two bound addresses can receive the same packet. */
    private static boolean overlaps(InetSocket s1, InetAddress a1, InetSocket s2, InetAddress a2) {
        if (a1.isV6() != a2.isV6()) {
            InetAddress v6 = a1.isV6() ? a1 : a2;
            InetSocket v6s = a1.isV6() ? s1 : s2;
            if (v6s.v6Only() || !(v6.isAny() || v6.isV4Mapped())) {
                return false;
            }
            return true;
        }
        return a1.isAny() || a2.isAny() || java.util.Arrays.equals(a1.address(), a2.address());
    }

    void unbind(InetSocket socket, InetAddress address) {
        if (address == null) {
            return;
        }
        List<Binding> holders = table(socket.isStream()).get(address.port());
        if (holders != null) {
            holders.removeIf(b -> b.socket() == socket);
            if (holders.isEmpty()) {
                table(socket.isStream()).remove(address.port());
            }
        }
    }

    /**
     * The socket that receives what is sent to {@code to}: a listening TCP socket, or a UDP
     * socket (a connected one only from its peer). A specific-address binding wins over a
     * wildcard, as the socket lookup's scoring does.
     */
    InetSocket find(boolean stream, InetAddress to, InetAddress from) {
        List<Binding> holders = table(stream).get(to.port());
        if (holders == null) {
            return null;
        }
        InetSocket best = null;
        int bestScore = -1;
        for (Binding b : holders) {
            InetSocket s = b.socket();
            if (stream ? !s.isListening() : !s.acceptsFrom(from)) {
                continue;
            }
            int score = matches(s, b.address(), to);
            if (score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    /** -1 when {@code bound} does not take packets for {@code to}; higher for a more exact match. */
    private static int matches(InetSocket s, InetAddress bound, InetAddress to) {
        if (bound.isV6() == to.isV6()) {
            if (bound.isAny()) {
                return 1;
            }
            return java.util.Arrays.equals(bound.address(), to.address()) ? 2 : -1;
        }
        if (bound.isV6() && !s.v6Only()) {
            // a dual-stack IPv6 socket takes IPv4 packets when bound to :: or ::ffff:a.b.c.d
            if (bound.isAny()) {
                return 1;
            }
            return bound.isV4Mapped() && java.util.Arrays.equals(java.util.Arrays.copyOfRange(bound.address(), 12, 16), to.address()) ? 2 : -1;
        }
        return -1;
    }
}
