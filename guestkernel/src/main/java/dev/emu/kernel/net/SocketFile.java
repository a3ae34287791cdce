package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A socket (struct socket with its struct sock, include/net/sock.h): an open file whose
 * operations are the protocol's proto_ops. Every operation defaults to what Linux's sock_no_*
 * return (EOPNOTSUPP), so a protocol overrides only what it supports. The SOL_SOCKET options live
 * here (sk_setsockopt and sk_getsockopt in net/core/sock.c); a protocol adds its own level.
 *
 * <p>read and write are recv and send without flags (sock_read_iter, sock_write_iter). A
 * blocked operation parks the task on the socket's wait queue (sk_wq) and returns RESTART;
 * SO_RCVTIMEO and SO_SNDTIMEO bound that wait on the kernel clock.
 */
public abstract class SocketFile extends File {
    public static final int RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;
    /** net.core.wmem_default/rmem_default and wmem_max/rmem_max as Linux ships them. */
    static final int WMEM_DEFAULT = 212992, RMEM_DEFAULT = 212992, WMEM_MAX = 212992, RMEM_MAX = 212992;
    /** SOCK_MIN_SNDBUF and SOCK_MIN_RCVBUF (include/net/sock.h). */
    static final int SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;

    protected final Network net;
    private final int family;
    private final int type;
    private final int protocol;
    private final int ino;
    /** sk_wq: woken when data arrives, room frees up, a connection is queued or the peer goes. */
    protected final WaitQueue wait = new WaitQueue("socket");

    int sndbuf = WMEM_DEFAULT;
    int rcvbuf = RMEM_DEFAULT;
    /** sk_wmem_alloc: the cost of this socket's messages still queued at a receiver. */
    long wmemAlloc;
    boolean reuseAddr, reusePort, keepAlive, passCred, broadcast, oobInline, dontRoute;
    boolean lingerOn;
    int lingerSeconds;
    int priority;
    int rcvLowat = 1;
    long rcvTimeoutNanos, sndTimeoutNanos;
    /** sk_err: a pending asynchronous error, reported once (sock_error). */
    int error;
    /** RCV_SHUTDOWN and SEND_SHUTDOWN (sk_shutdown). */
    int shutdown;

    protected SocketFile(Network net, int family, int type, int protocol, int flags) {
        super(02 | (flags & SOCK_NONBLOCK)); // O_RDWR, as sock_alloc_file opens every socket
        this.net = net;
        this.family = family;
        this.type = type;
        this.protocol = protocol;
        this.ino = net.allocInode();
    }

    public int family() {
        return family;
    }

    public int type() {
        return type;
    }

    public int protocol() {
        return protocol;
    }

    public int ino() {
        return ino;
    }

    protected boolean nonblocking(int msgFlags) {
        return (statusFlags() & SOCK_NONBLOCK) != 0 || (msgFlags & MSG_DONTWAIT) != 0;
    }

    // ---- proto_ops: the defaults are sock_no_* ----

    public long bind(Task t, byte[] rawAddress) {
        return Errno.EOPNOTSUPP.ret();
    }

    /** connect(2); {@code rawAddress} as copied in (its length is the guest's addrlen). */
    public long connect(Task t, byte[] rawAddress) {
        return Errno.EOPNOTSUPP.ret();
    }

    public long listen(Task t, int backlog) {
        return Errno.EOPNOTSUPP.ret();
    }

    /** What accept gives: a status (-errno or RESTART, else 0) and the new connection's socket. */
    public record Accepted(long status, SocketFile socket) {
        static Accepted error(long status) {
            return new Accepted(status, null);
        }
    }

    /** accept(2); {@code flags} may hold SOCK_NONBLOCK for the new socket. */
    public Accepted accept(Task t, int flags) {
        return Accepted.error(Errno.EOPNOTSUPP.ret());
    }

    /** shutdown(2) with SHUT_RD, SHUT_WR or SHUT_RDWR (checked by the caller). */
    public abstract long shutdown(Task t, int how);

