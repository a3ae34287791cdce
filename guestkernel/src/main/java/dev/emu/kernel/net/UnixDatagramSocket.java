package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;
import java.util.List;
import java.util.Objects;

/**
 * AF_UNIX SOCK_DGRAM (unix_dgram_ops in net/unix/af_unix.c): connectionless, message boundaries
 * kept, SCM_RIGHTS and SCM_CREDENTIALS carried. connect only sets the default destination (and
 * makes this socket accept messages from its peer alone).
 */
public final class UnixDatagramSocket extends SocketFile {
    /** net.unix.max_dgram_qlen: messages a socket queues from senders it is not connected to. */
    static final int MAX_DGRAM_QLEN = 10;

    private UnixAddress address;
    private UnixDatagramSocket peer;
    private final ReceiveQueue queue;
    private boolean released;
    /** Set by socketpair only (init_peercred); a connect leaves it unset, as Linux does. */
    private Credentials peerCreds = Credentials.NONE;

    public UnixDatagramSocket(Network net, int flags) {
        super(net, AF_UNIX, SOCK_DGRAM, 0, flags);
        this.queue = new ReceiveQueue(net);
    }

    /** unix_socketpair for SOCK_DGRAM: each is the other's peer. */
    public static UnixDatagramSocket[] pair(Network net, Task t, int flags) {
        UnixDatagramSocket a = new UnixDatagramSocket(net, flags);
        UnixDatagramSocket b = new UnixDatagramSocket(net, flags);
        a.peer = b;
        b.peer = a;
        a.peerCreds = Credentials.of(t);
        b.peerCreds = Credentials.of(t);
        return new UnixDatagramSocket[] {a, b};
    }

    @Override
    public long bind(Task t, byte[] raw) {
        Result<UnixAddress> a = UnixBinding.bind(t, this, address, raw);
        if (a.failed()) {
            return a.ret();
        }
        address = a.value();
        return 0;
    }

    private long autobindForCredentials() {
        if (passCred && address == null) {
            Result<UnixAddress> auto = UnixBinding.autobind(this);
            if (auto.failed()) {
                return auto.ret();
            }
            address = auto.value();
        }
        return 0;
    }

    /** The datagram socket {@code a} names: EPROTOTYPE for another type. */
    private Result<UnixDatagramSocket> find(Task t, UnixAddress a) {
        Result<SocketFile> other = net.unixNames().find(t, a);
        if (other.failed()) {
            return other.cast();
        }
        return other.value() instanceof UnixDatagramSocket d ? Result.ok(d) : Result.err(Errno.EPROTOTYPE);
    }

    /** unix_dgram_connect: AF_UNSPEC dissolves the association. */
    @Override
    public long connect(Task t, byte[] raw) {
        if (raw.length < 2) {
            return Errno.EINVAL.ret();
        }
        if (Sockaddrs.family(raw) == AF_UNSPEC) {
            peer = null;
            return 0;
        }
        Result<UnixAddress> a = Sockaddrs.unix(raw);
        if (a.failed()) {
            return a.ret();
        }
        long r = autobindForCredentials();
        if (r < 0) {
            return r;
        }
        Result<UnixDatagramSocket> other = find(t, a.value());
        if (other.failed()) {
            return other.ret();
        }
        if (!other.value().maySend(this)) {
            return Errno.EPERM.ret();
        }
        peer = other.value();
        return 0;
    }

    /** unix_may_send: a socket connected elsewhere takes messages from its peer only. */
    private boolean maySend(UnixDatagramSocket sender) {
        return peer == null || peer == sender;
    }

