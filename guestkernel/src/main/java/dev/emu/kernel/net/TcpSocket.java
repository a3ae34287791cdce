package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;

/**
 * A TCP socket on the guest's loopback (net/ipv4/tcp.c, af_inet.c; IPv6 through the same code,
 * as tcp_ipv6.c shares it). The handshake completes at connect, as it does at once on Linux's
 * loopback; a closed port refuses (ECONNREFUSED). Closing sends a FIN, or a reset when unread data
 * is left behind (tcp_close); a write to a peer that is gone is answered by a reset, so the next
 * write fails (EPIPE after a FIN, ECONNRESET otherwise), as tcp_reset decides.
 */
public final class TcpSocket extends StreamSocket implements InetSocket {
    /** tcp_wmem and tcp_rmem defaults: what SO_SNDBUF and SO_RCVBUF report before any setting. */
    static final int TCP_WMEM_DEFAULT = 16384, TCP_RMEM_DEFAULT = 131072;
    /** tcp_wmem[2]: the send buffer autotuning may grow to while SO_SNDBUF is not set. */
    static final int TCP_WMEM_MAX = 4 << 20;

    private InetAddress local;
    private boolean v6Only;
    private boolean sndbufLocked;
    private boolean fin;
    /** A non-blocking connect returned EINPROGRESS and no connect has reported it done yet. */
    private boolean connecting;
    private boolean noDelay, cork;
    private int keepIdle = 7200, keepInterval = 75, keepCount = 9;

    public TcpSocket(Network net, int family, int flags) {
        super(net, family, SOCK_STREAM, IPPROTO_TCP, flags);
        sndbuf = TCP_WMEM_DEFAULT;
        rcvbuf = TCP_RMEM_DEFAULT;
    }

    @Override
    public boolean isStream() {
        return true;
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
        return state == State.LISTENING;
    }

    @Override
    public boolean acceptsFrom(InetAddress from) {
        return true;
    }

    /** inet_bind / inet6_bind. */
    @Override
    public long bind(Task t, byte[] raw) {
        Result<InetAddress> a = InetAddressing.bindAddress(raw, family());
        if (a.failed()) {
            return a.ret();
        }
        if (local != null || state != State.UNCONNECTED) {
            return Errno.EINVAL.ret();
        }
        long port = net.loopback().bind(this, a.value());
        if (port < 0) {
            return port;
        }
        local = a.value().withPort((int) port);
        return 0;
    }

    /** inet_listen: an unbound socket gets an ephemeral port on every loopback address. */
    @Override
    public long listen(Task t, int backlog) {
        if (state != State.UNCONNECTED && state != State.LISTENING) {
            return Errno.EINVAL.ret();
        }
        if (local == null) {
            long port = net.loopback().bind(this, InetAddressing.unbound(family()));
            if (port < 0) {
                return port;
            }
            local = InetAddressing.unbound(family()).withPort((int) port);
        } else if (state == State.UNCONNECTED && otherListener()) {
            return Errno.EADDRINUSE.ret(); // inet_csk_listen_start's second port check
        }
        return startListening(t, backlog);
    }

    private boolean otherListener() {
        InetSocket s = net.loopback().find(true, InetAddressing.routable(
                local.isAny() ? local.withAddress(InetAddressing.sourceFor(local)) : local), null);
        return s != null && s != this;
    }

    /** __inet_stream_connect and tcp_v4_connect / tcp_v6_connect. */
    @Override
    public long connect(Task t, byte[] raw) {
        if (raw.length < 2) {
            return Errno.EINVAL.ret();
        }
        if (Sockaddrs.family(raw) == AF_UNSPEC) {
            return disconnect();
        }
        if (state == State.CONNECTED) {
            if (connecting) {
                connecting = false; // the first connect after EINPROGRESS reports the success
                return 0;
            }
            return Errno.EISCONN.ret();
        }
        if (state != State.UNCONNECTED) {
            return Errno.EISCONN.ret();
        }
        if (error != 0) {
            return takeError(); // the refusal of an earlier non-blocking connect
        }
        Result<InetAddress> a = Sockaddrs.inet(raw, family(), false);
        if (a.failed()) {
            return a.ret();
        }
        if (a.value().isV4Mapped() && v6Only) {
            return Errno.ENETUNREACH.ret();
        }
        Result<InetAddress> dest = InetAddressing.destination(a.value());
        if (dest.failed()) {
            return dest.ret();
        }
        if (local == null || local.isAny()) {
            InetAddress src = new InetAddress(family(), InetAddressing.sourceFor(dest.value()), local == null ? 0 : local.port());
            if (local == null) {
                long port = net.loopback().bind(this, src);
                if (port < 0) {
                    return Errno.EADDRNOTAVAIL.ret();
                }
                src = src.withPort((int) port);
            } else {
                net.loopback().unbind(this, local);
                net.loopback().bind(this, src);
            }
            local = src;
        }
        boolean nonblock = nonblocking(0);
        InetSocket found = net.loopback().find(true, InetAddressing.routable(dest.value()), InetAddressing.routable(local));
        if (!(found instanceof TcpSocket listener)) {
            if (nonblock) {
                error = Errno.ECONNREFUSED.number; // the reset arrives after connect returned
                return Errno.EINPROGRESS.ret();
            }
            return Errno.ECONNREFUSED.ret();
        }
        long r = connectTo(t, listener, false);
        if (r < 0) {
            return r;
        }
        TcpSocket child = (TcpSocket) peer;
        child.local = InetAddressing.asSeenBy(dest.value(), listener.family()).withPort(listener.local.port());
        net.loopback().addAccepted(child, child.local);
        connecting = nonblock;
        return nonblock ? Errno.EINPROGRESS.ret() : 0;
    }

