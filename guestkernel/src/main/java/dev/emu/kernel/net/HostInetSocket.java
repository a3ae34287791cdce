package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;

/**
 * What TCP and UDP sockets of `--net host` share (gVisor's hostinet socket): a guest socket file
 * backed by a {@link HostSocket} in the host's stack. The kernel keeps the guest-visible state —
 * blocking, SO_RCVTIMEO/SO_SNDTIMEO, SO_ERROR, shutdown bits, readiness — and passes addresses
 * and the options the host implements through.
 *
 * <p>Waiting: a task that finds the host not ready parks on the socket's wait queue; the kernel's
 * idle path ({@link Network#pollHost}) waits on the host for the events each socket
 * {@linkplain #wanted wants}, takes what arrived ({@link #hostReady}) and wakes the waiters.
 */
abstract class HostInetSocket extends SocketFile {
    /** The host socket; replaced when a TCP socket is reused after a failed or dissolved connection. */
    protected HostSocket host;
    protected boolean v6Only;
    /** A send found the host's buffer full: wait for POLLOUT from the host. */
    protected boolean writeBlocked;

    protected HostInetSocket(Network net, HostSocket host, int family, int type, int protocol, int flags) {
        super(net, family, type, protocol, flags);
        this.host = host;
        net.hostOpened(this);
    }

    HostSocket host() {
        return host;
    }

    /** A fresh host socket in place of one the host will not reuse (a connection that failed or ended). */
    protected long reopenHost() {
        Result<HostSocket> fresh = net.host().open(family(), type());
        if (fresh.failed()) {
            return fresh.ret();
        }
        HostSocket old = host;
        host = fresh.value();
        net.hostReplaced(this, old);
        old.close();
        return 0;
    }

    /** The host events the idle path should wait for on this socket's behalf (0: none). */
    abstract int wanted();

    /** The host reported {@code events}: take what arrived (so it is no longer wanted) and wake the waiters. */
    abstract void hostReady(int events);

    /** Whether some task or epoll waits on this socket. */
    boolean hasWaiters() {
        return !wait.isEmpty();
    }

    /** An address for bind: decoded for this family (inet_bind's checks); the host judges the rest. */
    protected Result<InetAddress> bindAddress(byte[] raw) {
        return Sockaddrs.inet(raw, family(), true);
    }

    /**
     * Where a connect or send to {@code a} goes: the wildcard means this host (Linux routes
     * 0.0.0.0 and :: to loopback); an IPv4-mapped address from an IPV6_V6ONLY socket is
     * ENETUNREACH; anything else is for the host's routing to decide.
     */
    protected Result<InetAddress> destination(InetAddress a) {
        if (a.isV4Mapped() && v6Only) {
            return Result.err(Errno.ENETUNREACH);
        }
        if (a.isAny()) {
            return Result.ok(a.withAddress(a.isV6() ? InetAddress.V6_LOOPBACK : InetAddress.V4_LOOPBACK));
        }
        return Result.ok(a);
    }

    @Override
    public SocketAddress localAddress() {
        InetAddress a = host.localAddress();
        return a == null ? InetAddressing.unbound(family()) : a;
    }

    /** The SOL_SOCKET options the host's socket holds: set there and read back from there. */
    private static boolean hostLevelOption(int name) {
        return switch (name) {
            case SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_SNDBUF, SO_RCVBUF, SO_SNDBUFFORCE, SO_RCVBUFFORCE,
                 SO_BROADCAST, SO_LINGER -> true;
            default -> false;
        };
    }

    /** sk_setsockopt's checks and the kernel's copy first, then the host's socket. */
    @Override
    public long setOption(Task t, int level, int name, byte[] value) {
        long r = super.setOption(t, level, name, value);
        if (r != 0 || level != SOL_SOCKET || !hostLevelOption(name)) {
            return r;
        }
        int v = switch (name) {
            case SO_LINGER -> lingerOn ? lingerSeconds : -1;
            default -> intValue(value);
        };
        int hostName = name == SO_SNDBUFFORCE ? SO_SNDBUF : name == SO_RCVBUFFORCE ? SO_RCVBUF : name;
        long h = host.setOption(SOL_SOCKET, hostName, v);
        return h == Errno.ENOPROTOOPT.ret() ? 0 : h; // kept by the kernel where the host has no such option
    }

    @Override
    public Result<byte[]> getOption(Task t, int level, int name) {
        if (level == SOL_SOCKET && name != SO_LINGER && hostLevelOption(name)) {
            long v = host.getOption(SOL_SOCKET, name);
            if (v >= 0) {
                return Result.ok(buffer(4).putInt((int) v).array());
            }
        }
        return super.getOption(t, level, name);
    }

    /** IPV6_V6ONLY: kept by the kernel (the host's socket stays dual-stack, see docs/network.md). */
    protected Long setV6Only(int level, int name, byte[] value) {
        if (level != IPPROTO_IPV6 || family() != AF_INET6 || name != IPV6_V6ONLY) {
            return null;
        }
        Integer v = intValue(value);
        if (v == null || host.localAddress() != null) {
            return Errno.EINVAL.ret();
        }
        v6Only = v != 0;
        return 0L;
    }

    protected Result<byte[]> getV6Only(int level, int name) {
        if (level != IPPROTO_IPV6 || family() != AF_INET6 || name != IPV6_V6ONLY) {
            return null;
        }
        return Result.ok(buffer(4).putInt(v6Only ? 1 : 0).array());
    }

    @Override
    protected long setProtocolOption(Task t, int level, int name, byte[] value) {
        Long r = setV6Only(level, name, value);
        return r != null ? r : Errno.ENOPROTOOPT.ret();
    }

    @Override
    protected Result<byte[]> getProtocolOption(Task t, int level, int name) {
        Result<byte[]> r = getV6Only(level, name);
        return r != null ? r : Result.err(Errno.ENOPROTOOPT);
    }

    @Override
    protected void onRelease() {
        net.hostClosed(this);
        host.close();
        wakeWaiters();
    }
}