    /** unix_dgram_sendmsg. */
    @Override
    public long send(Task t, OutgoingMessage m, int flags) {
        if ((flags & MSG_OOB) != 0) {
            return Errno.EOPNOTSUPP.ret();
        }
        UnixAddress to = null;
        if (m.to() != null) {
            Result<UnixAddress> u = Sockaddrs.unix(m.to());
            if (u.failed()) {
                return u.ret();
            }
            to = u.value();
        } else if (peer == null) {
            return Errno.ENOTCONN.ret();
        }
        long r = autobindForCredentials();
        if (r < 0) {
            return r;
        }
        if (m.data().length > sndbuf - 32) {
            return Errno.EMSGSIZE.ret();
        }
        long err = takeError();
        if (err != 0) {
            return err;
        }
        if ((shutdown & SEND_SHUTDOWN) != 0) {
            return Errno.EPIPE.ret();
        }
        boolean nonblock = nonblocking(flags);
        if (wmemAlloc >= sndbuf) {
            return nonblock ? Errno.EAGAIN.ret() : block(t, true);
        }
        UnixDatagramSocket other = peer;
        if (to != null) {
            Result<UnixDatagramSocket> found = find(t, to);
            if (found.failed()) {
                return found.ret();
            }
            other = found.value();
        }
        if (!other.maySend(this)) {
            return Errno.EPERM.ret();
        }
        if (other.released) {
            if (other == peer) {
                peer = null;
            }
            return Errno.ECONNREFUSED.ret();
        }
        if ((other.shutdown & RCV_SHUTDOWN) != 0) {
            return Errno.EPIPE.ret();
        }
        if (other.peer != this && other.queue.size() > MAX_DGRAM_QLEN) {
            if (nonblock) {
                return Errno.EAGAIN.ret();
            }
            long b = block(t, true);
            if (b == dev.emu.kernel.syscall.SyscallResults.RESTART) {
                other.wait.park(t, t.wakeDeadline()); // woken when the receiver reads
            }
            return b;
        }
        doneWaiting(t);
        Credentials creds = Objects.requireNonNullElse(m.creds(), Credentials.of(t));
        Segment s = new Segment(m.data(), m.rights(), creds, address, this, Segment.datagramCost(m.data().length));
        if (!other.queue.add(s)) {
            return Errno.ENOBUFS.ret();
        }
        if (s.rights != null) {
            s.rights.forEach(File::retain);
        }
        other.wakeWaiters();
        return m.data().length;
    }

    /** unix_dgram_recvmsg: one message per call; what does not fit is dropped. */
    @Override
    public ReceivedMessage recv(Task t, int len, int flags) {
        if ((flags & MSG_OOB) != 0) {
            return ReceivedMessage.error(Errno.EOPNOTSUPP.ret());
        }
        Segment s = queue.peek();
        if (s == null) {
            return noDatagram(t, flags);
        }
        doneWaiting(t);
        boolean peek = (flags & MSG_PEEK) != 0;
        byte[] out = java.util.Arrays.copyOf(s.data, Math.min(len, s.data.length));
        List<File> rights = StreamSocket.takeRights(s, peek);
        if (!peek) {
            queue.remove(s);
            wakeWaiters(); // senders waiting for room in this queue
        }
        return new ReceivedMessage(0, out, s.data.length, s.from, rights, passCred ? s.creds : null);
    }

    @Override
    public long shutdown(Task t, int how) {
        shutdown |= how + 1;
        wakeWaiters();
        return 0;
    }

    /** The next datagram's length (unix_inq_len, udp_ioctl's first_packet_length). */
    @Override
    protected long unreadBytes() {
        Segment s = queue.peek();
        return s == null ? 0 : s.data.length;
    }

    @Override
    public SocketAddress localAddress() {
        return address == null ? UnixAddress.UNNAMED : address;
    }

    @Override
    public SocketAddress peerAddress() {
        return peer == null ? null : peer.localAddress();
    }

    @Override
    protected Credentials peerCredentials() {
        return peerCreds;
    }

    /** unix_dgram_poll. */
    @Override
    public int poll(Task task, PollTable table) {
        table.wait(wait);
        int mask = datagramReadMask(!queue.isEmpty());
        boolean writable = (wmemAlloc << 2) <= sndbuf;
        if (writable && peer != null && peer.peer != this && peer.queue.size() > MAX_DGRAM_QLEN) {
            table.wait(peer.wait);
            writable = false;
        }
        if (writable) {
            mask |= PollEvents.POLLOUT | PollEvents.POLLWRNORM | PollEvents.POLLWRBAND;
        }
        return mask;
    }

    @Override
    protected void onRelease() {
        released = true;
        shutdown = SHUTDOWN_MASK;
        peer = null;
        queue.purge();
        wakeWaiters();
        net.unixNames().unbind(this);
    }
}