    /**
     * connect(AF_UNSPEC) (tcp_disconnect): a listener stops listening, a connection is reset;
     * the socket may then connect or listen again.
     */
    private long disconnect() {
        if (state == State.LISTENING) {
            for (StreamSocket child : acceptQueue) {
                child.release();
            }
            acceptQueue.clear();
        } else if (state == State.CONNECTED && peer != null) {
            TcpSocket p = (TcpSocket) peer;
            p.error = Errno.ECONNRESET.number;
            p.shutdown = SHUTDOWN_MASK;
            p.state = State.CLOSED;
            p.wakeWaiters();
            peer = null;
            queue.purge();
        }
        state = State.UNCONNECTED;
        shutdown = 0;
        connecting = false;
        wakeWaiters();
        return 0;
    }

    @Override
    protected StreamSocket newChild() {
        TcpSocket child = new TcpSocket(net, family(), 0);
        child.local = local;
        child.v6Only = v6Only;
        child.noDelay = noDelay;
        child.sndbufLocked = sndbufLocked;
        child.reuseAddr = reuseAddr;
        return child;
    }

    @Override
    public SocketAddress localAddress() {
        return local == null ? InetAddressing.unbound(family()) : local;
    }

    @Override
    public SocketAddress peerAddress() {
        SocketAddress p = super.peerAddress();
        return p == null ? null : InetAddressing.asSeenBy((InetAddress) p, family());
    }

    @Override
    protected long sendNotConnected(Task t, int flags) {
        return brokenPipe(t, flags); // sk_stream_wait_connect: EPIPE, with SIGPIPE
    }

    @Override
    protected long recvNotConnected() {
        return Errno.ENOTCONN.ret();
    }

    @Override
    protected boolean carriesControl() {
        return false;
    }

    @Override
    protected int sendLimit() {
        return sndbufLocked ? sndbuf : TCP_WMEM_MAX;
    }

    @Override
    protected boolean finReceived() {
        return fin;
    }

    /** tcp_sendmsg's first checks: a pending error, then a peer that is gone answers with a reset. */
    @Override
    protected long sendCheck(Task t, OutgoingMessage m, int flags) {
        if (error != 0 || (shutdown & SEND_SHUTDOWN) != 0) {
            long err = takeError();
            if (err != 0 && err != Errno.EPIPE.ret()) {
                return err;
            }
            return brokenPipe(t, flags);
        }
        if (peer.state == State.CLOSED) {
            // the data reaches a closed socket, whose reset ends this connection (tcp_reset)
            error = (fin ? Errno.EPIPE : Errno.ECONNRESET).number;
            shutdown = SHUTDOWN_MASK;
            wakeWaiters();
            return m.data().length == 0 ? brokenPipe(t, flags) : m.data().length;
        }
        return 0;
    }

    /** tcp_close: a FIN, or a reset when data was left unread (or SO_LINGER with a zero timeout). */
    @Override
    protected void notifyPeerOfClose() {
        TcpSocket p = (TcpSocket) peer;
        if (!queue.isEmpty() || embryo || (lingerOn && lingerSeconds == 0)) {
            p.error = Errno.ECONNRESET.number;
            p.shutdown = SHUTDOWN_MASK;
            p.state = p.state == State.CONNECTED ? State.CLOSED : p.state;
        } else {
            p.shutdown |= RCV_SHUTDOWN;
            p.fin = true;
        }
    }

