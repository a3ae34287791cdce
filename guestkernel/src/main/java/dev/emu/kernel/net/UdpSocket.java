package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;
import java.util.List;

/**
 * A UDP socket on the guest's loopback (net/ipv4/udp.c, net/ipv6/udp.c). Datagrams go straight
 * into the receiver's queue; one to a port nobody holds is dropped, and a connected sender learns
 * it from the ICMP port-unreachable answer: ECONNREFUSED on its next call, as on Linux. A
 * receiver whose queue is past SO_RCVBUF drops what arrives.
 */
public final class UdpSocket extends SocketFile implements InetSocket {
    /** The largest UDP payload: 65535 less the IPv4 and UDP headers (IPv6: less the UDP header). */
    static final int MAX_PAYLOAD_V4 = 65507, MAX_PAYLOAD_V6 = 65527;

    private InetAddress local;
    private InetAddress peer;
    private boolean v6Only;
    private final ReceiveQueue queue;
    /** Truesize of what waits in the queue, against SO_RCVBUF (sk_rmem_alloc). */
    private long rmemAlloc;

    public UdpSocket(Network net, int family, int flags) {
        super(net, family, SOCK_DGRAM, IPPROTO_UDP, flags);
        this.queue = new ReceiveQueue(net);
    }

    @Override
    public boolean isStream() {
        return false;
    }

    @Override
    public boolean reuseAddress() {
        return reuseAddr;
    }

    @Override
    public boolean v6Only() {
        return v6Only;
    }

    @Override
    public boolean isListening() {
        return false;
    }

    @Override
    public boolean acceptsFrom(InetAddress from) {
        return peer == null || from == null || InetAddressing.sameEndpoint(peer, from);
    }

    @Override
    public long bind(Task t, byte[] raw) {
        Result<InetAddress> a = InetAddressing.bindAddress(raw, family());
        if (a.failed()) {
            return a.ret();
        }
        if (local != null) {
            return Errno.EINVAL.ret();
        }
        long port = net.loopback().bind(this, a.value());
        if (port < 0) {
            return port;
        }
        local = a.value().withPort((int) port);
        return 0;
    }

    /** An ephemeral port when a send or connect needs one (inet_autobind). */
    private long autobind(InetAddress dest) {
        if (local != null) {
            return 0;
        }
        InetAddress any = InetAddressing.unbound(family());
        long port = net.loopback().bind(this, any);
        if (port < 0) {
            return Errno.EAGAIN.ret();
        }
        local = any.withPort((int) port);
        return 0;
    }

    /** The destination a guest named: decoded for this family, on the loopback network. */
    private Result<InetAddress> destination(byte[] raw, boolean forConnect) {
        Result<InetAddress> a;
        if (family() == AF_INET && !forConnect && Sockaddrs.family(raw) == AF_UNSPEC && raw.length >= SOCKADDR_IN_SIZE) {
            raw = raw.clone();
            raw[0] = AF_INET; // udp_sendmsg takes AF_UNSPEC as AF_INET
        }
        a = Sockaddrs.inet(raw, family(), false);
        if (a.failed()) {
            return a;
        }
        if (a.value().isV4Mapped() && v6Only) {
            return Result.err(Errno.ENETUNREACH);
        }
        return InetAddressing.destination(a.value());
    }

    /** ip4_datagram_connect / ip6_datagram_connect: sets the default destination and peer filter. */
    @Override
    public long connect(Task t, byte[] raw) {
        if (raw.length < 2) {
            return Errno.EINVAL.ret();
        }
        if (Sockaddrs.family(raw) == AF_UNSPEC) {
            peer = null;
            return 0;
        }
        Result<InetAddress> dest = destination(raw, true);
        if (dest.failed()) {
            return dest.ret();
        }
        long r = autobind(dest.value());
        if (r < 0) {
            return r;
        }
        peer = dest.value();
        return 0;
    }

