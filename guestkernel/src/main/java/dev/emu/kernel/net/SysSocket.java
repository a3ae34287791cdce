package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;

/**
 * The socket syscalls that make, name, connect and configure sockets (net/socket.c): socket,
 * socketpair, bind, listen, accept, accept4, connect, getsockname, getpeername, shutdown,
 * setsockopt, getsockopt. Sending and receiving are {@link SysSocketMessages}.
 */
public final class SysSocket {
    private SysSocket() {}

    /** SOCK_MAX: one past the highest socket type. */
    static final int SOCK_MAX = 11;

    /** The socket open at {@code fd}: EBADF, or ENOTSOCK for another file (sockfd_lookup). */
    static Result<SocketFile> lookup(Task t, long fd) {
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Result.err(Errno.EBADF);
        }
        return f instanceof SocketFile s ? Result.ok(s) : Result.err(Errno.ENOTSOCK);
    }

    /** __sock_create and the families' create functions (unix_create, inet_create, inet6_create). */
    static Result<SocketFile> create(Task t, int family, int type, int protocol, int flags) {
        if (family < 0 || family >= AF_MAX) {
            return Result.err(Errno.EAFNOSUPPORT);
        }
        if (type < 0 || type >= SOCK_MAX) {
            return Result.err(Errno.EINVAL);
        }
        Network net = t.kernel().network();
        switch (family) {
            case AF_UNIX -> {
                if (protocol != 0 && protocol != AF_UNIX) {
                    return Result.err(Errno.EPROTONOSUPPORT);
                }
                return switch (type) {
                    case SOCK_STREAM, SOCK_SEQPACKET -> Result.ok(new UnixStreamSocket(net, type, flags));
                    case SOCK_DGRAM, SOCK_RAW -> Result.ok(new UnixDatagramSocket(net, flags)); // SOCK_RAW is taken as SOCK_DGRAM
                    default -> Result.err(Errno.ESOCKTNOSUPPORT);
                };
            }
            case AF_INET, AF_INET6 -> {
                if (net.host() != null && (type == SOCK_STREAM || type == SOCK_DGRAM)) {
                    return hostSocket(net, family, type, protocol, flags);
                }
                return switch (type) {
                    case SOCK_STREAM -> protocol == 0 || protocol == IPPROTO_TCP
                            ? Result.ok(new TcpSocket(net, family, flags)) : Result.err(Errno.EPROTONOSUPPORT);
                    case SOCK_DGRAM -> protocol == 0 || protocol == IPPROTO_UDP
                            ? Result.ok(new UdpSocket(net, family, flags)) : Result.err(Errno.EPROTONOSUPPORT);
                    // raw sockets and ICMP need a real network: not built
                    case SOCK_RAW -> Result.err(Errno.EPROTONOSUPPORT);
                    default -> Result.err(Errno.ESOCKTNOSUPPORT);
                };
            }
            default -> {
                return Result.err(Errno.EAFNOSUPPORT);
            }
        }
    }

    /** An AF_INET or AF_INET6 socket of `--net host`: a host TCP or UDP socket behind the guest's file. */
    private static Result<SocketFile> hostSocket(Network net, int family, int type, int protocol, int flags) {
        int expected = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
        if (protocol != 0 && protocol != expected) {
            return Result.err(Errno.EPROTONOSUPPORT);
        }
        Result<HostSocket> h = net.host().open(family, type);
        if (h.failed()) {
            return h.cast();
        }
        return Result.ok(type == SOCK_STREAM ? new HostTcpSocket(net, h.value(), family, flags)
                : new HostUdpSocket(net, h.value(), family, flags));
    }

    /** Socket implements Linux syscall socket(2). */
    public static long socket(Task t, long family, long type, long protocol, long a3, long a4, long a5) {
        int flags = (int) type & ~SOCK_TYPE_MASK;
        if ((flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0) {
            return Errno.EINVAL.ret();
        }
        Result<SocketFile> s = create(t, (int) family, (int) type & SOCK_TYPE_MASK, (int) protocol, flags);
        if (s.failed()) {
            return s.ret();
        }
        int fd = t.process().fds().install(s.value(), 0, (flags & SOCK_CLOEXEC) != 0);
        if (fd < 0) {
            s.value().release();
        }
        return fd;
    }

    /** Socketpair implements Linux syscall socketpair(2): AF_UNIX only (others: EOPNOTSUPP). */
    public static long socketpair(Task t, long family, long type, long protocol, long sv, long a4, long a5) {
        int flags = (int) type & ~SOCK_TYPE_MASK;
        if ((flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0) {
            return Errno.EINVAL.ret();
        }
        int kind = (int) type & SOCK_TYPE_MASK;
        Result<SocketFile> probe = create(t, (int) family, kind, (int) protocol, flags);
        if (probe.failed()) {
            return probe.ret();
        }
        probe.value().release();
        Network net = t.kernel().network();
        SocketFile[] pair = switch (probe.value()) {
            case UnixStreamSocket u -> UnixStreamSocket.pair(net, t, u.type(), flags);
            case UnixDatagramSocket d -> UnixDatagramSocket.pair(net, t, flags);
            default -> null;
        };
        if (pair == null) {
            return Errno.EOPNOTSUPP.ret();
        }
        FdTable table = t.process().fds();
        boolean cloexec = (flags & SOCK_CLOEXEC) != 0;
        int fd0 = table.install(pair[0], 0, cloexec);
        if (fd0 < 0) {
            pair[0].release();
            pair[1].release();
            return fd0;
        }
        int fd1 = table.install(pair[1], 0, cloexec);
        if (fd1 < 0) {
            table.close(fd0);
            pair[1].release();
            return fd1;
        }
        try {
            t.memory().writeInt(sv, fd0);
            t.memory().writeInt(sv + 4, fd1);
        } catch (BadAddressException e) {
            table.close(fd0);
            table.close(fd1);
            throw e;
        }
        return 0;
    }

    /** Bind implements Linux syscall bind(2). */
    public static long bind(Task t, long fd, long addr, long addrlen, long a3, long a4, long a5) {
        Result<SocketFile> s = lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        Result<byte[]> raw = Sockaddrs.copyIn(t.memory(), addr, addrlen);
        return raw.failed() ? raw.ret() : s.value().bind(t, raw.value());
    }

    /** Listen implements Linux syscall listen(2). */
    public static long listen(Task t, long fd, long backlog, long a2, long a3, long a4, long a5) {
        Result<SocketFile> s = lookup(t, fd);
        return s.failed() ? s.ret() : s.value().listen(t, (int) backlog);
    }

    /** Connect implements Linux syscall connect(2). */
    public static long connect(Task t, long fd, long addr, long addrlen, long a3, long a4, long a5) {
        Result<SocketFile> s = lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        Result<byte[]> raw = Sockaddrs.copyIn(t.memory(), addr, addrlen);
        return raw.failed() ? raw.ret() : s.value().connect(t, raw.value());
    }

    /** Accept implements Linux syscall accept(2). */
    public static long accept(Task t, long fd, long addr, long addrlen, long a3, long a4, long a5) {
        return accept4(t, fd, addr, addrlen, 0, 0, 0);
    }

    /** Accept4 implements Linux syscall accept4(2) (do_accept). */
    public static long accept4(Task t, long fd, long addr, long addrlen, long flags, long a4, long a5) {
        if ((flags & ~(long) (SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0) {
            return Errno.EINVAL.ret();
        }
        Result<SocketFile> s = lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        FdTable table = t.process().fds();
        if (!hasFreeFd(table)) {
            return Errno.EMFILE.ret(); // get_unused_fd_flags fails before a connection is taken
        }
        SocketFile.Accepted a = s.value().accept(t, (int) flags);
        if (a.status() < 0) {
            return a.status();
        }
        SocketFile conn = a.socket();
        int newFd = table.install(conn, 0, (flags & SOCK_CLOEXEC) != 0);
        if (newFd < 0) {
            conn.release();
            return newFd;
        }
        if (addr != 0) {
            SocketAddress peer = conn.peerAddress();
            long r;
            try {
                r = Sockaddrs.copyOut(t.memory(), Sockaddrs.encode(peer == null ? conn.localAddress() : peer), addr, addrlen);
            } catch (BadAddressException e) {
                r = Errno.EFAULT.ret();
            }
            if (r < 0) {
                table.close(newFd);
                return r;
            }
        }
        return newFd;
    }

    private static boolean hasFreeFd(FdTable table) {
        for (int fd = 0; fd < table.maxFds(); fd++) {
            if (table.get(fd) == null) {
                return true;
            }
        }
        return false;
    }

    /** Getsockname implements Linux syscall getsockname(2). */
    public static long getsockname(Task t, long fd, long addr, long addrlen, long a3, long a4, long a5) {
        Result<SocketFile> s = lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        return Sockaddrs.copyOut(t.memory(), Sockaddrs.encode(s.value().localAddress()), addr, addrlen);
    }

    /** Getpeername implements Linux syscall getpeername(2): ENOTCONN without a peer. */
    public static long getpeername(Task t, long fd, long addr, long addrlen, long a3, long a4, long a5) {
        Result<SocketFile> s = lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        SocketAddress peer = s.value().peerAddress();
        if (peer == null) {
            return Errno.ENOTCONN.ret();
        }
        return Sockaddrs.copyOut(t.memory(), Sockaddrs.encode(peer), addr, addrlen);
    }

    /** Shutdown implements Linux syscall shutdown(2). */
    public static long shutdown(Task t, long fd, long how, long a2, long a3, long a4, long a5) {
        Result<SocketFile> s = lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        if (how < SHUT_RD || how > SHUT_RDWR) {
            return Errno.EINVAL.ret();
        }
        return s.value().shutdown(t, (int) how);
    }

    /** Setsockopt implements Linux syscall setsockopt(2). */
    public static long setsockopt(Task t, long fd, long level, long name, long optval, long optlen, long a5) {
        Result<SocketFile> s = lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        if (optlen < 0) {
            return Errno.EINVAL.ret();
        }
        // no option is longer than a struct linger or timeval; read no more than a page of it
        byte[] value = new byte[(int) Math.min(optlen, 4096)];
        if (value.length > 0) {
            t.memory().read(optval, value, 0, value.length);
        }
        return s.value().setOption(t, (int) level, (int) name, value);
    }

    /** Getsockopt implements Linux syscall getsockopt(2): the value cut to *optlen, the length written back. */
    public static long getsockopt(Task t, long fd, long level, long name, long optval, long optlen, long a5) {
        Result<SocketFile> s = lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        int len = t.memory().readInt(optlen);
        if (len < 0) {
            return Errno.EINVAL.ret();
        }
        Result<byte[]> v = s.value().getOption(t, (int) level, (int) name);
        if (v.failed()) {
            return v.ret();
        }
        int n = Math.min(len, v.value().length);
        if (n > 0) {
            t.memory().write(optval, v.value(), 0, n);
        }
        t.memory().writeInt(optlen, n);
        return 0;
    }
}
