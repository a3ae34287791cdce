package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;
import java.util.Arrays;
import java.util.List;

/**
 * A UDP socket of `--net host` (udp_sendmsg, udp_recvmsg, datagram_poll over a host UDP socket).
 * The next datagram is taken from the host whole and held here, so MSG_PEEK, MSG_TRUNC's full
 * length and FIONREAD work as on Linux; an ICMP error the host reports for a connected socket is
 * the socket's pending error (ECONNREFUSED).
 */
final class HostUdpSocket extends HostInetSocket {
    private InetAddress peer;
    /** The next datagram, taken from the host. */
    private HostSocket.Datagram next;

    HostUdpSocket(Network net, HostSocket host, int family, int flags) {
        super(net, host, family, SOCK_DGRAM, IPPROTO_UDP, flags);
    }

    @Override
    public long bind(Task t, byte[] raw) {
        Result<InetAddress> a = bindAddress(raw);
        if (a.failed()) {
            return a.ret();
        }
        if (host.localAddress() != null) {
            return Errno.EINVAL.ret();
        }
        return host.bind(a.value());
    }

    /** The destination a guest named, decoded for this family (udp_sendmsg takes AF_UNSPEC as AF_INET). */
    private Result<InetAddress> decode(byte[] raw, boolean forConnect) {
        if (family() == AF_INET && !forConnect && Sockaddrs.family(raw) == AF_UNSPEC && raw.length >= SOCKADDR_IN_SIZE) {
            raw = raw.clone();
            raw[0] = AF_INET;
        }
        Result<InetAddress> a = Sockaddrs.inet(raw, family(), false);
        return a.failed() ? a : destination(a.value());
    }

    /** ip4_datagram_connect / ip6_datagram_connect. */
    @Override
    public long connect(Task t, byte[] raw) {
        if (raw.length < 2) {
            return Errno.EINVAL.ret();
        }
        if (Sockaddrs.family(raw) == AF_UNSPEC) {
            peer = null;
            return host.disconnect();
        }
        Result<InetAddress> dest = decode(raw, true);
        if (dest.failed()) {
            return dest.ret();
        }
        long r = host.connect(dest.value());
        if (r == 0) {
            peer = dest.value();
        }
        return r;
    }

    @Override
    public long send(Task t, OutgoingMessage m, int flags) {
        if ((flags & MSG_OOB) != 0) {
            return Errno.EOPNOTSUPP.ret();
        }
        if (!m.rights().isEmpty() || m.creds() != null) {
            return Errno.EINVAL.ret();
        }
        InetAddress to = null;
        InetAddress dest = peer;
        if (m.to() != null) {
            Result<InetAddress> d = decode(m.to(), false);
            if (d.failed()) {
                return d.ret();
            }
            to = dest = d.value();
        } else if (peer == null) {
            return Errno.EDESTADDRREQ.ret();
        }
        if (dest.port() == 0) {
            return Errno.EINVAL.ret();
        }
        if (m.data().length > (family() == AF_INET6 && !dest.isV4Mapped() ? UdpSocket.MAX_PAYLOAD_V6 : UdpSocket.MAX_PAYLOAD_V4)) {
            return Errno.EMSGSIZE.ret();
        }
        long err = takeError();
        if (err != 0) {
            return err;
        }
        if ((shutdown & SEND_SHUTDOWN) != 0) {
            return brokenPipe(t, flags);
        }
        long r = host.send(m.data(), to != null && peer != null && to.equals(peer) ? null : to);
        if (r == Errno.EAGAIN.ret()) {
            writeBlocked = true;
            return nonblocking(flags) ? r : block(t, true);
        }
        if (r >= 0) {
            doneWaiting(t);
        }
        return r;
    }

    /** The next datagram from the host into {@link #next}; an ICMP error becomes the pending error. */
    private void fill() {
        if (next != null || error != 0) {
            return;
        }
        Result<HostSocket.Datagram> r = host.receive();
        if (r.failed()) {
            error = r.error().number;
            wakeWaiters();
        } else {
            next = r.value();
            if (next != null) {
                wakeWaiters(); // readable now, whoever looked (see HostTcpSocket.takeAccepted)
            }
        }
    }

    @Override
    public ReceivedMessage recv(Task t, int len, int flags) {
        if ((flags & MSG_OOB) != 0) {
            return ReceivedMessage.error(Errno.EOPNOTSUPP.ret());
        }
        fill();
        HostSocket.Datagram d = next;
        if (d == null) {
            return noDatagram(t, flags);
        }
        doneWaiting(t);
        if ((flags & MSG_PEEK) == 0) {
            next = null;
        }
        byte[] out = Arrays.copyOf(d.data(), Math.min(len, d.data().length));
        InetAddress from = d.from() == null ? null : InetAddressing.asSeenBy(d.from(), family());
        return new ReceivedMessage(0, out, d.data().length, from, List.of(), null);
    }

    @Override
    protected long unreadBytes() {
        fill();
        return next == null ? 0 : next.data().length;
    }

    /** inet_shutdown: the bits are the kernel's; ENOTCONN unless connected. */
    @Override
    public long shutdown(Task t, int how) {
        shutdown |= how + 1;
        wakeWaiters();
        return peer == null ? Errno.ENOTCONN.ret() : 0;
    }

    @Override
    public SocketAddress peerAddress() {
        return peer == null ? null : InetAddressing.asSeenBy(peer, family());
    }

    /** datagram_poll. */
    @Override
    public int poll(Task task, PollTable table) {
        table.wait(wait);
        fill();
        int mask = datagramReadMask(next != null);
        if ((host.ready() & PollEvents.POLLOUT) != 0) {
            writeBlocked = false;
            mask |= PollEvents.POLLOUT | PollEvents.POLLWRNORM | PollEvents.POLLWRBAND;
        } else {
            writeBlocked = true;
        }
        return mask;
    }

    @Override
    int wanted() {
        return (next == null && error == 0 ? PollEvents.POLLIN : 0) | (writeBlocked ? PollEvents.POLLOUT : 0);
    }

    @Override
    void hostReady(int events) {
        if ((events & PollEvents.POLLIN) != 0) {
            fill();
        }
        if ((events & PollEvents.POLLOUT) != 0) {
            writeBlocked = false;
        }
        wakeWaiters();
    }
}