    /** udp_sendmsg / udpv6_sendmsg. */
    @Override
    public long send(Task t, OutgoingMessage m, int flags) {
        if ((flags & MSG_OOB) != 0) {
            return Errno.EOPNOTSUPP.ret();
        }
        if (!m.rights().isEmpty() || m.creds() != null) {
            return Errno.EINVAL.ret();
        }
        InetAddress dest;
        if (m.to() != null) {
            Result<InetAddress> d = destination(m.to(), false);
            if (d.failed()) {
                return d.ret();
            }
            dest = d.value();
        } else {
            if (peer == null) {
                return Errno.EDESTADDRREQ.ret();
            }
            dest = peer;
        }
        if (dest.port() == 0) {
            return Errno.EINVAL.ret();
        }
        if (m.data().length > (family() == AF_INET6 && !dest.isV4Mapped() ? MAX_PAYLOAD_V6 : MAX_PAYLOAD_V4)) {
            return Errno.EMSGSIZE.ret();
        }
        long err = takeError();
        if (err != 0) {
            return err;
        }
        if ((shutdown & SEND_SHUTDOWN) != 0) {
            return brokenPipe(t, flags);
        }
        long r = autobind(dest);
        if (r < 0) {
            return r;
        }
        InetAddress source = local.isAny() ? local.withAddress(InetAddressing.sourceFor(dest)) : local;
        InetAddress to = InetAddressing.routable(dest);
        InetSocket found = net.loopback().find(false, to, InetAddressing.routable(source));
        if (!(found instanceof UdpSocket receiver)) {
            if (m.to() == null) {
                error = Errno.ECONNREFUSED.number; // the ICMP port unreachable, for a connected socket
            }
            return m.data().length;
        }
        receiver.deliver(m.data(), InetAddressing.asSeenBy(InetAddressing.routable(source), receiver.family()));
        return m.data().length;
    }

    /** A datagram arriving: queued, or dropped when the receive buffer is full (__udp_queue_rcv_skb). */
    private void deliver(byte[] data, InetAddress from) {
        Segment s = new Segment(data, null, null, from, null, Segment.datagramCost(data.length));
        if (rmemAlloc + s.cost > rcvbuf || (shutdown & RCV_SHUTDOWN) != 0) {
            return;
        }
        if (queue.add(s)) {
            rmemAlloc += s.cost;
            wakeWaiters();
        }
    }

    /** udp_recvmsg: one datagram per call, the rest of it dropped. */
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
        byte[] out = java.util.Arrays.copyOf(s.data, Math.min(len, s.data.length));
        if ((flags & MSG_PEEK) == 0) {
            rmemAlloc -= s.cost;
            queue.remove(s);
        }
        return new ReceivedMessage(0, out, s.data.length, s.from, List.of(), null);
    }

    /** inet_shutdown: ENOTCONN unless connected, with the bits set all the same. */
    @Override
    public long shutdown(Task t, int how) {
        shutdown |= how + 1;
        wakeWaiters();
        return peer == null ? Errno.ENOTCONN.ret() : 0;
    }

    /** The next datagram's length (unix_inq_len, udp_ioctl's first_packet_length). */
    @Override
    protected long unreadBytes() {
        Segment s = queue.peek();
        return s == null ? 0 : s.data.length;
    }

    @Override
    public SocketAddress localAddress() {
        return local == null ? InetAddressing.unbound(family()) : local;
    }

    @Override
    public SocketAddress peerAddress() {
        return peer == null ? null : InetAddressing.asSeenBy(peer, family());
    }

    /** datagram_poll. */
    @Override
    public int poll(Task task, PollTable table) {
        table.wait(wait);
        int mask = datagramReadMask(!queue.isEmpty());
        return mask | PollEvents.POLLOUT | PollEvents.POLLWRNORM | PollEvents.POLLWRBAND;
    }

    @Override
    protected long setProtocolOption(Task t, int level, int name, byte[] value) {
        if (level == IPPROTO_IPV6 && family() == AF_INET6 && name == IPV6_V6ONLY) {
            Integer v = intValue(value);
            if (v == null || local != null) {
                return Errno.EINVAL.ret();
            }
            v6Only = v != 0;
            return 0;
        }
        return Errno.ENOPROTOOPT.ret();
    }

    @Override
    protected Result<byte[]> getProtocolOption(Task t, int level, int name) {
        if (level == IPPROTO_IPV6 && family() == AF_INET6 && name == IPV6_V6ONLY) {
            return Result.ok(buffer(4).putInt(v6Only ? 1 : 0).array());
        }
        return Result.err(Errno.ENOPROTOOPT);
    }

    @Override
    protected void onRelease() {
        queue.purge();
        net.loopback().unbind(this, local);
        wakeWaiters();
    }
}
