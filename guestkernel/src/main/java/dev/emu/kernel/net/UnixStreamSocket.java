package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.SOCK_SEQPACKET;
import static dev.emu.abi.Sockets.SOCK_STREAM;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;

/**
 * AF_UNIX SOCK_STREAM and SOCK_SEQPACKET (unix_stream_ops, unix_seqpacket_ops in
 * net/unix/af_unix.c): connection-oriented sockets named in the unix name table, carrying
 * SCM_RIGHTS and SCM_CREDENTIALS with their data.
 */
public final class UnixStreamSocket extends StreamSocket {
    private UnixAddress address;

    public UnixStreamSocket(Network net, int type, int flags) {
        super(net, dev.emu.abi.Sockets.AF_UNIX, type, 0, flags);
    }

    /** unix_socketpair: two sockets connected to each other, each crediting the caller. */
    public static UnixStreamSocket[] pair(Network net, Task t, int type, int flags) {
        UnixStreamSocket a = new UnixStreamSocket(net, type, flags);
        UnixStreamSocket b = new UnixStreamSocket(net, type, flags);
        a.peer = b;
        b.peer = a;
        a.state = State.CONNECTED;
        b.state = State.CONNECTED;
        a.peerCreds = Credentials.of(t);
        b.peerCreds = Credentials.of(t);
        return new UnixStreamSocket[] {a, b};
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

    /** unix_listen: EINVAL unless bound and not connected. */
    @Override
    public long listen(Task t, int backlog) {
        if (address == null) {
            return Errno.EINVAL.ret();
        }
        return startListening(t, backlog);
    }

    /** unix_stream_connect. */
    @Override
    public long connect(Task t, byte[] raw) {
        Result<UnixAddress> a = Sockaddrs.unix(raw);
        if (a.failed()) {
            return a.ret();
        }
        if (passCred && address == null) {
            Result<UnixAddress> auto = UnixBinding.autobind(this);
            if (auto.failed()) {
                return auto.ret();
            }
            address = auto.value();
        }
        Result<SocketFile> other = net.unixNames().find(t, a.value());
        if (other.failed()) {
            return other.ret();
        }
        if (other.value().type() != type()) {
            return Errno.EPROTOTYPE.ret();
        }
        StreamSocket listener = (StreamSocket) other.value();
        if (listener.state != State.LISTENING || (listener.shutdown & RCV_SHUTDOWN) != 0) {
            return Errno.ECONNREFUSED.ret();
        }
        if (state == State.CONNECTED) {
            return Errno.EISCONN.ret();
        }
        if (state != State.UNCONNECTED) {
            return Errno.EINVAL.ret();
        }
        return connectTo(t, listener, nonblocking(0));
    }

    @Override
    protected StreamSocket newChild() {
        UnixStreamSocket child = new UnixStreamSocket(net, type(), 0);
        child.address = address; // an accepted socket has the listener's name
        return child;
    }

    @Override
    public long send(Task t, OutgoingMessage m, int flags) {
        if (m.to() != null && type() == SOCK_STREAM) {
            // unix_stream_sendmsg: a stream socket takes no destination
            return state == State.CONNECTED ? Errno.EISCONN.ret() : Errno.EOPNOTSUPP.ret();
        }
        if (passCred && address == null && state == State.CONNECTED) {
            Result<UnixAddress> auto = UnixBinding.autobind(this);
            if (auto.failed()) {
                return auto.ret();
            }
            address = auto.value();
        }
        return super.send(t, m, flags);
    }

    @Override
    protected long sendNotConnected(Task t, int flags) {
        return Errno.ENOTCONN.ret();
    }

    @Override
    protected long recvNotConnected() {
        return type() == SOCK_SEQPACKET ? Errno.ENOTCONN.ret() : Errno.EINVAL.ret();
    }

    @Override
    protected boolean carriesControl() {
        return true;
    }

    /** unix_release_sock: the peer is shut down both ways, and reset if data went unread. */
    @Override
    protected void notifyPeerOfClose() {
        peer.shutdown = SHUTDOWN_MASK;
        if (!queue.isEmpty() || embryo) {
            peer.error = Errno.ECONNRESET.number;
        }
    }

    /** unix_shutdown: the peer gets the mirror image (our SHUT_WR is its end of input). */
    @Override
    protected void shutdownPeer(int mode) {
        if (peer == null || state != State.CONNECTED) {
            return;
        }
        int peerMode = ((mode & RCV_SHUTDOWN) != 0 ? SEND_SHUTDOWN : 0) | ((mode & SEND_SHUTDOWN) != 0 ? RCV_SHUTDOWN : 0);
        peer.shutdown |= peerMode;
        peer.wakeWaiters();
    }

    @Override
    public SocketAddress localAddress() {
        return address == null ? UnixAddress.UNNAMED : address;
    }

    @Override
    protected SocketAddress localAddressForPeer() {
        return address;
    }

    @Override
    protected void unbind() {
        net.unixNames().unbind(this);
    }
}