    /** getsockname: this socket's address. */
    public abstract SocketAddress localAddress();

    /** getpeername: the peer's address, or null when not connected (ENOTCONN). */
    public abstract SocketAddress peerAddress();

    /** sendmsg: bytes sent, or -errno, or RESTART. */
    public abstract long send(Task t, OutgoingMessage m, int flags);

    /** recvmsg of at most {@code len} bytes. */
    public abstract ReceivedMessage recv(Task t, int len, int flags);

    /** The peer's credentials for SO_PEERCRED (sk_peer_cred); NONE when there is no peer. */
    protected Credentials peerCredentials() {
        return Credentials.NONE;
    }

    /** SO_ACCEPTCONN. */
    protected boolean listening() {
        return false;
    }

    // ---- File ----

    /** FIONREAD (SIOCINQ). FIONBIO, FIOCLEX and FIONCLEX are answered for every file by SysFd.ioctl. */
    static final int FIONREAD = 0x541B;

    /** SIOCINQ's answer: bytes waiting to be read (a datagram socket: the next datagram's). */
    protected abstract long unreadBytes();

    /**
     * sock_ioctl: FIONREAD (SIOCINQ) from the protocol; a request that is no socket ioctl (a
     * terminal's TCGETS…) is ENOTTY, as sock_do_ioctl answers.
     */
    @Override
    public long ioctl(Task task, int request, long arg) {
        if (request == FIONREAD) {
            long n = unreadBytes();
            if (n < 0) {
                return n;
            }
            task.memory().writeInt(arg, (int) n);
            return 0;
        }
        return Errno.ENOTTY.ret();
    }

    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        ReceivedMessage m = recv(task, len, 0);
        if (m.failed()) {
            return m.status();
        }
        m.dropRights(); // read(2) has no room for SCM_RIGHTS: the files are closed
        System.arraycopy(m.data(), 0, dst, off, m.data().length);
        return m.data().length;
    }

    @Override
    public long write(Task task, byte[] src, int off, int len) {
        byte[] data = java.util.Arrays.copyOfRange(src, off, off + len);
        return send(task, new OutgoingMessage(data, null, List.of(), null), 0);
    }

    @Override
    public FileStat stat() {
        return new FileStat(9, ino, FileStat.S_IFSOCK | 0777, 1, 0, 0, 0, 0, 4096, 0);
    }

    @Override
    public String describe() {
        return "socket:[" + ino + "]";
    }

    // ---- waiting ----

    /** Wakes every task waiting on this socket (sk_data_ready, sk_write_space, sk_state_change). */
    void wakeWaiters() {
        wait.wakeAll(net.scheduler());
    }

    /** A blocked wait's deadline, kept across the syscall's re-executions (restart_block). */
    private record TimedWait(SocketFile socket, long rip, long deadline) {}

    /**
     * Parks {@code t} until this socket changes, for at most SO_RCVTIMEO or SO_SNDTIMEO; returns
     * RESTART, or EAGAIN once that timeout has passed (sock_rcvtimeo, sock_sndtimeo).
     */
    protected long block(Task t, boolean sending) {
        long timeout = sending ? sndTimeoutNanos : rcvTimeoutNanos;
        long deadline = Long.MAX_VALUE;
        if (timeout > 0 && t.kernel() != null) {
            long now = t.kernel().clock().nanos();
            long rip = t.cpu().get(Reg.RIP);
            if (t.resumeState() instanceof TimedWait w && w.socket == this && w.rip == rip) {
                if (now >= w.deadline) {
                    t.setResumeState(null);
                    return Errno.EAGAIN.ret();
                }
                deadline = w.deadline;
            } else {
                deadline = now + timeout;
                t.setResumeState(new TimedWait(this, rip, deadline));
            }
        }
        wait.park(t, deadline);
        return SyscallResults.RESTART;
    }

    /** Ends a timed wait that {@link #block} began, once the operation completes. */
    protected void doneWaiting(Task t) {
        if (t.resumeState() instanceof TimedWait w && w.socket == this) {
            t.setResumeState(null);
        }
    }

    /**
     * What a datagram receive returns when no datagram is queued (__skb_wait_for_more_packets):
     * the pending error, an empty message after SHUT_RD, EAGAIN when not blocking, else the
     * parked wait.
     */
    protected ReceivedMessage noDatagram(Task t, int flags) {
        long err = takeError();
        if (err != 0) {
            return ReceivedMessage.error(err);
        }
        if ((shutdown & RCV_SHUTDOWN) != 0) {
            return new ReceivedMessage(0, new byte[0], 0, null, List.of(), null);
        }
        return ReceivedMessage.error(nonblocking(flags) ? Errno.EAGAIN.ret() : block(t, false));
    }

    /**
     * The error, hang-up and readable bits of a datagram socket's poll (datagram_poll, which
     * unix_dgram_poll repeats); {@code queued} says whether a datagram waits to be read.
     */
    protected int datagramReadMask(boolean queued) {
        int mask = 0;
        if (error != 0) {
            mask |= PollEvents.POLLERR;
        }
        if ((shutdown & RCV_SHUTDOWN) != 0) {
            mask |= PollEvents.POLLRDHUP | PollEvents.POLLIN | PollEvents.POLLRDNORM;
        }
        if (shutdown == SHUTDOWN_MASK) {
            mask |= PollEvents.POLLHUP;
        }
        if (queued) {
            mask |= PollEvents.POLLIN | PollEvents.POLLRDNORM;
        }
        return mask;
    }

    /** Takes the pending error (sock_error): -errno once, then 0. */
    protected long takeError() {
        int e = error;
        error = 0;
        return -e;
    }

    /** SIGPIPE to the writer unless MSG_NOSIGNAL, with EPIPE (sk_stream_error, unix's pipe_err). */
    protected long brokenPipe(Task t, int flags) {
        if ((flags & MSG_NOSIGNAL) == 0 && t.kernel() != null) {
            Signals.sendToTask(t.kernel(), t, Signals.SIGPIPE,
                    new SigInfo(Signals.SIGPIPE, SigInfo.SI_USER, t.process().pid(), 0, 0));
        }
        return Errno.EPIPE.ret();
    }

    // ---- options ----

    /** setsockopt(2) with the option value copied in. */
    public long setOption(Task t, int level, int name, byte[] value) {
        if (level != SOL_SOCKET) {
            return setProtocolOption(t, level, name, value);
        }
        if (name == SO_LINGER) {
            if (value.length < 8) {
                return Errno.EINVAL.ret();
            }
            ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            lingerOn = b.getInt(0) != 0;
            lingerSeconds = b.getInt(4);
            return 0;
        }
        if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
            if (value.length < 16) {
                return Errno.EINVAL.ret();
            }
            ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            long sec = b.getLong(0), usec = b.getLong(8);
            if (usec < 0 || usec >= 1_000_000) {
                return Errno.EDOM.ret();
            }
            long nanos = sec < 0 ? 0 : sec > Long.MAX_VALUE / 2_000_000_000L ? 0 : sec * 1_000_000_000L + usec * 1000;
            if (name == SO_RCVTIMEO) {
                rcvTimeoutNanos = nanos;
            } else {
                sndTimeoutNanos = nanos;
            }
            return 0;
        }
        if (value.length < 4) {
            return Errno.EINVAL.ret();
        }
        int v = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        switch (name) {
            case SO_DEBUG -> { }
            case SO_REUSEADDR -> reuseAddr = v != 0;
            case SO_REUSEPORT -> reusePort = v != 0;
            case SO_KEEPALIVE -> keepAlive = v != 0;
            case SO_BROADCAST -> broadcast = v != 0;
            case SO_OOBINLINE -> oobInline = v != 0;
            case SO_DONTROUTE -> dontRoute = v != 0;
            case SO_PASSCRED -> passCred = v != 0;
            case SO_PRIORITY -> priority = v; // above 6 needs CAP_NET_ADMIN, which root has
            case SO_RCVLOWAT -> rcvLowat = v <= 0 ? 1 : v;
            case SO_SNDBUF, SO_SNDBUFFORCE -> {
                // val = min_t(u32, val, wmem_max); sk_sndbuf = max(val * 2, SOCK_MIN_SNDBUF)
                long u = Math.min(Integer.toUnsignedLong(v), WMEM_MAX);
                sndbuf = (int) Math.max(u * 2, SOCK_MIN_SNDBUF);
                wakeWaiters();
            }
            case SO_RCVBUF, SO_RCVBUFFORCE -> {
                long u = Math.min(Integer.toUnsignedLong(v), RMEM_MAX);
                rcvbuf = (int) Math.max(u * 2, SOCK_MIN_RCVBUF);
            }
            default -> {
                return Errno.ENOPROTOOPT.ret();
            }
        }
        return 0;
    }

    /** setsockopt at a protocol level (SOL_TCP, IPPROTO_IPV6…): EOPNOTSUPP for a family without (AF_UNIX). */
    protected long setProtocolOption(Task t, int level, int name, byte[] value) {
        return Errno.EOPNOTSUPP.ret();
    }

    /** getsockopt(2): the option's value (its full size; the caller truncates to optlen), or null with errno. */
    public Result<byte[]> getOption(Task t, int level, int name) {
        if (level != SOL_SOCKET) {
            return getProtocolOption(t, level, name);
        }
        ByteBuffer b;
        switch (name) {
            case SO_LINGER -> {
                b = buffer(8).putInt(lingerOn ? 1 : 0).putInt(lingerSeconds);
                return Result.ok(b.array());
            }
            case SO_RCVTIMEO, SO_SNDTIMEO -> {
                long n = name == SO_RCVTIMEO ? rcvTimeoutNanos : sndTimeoutNanos;
                b = buffer(16).putLong(n / 1_000_000_000L).putLong(n % 1_000_000_000L / 1000);
                return Result.ok(b.array());
            }
            case SO_PEERCRED -> {
                return Result.ok(peerCredentials().toBytes());
            }
            default -> { }
        }
        int v;
        switch (name) {
            case SO_DEBUG -> v = 0;
            case SO_REUSEADDR -> v = reuseAddr ? 1 : 0;
            case SO_REUSEPORT -> v = reusePort ? 1 : 0;
            case SO_KEEPALIVE -> v = keepAlive ? 1 : 0;
            case SO_BROADCAST -> v = broadcast ? 1 : 0;
            case SO_OOBINLINE -> v = oobInline ? 1 : 0;
            case SO_DONTROUTE -> v = dontRoute ? 1 : 0;
            case SO_PASSCRED -> v = passCred ? 1 : 0;
            case SO_PRIORITY -> v = priority;
            case SO_RCVLOWAT -> v = rcvLowat;
            case SO_SNDLOWAT -> v = 1;
            case SO_SNDBUF -> v = sndbuf;
            case SO_RCVBUF -> v = rcvbuf;
            case SO_TYPE -> v = type;
            case SO_DOMAIN -> v = family;
            case SO_PROTOCOL -> v = protocol;
            case SO_ACCEPTCONN -> v = listening() ? 1 : 0;
            case SO_ERROR -> v = (int) -takeError();
            default -> {
                return Result.err(Errno.ENOPROTOOPT);
            }
        }
        return Result.ok(buffer(4).putInt(v).array());
    }

    /** getsockopt at a protocol level: EOPNOTSUPP for a family without (AF_UNIX). */
    protected Result<byte[]> getProtocolOption(Task t, int level, int name) {
        return Result.err(Errno.EOPNOTSUPP);
    }

    static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An int option value, or null when shorter than an int (EINVAL). */
    static Integer intValue(byte[] value) {
        return value.length < 4 ? null : ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }
}