    /** inet_shutdown: ENOTCONN when not connected (the bits are still set); SHUT_WR sends a FIN. */
    @Override
    public long shutdown(Task t, int how) {
        int mode = how + 1;
        if (state == State.LISTENING) {
            if ((mode & RCV_SHUTDOWN) != 0) {
                for (StreamSocket child : acceptQueue) {
                    child.release();
                }
                acceptQueue.clear();
                state = State.UNCONNECTED;
                wakeWaiters();
            }
            return 0;
        }
        shutdown |= mode;
        wakeWaiters();
        if (state != State.CONNECTED) {
            return Errno.ENOTCONN.ret();
        }
        shutdownPeer(mode);
        return 0;
    }

    @Override
    protected void shutdownPeer(int mode) {
        if ((mode & SEND_SHUTDOWN) != 0 && peer != null) {
            TcpSocket p = (TcpSocket) peer;
            p.shutdown |= RCV_SHUTDOWN;
            p.fin = true;
            p.wakeWaiters();
        }
    }

    /** tcp_poll. */
    @Override
    public int poll(Task task, PollTable table) {
        table.wait(wait);
        if (state == State.LISTENING) {
            return acceptQueue.isEmpty() ? 0 : PollEvents.POLLIN | PollEvents.POLLRDNORM;
        }
        int mask = 0;
        if (shutdown == SHUTDOWN_MASK || state != State.CONNECTED) {
            mask |= PollEvents.POLLHUP;
        }
        if ((shutdown & RCV_SHUTDOWN) != 0) {
            mask |= PollEvents.POLLIN | PollEvents.POLLRDNORM | PollEvents.POLLRDHUP;
        }
        if (!queue.isEmpty()) {
            mask |= PollEvents.POLLIN | PollEvents.POLLRDNORM;
        }
        long free = sendLimit() - wmemAlloc;
        if ((shutdown & SEND_SHUTDOWN) != 0 || free >= wmemAlloc / 2) {
            mask |= PollEvents.POLLOUT | PollEvents.POLLWRNORM;
        }
        if (error != 0) {
            mask |= PollEvents.POLLERR;
        }
        return mask;
    }

    @Override
    public long setOption(Task t, int level, int name, byte[] value) {
        long r = super.setOption(t, level, name, value);
        if (r == 0 && level == SOL_SOCKET && (name == SO_SNDBUF || name == SO_SNDBUFFORCE)) {
            sndbufLocked = true; // SOCK_SNDBUF_LOCK: no more autotuning
        }
        return r;
    }

    /** do_tcp_setsockopt and do_ipv6_setsockopt, for the options servers set. */
    @Override
    protected long setProtocolOption(Task t, int level, int name, byte[] value) {
        Integer v = intValue(value);
        if (level == IPPROTO_IPV6 && family() == AF_INET6 && name == IPV6_V6ONLY) {
            if (v == null) {
                return Errno.EINVAL.ret();
            }
            if (local != null) {
                return Errno.EINVAL.ret();
            }
            v6Only = v != 0;
            return 0;
        }
        if (level != SOL_TCP) {
            return Errno.ENOPROTOOPT.ret();
        }
        if (v == null) {
            return Errno.EINVAL.ret();
        }
        switch (name) {
            case TCP_NODELAY -> noDelay = v != 0;
            case TCP_CORK -> cork = v != 0;
            case TCP_KEEPIDLE, TCP_KEEPINTVL -> {
                if (v < 1 || v > 32767) {
                    return Errno.EINVAL.ret();
                }
                if (name == TCP_KEEPIDLE) {
                    keepIdle = v;
                } else {
                    keepInterval = v;
                }
            }
            case TCP_KEEPCNT -> {
                if (v < 1 || v > 127) {
                    return Errno.EINVAL.ret();
                }
                keepCount = v;
            }
            default -> {
                return Errno.ENOPROTOOPT.ret();
            }
        }
        return 0;
    }

    @Override
    protected Result<byte[]> getProtocolOption(Task t, int level, int name) {
        int v;
        if (level == IPPROTO_IPV6 && family() == AF_INET6 && name == IPV6_V6ONLY) {
            v = v6Only ? 1 : 0;
        } else if (level != SOL_TCP) {
            return Result.err(Errno.ENOPROTOOPT);
        } else {
            switch (name) {
                case TCP_NODELAY -> v = noDelay ? 1 : 0;
                case TCP_CORK -> v = cork ? 1 : 0;
                case TCP_KEEPIDLE -> v = keepIdle;
                case TCP_KEEPINTVL -> v = keepInterval;
                case TCP_KEEPCNT -> v = keepCount;
                default -> {
                    return Result.err(Errno.ENOPROTOOPT);
                }
            }
        }
        return Result.ok(buffer(4).putInt(v).array());
    }

    @Override
    protected void unbind() {
        net.loopback().unbind(this, local);
    }
}
