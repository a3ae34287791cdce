package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.AF_INET;
import static dev.emu.abi.Sockets.AF_INET6;

import dev.emu.abi.Errno;
import dev.emu.kernel.vfs.Result;
import java.util.Arrays;

/**
 * How TCP and UDP sockets resolve addresses on the guest's loopback-only network: what bind
 * accepts (a loopback address or the wildcard, else EADDRNOTAVAIL as inet_bind's
 * inet_addr_type check), where a destination leads (the wildcard means this host, as Linux routes
 * 0.0.0.0 and :: to loopback; anything else is ENETUNREACH: the guest has no other network), and
 * how IPv4 addresses look to an IPv6 socket (::ffff:a.b.c.d).
 */
final class InetAddressing {
    private InetAddressing() {}

    static final byte[] V4_MAPPED_LOOPBACK = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};

    /** The unbound address of a socket of {@code family}: the wildcard, port 0. */
    static InetAddress unbound(int family) {
        return new InetAddress(family, family == AF_INET6 ? InetAddress.V6_ANY : InetAddress.V4_ANY, 0);
    }

    /** An address bind(2) may take. */
    static Result<InetAddress> bindAddress(byte[] raw, int family) {
        Result<InetAddress> a = Sockaddrs.inet(raw, family, true);
        if (a.failed()) {
            return a;
        }
        InetAddress v = a.value();
        if (!v.isAny() && !v.isLoopback()) {
            return Result.err(Errno.EADDRNOTAVAIL);
        }
        return Result.ok(new InetAddress(family, v.address(), v.port()));
    }

    /** Where a connect or send to {@code a} leads on the loopback network; ENETUNREACH elsewhere. */
    static Result<InetAddress> destination(InetAddress a) {
        if (a.isAny()) {
            return Result.ok(a.withAddress(a.isV6() ? InetAddress.V6_LOOPBACK : InetAddress.V4_LOOPBACK));
        }
        return a.isLoopback() ? Result.ok(a) : Result.err(Errno.ENETUNREACH);
    }

    /** The source address the route to {@code dest} gives: 127.0.0.1, ::1 or ::ffff:127.0.0.1. */
    static byte[] sourceFor(InetAddress dest) {
        if (!dest.isV6()) {
            return InetAddress.V4_LOOPBACK;
        }
        return dest.isV4Mapped() ? V4_MAPPED_LOOPBACK : InetAddress.V6_LOOPBACK;
    }

    /** {@code a} as a socket of {@code family} sees it: IPv4 as ::ffff:a.b.c.d to IPv6, mapped back for IPv4. */
    static InetAddress asSeenBy(InetAddress a, int family) {
        if (family == AF_INET6 && !a.isV6()) {
            byte[] m = Arrays.copyOf(V4_MAPPED_LOOPBACK, 16);
            System.arraycopy(a.address(), 0, m, 12, 4);
            return new InetAddress(AF_INET6, m, a.port());
        }
        if (family == AF_INET && a.isV4Mapped()) {
            return new InetAddress(AF_INET, Arrays.copyOfRange(a.address(), 12, 16), a.port());
        }
        return a;
    }

    /** The IPv4 form of a v4-mapped address, for the port tables (IPv4 traffic on a dual-stack socket). */
    static InetAddress routable(InetAddress a) {
        return a.isV4Mapped() ? asSeenBy(a, AF_INET) : a;
    }

    static boolean sameEndpoint(InetAddress a, InetAddress b) {
        InetAddress x = routable(a), y = routable(b);
        return x.port() == y.port() && x.family() == y.family() && Arrays.equals(x.address(), y.address());
    }
}
