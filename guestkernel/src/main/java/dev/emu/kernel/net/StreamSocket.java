package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.task.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A connection-oriented socket: the part AF_UNIX SOCK_STREAM/SOCK_SEQPACKET and loopback TCP
 * share. A listener keeps an accept queue of already connected children (unix_stream_connect
 * queues the new sock on the listener at connect time; on loopback a TCP handshake completes at
 * once too); connected sockets move segments into each other's receive queue. A stream reader
 * glues segments (unix_stream_read_generic, tcp_recvmsg); a SOCK_SEQPACKET reader takes one record
 * per call and drops what does not fit (unix_dgram_recvmsg).
 *
 * <p>The protocol subclasses decide addresses, the errno of an unconnected socket, and what a
 * closing socket does to its peer (unix_release_sock; tcp_close with its FIN or RST).
 */
public abstract class StreamSocket extends SocketFile {
    enum State { UNCONNECTED, LISTENING, CONNECTED, CLOSED }

    /** The biggest segment one send queues (SKB_MAX_HEAD plus unix's 32 KiB of page frags). */
    static final int MAX_SEGMENT = 32768 + 3776;

    State state = State.UNCONNECTED;
    StreamSocket peer;
    final ReceiveQueue queue;
    final ArrayDeque<StreamSocket> acceptQueue = new ArrayDeque<>();
    int backlog;
    /** A child connection not yet taken by accept (an embryo). */
    boolean embryo;
    /** The peer's credentials (sk_peer_cred): the connector's, or the listener's for the connector. */
    Credentials peerCreds = Credentials.NONE;
    /** The credentials of the task that called listen, handed to each connector. */
    Credentials listenerCreds = Credentials.NONE;
    private final boolean records;

    protected StreamSocket(Network net, int family, int type, int protocol, int flags) {
        super(net, family, type, protocol, flags);
        this.queue = new ReceiveQueue(net);
        this.records = type == SOCK_SEQPACKET;
    }

    /** A socket for an incoming connection on this listener. */
    protected abstract StreamSocket newChild();

    /** send on a socket that is not connected (unix: ENOTCONN; TCP: EPIPE and SIGPIPE). */
    protected abstract long sendNotConnected(Task t, int flags);

    /** recv on a socket that is not connected (unix stream: EINVAL; seqpacket, TCP: ENOTCONN). */
    protected abstract long recvNotConnected();

    /** Whether SCM_RIGHTS and SCM_CREDENTIALS travel with the data (AF_UNIX only). */
    protected abstract boolean carriesControl();

    /** What this socket's close does to its peer. */
    protected abstract void notifyPeerOfClose();

    @Override
    protected boolean listening() {
        return state == State.LISTENING;
    }

    @Override
    protected Credentials peerCredentials() {
        return peerCreds;
    }

    @Override
    public SocketAddress peerAddress() {
        return state == State.CONNECTED && peer != null ? peer.localAddress() : null;
    }

    /** Makes this socket listen (the protocol checked that it may); a second listen adjusts the backlog. */
    protected long startListening(Task t, int requested) {
        if (state != State.UNCONNECTED && state != State.LISTENING) {
            return Errno.EINVAL.ret();
        }
        // listen(2) caps the backlog at somaxconn; a negative one is taken as somaxconn too
        backlog = Integer.compareUnsigned(requested, SOMAXCONN) > 0 ? SOMAXCONN : requested;
        if (state == State.UNCONNECTED) {
            listenerCreds = Credentials.of(t);
        }
        state = State.LISTENING;
        wakeWaiters();
        return 0;
    }

    /** unix_recvq_full / sk_acceptq_is_full: a backlog of n holds n + 1 connections. */
    boolean acceptQueueFull() {
        return acceptQueue.size() > backlog;
    }

    /**
     * Connects this socket to {@code listener}: a child is queued for accept and both ends are
     * connected at once. Waits while the accept queue is full (EAGAIN when non-blocking).
     */
    protected long connectTo(Task t, StreamSocket listener, boolean nonblock) {
        if (listener.acceptQueueFull()) {
            if (nonblock) {
                return Errno.EAGAIN.ret();
            }
            // woken by accept (which makes room) or by the listener's close
            return listener.blockConnector(t, this);
        }
        doneWaiting(t);
        StreamSocket child = listener.newChild();
        child.state = State.CONNECTED;
        child.embryo = true;
        child.peer = this;
        child.peerCreds = Credentials.of(t);
        child.sndbuf = listener.sndbuf;
        child.rcvbuf = listener.rcvbuf;
        child.passCred = listener.passCred;
        peer = child;
        state = State.CONNECTED;
        peerCreds = listener.listenerCreds;
        listener.acceptQueue.addLast(child);
        listener.wakeWaiters();
        return 0;
    }

    /** Parks a connector on this listener's queue, with the connector's send timeout. */
    private long blockConnector(Task t, StreamSocket connector) {
        long r = connector.block(t, true);
        if (r == dev.emu.kernel.syscall.SyscallResults.RESTART) {
            // block parked on the connector's own queue; the listener's accept wakes the listener's
            wait.park(t, t.wakeDeadline());
        }
        return r;
    }

    @Override
    public Accepted accept(Task t, int flags) {
        if (state != State.LISTENING) {
            return Accepted.error(Errno.EINVAL.ret());
        }
        StreamSocket child = acceptQueue.pollFirst();
        if (child == null) {
            return Accepted.error(nonblocking(0) ? Errno.EAGAIN.ret() : block(t, false));
        }
        doneWaiting(t);
        child.embryo = false;
        child.setStatusFlags(child.statusFlags() | (flags & SOCK_NONBLOCK));
        wakeWaiters(); // a connector waiting for room in the backlog
        return new Accepted(0, child);
    }

    @Override
    public long send(Task t, OutgoingMessage m, int flags) {
        if ((flags & MSG_OOB) != 0) {
            return Errno.EOPNOTSUPP.ret();
        }
        if (state != State.CONNECTED) {
            return sendNotConnected(t, flags);
        }
        long pending = sendCheck(t, m, flags);
        if (pending != 0) {
            return pending;
        }
        if ((shutdown & SEND_SHUTDOWN) != 0 || peer.state == State.CLOSED || (peer.shutdown & RCV_SHUTDOWN) != 0) {
            return brokenPipe(t, flags);
        }
        byte[] data = m.data();
        Credentials creds = carriesControl() ? Objects.requireNonNullElse(m.creds(), Credentials.of(t)) : null;
        List<File> rights = carriesControl() ? m.rights() : List.of();
        boolean nonblock = nonblocking(flags);
        if (records) {
            if (data.length > sndbuf - 32) {
                return Errno.EMSGSIZE.ret();
            }
            if (wmemAlloc >= sndbuf) {
                return nonblock ? Errno.EAGAIN.ret() : block(t, true);
            }
            doneWaiting(t);
            return enqueue(t, data, rights, creds) ? data.length : Errno.ENOBUFS.ret();
        }
        int limit = sendLimit();
        int sent = 0;
        do {
            // A blocking send waits for room once, then queues all it was given: Linux would wait
            // for the reader between segments and return the same count. A non-blocking send, or
            // one whose SO_SNDTIMEO may expire, stops where the buffer is full with a short count.
            if (wmemAlloc >= limit && (sent == 0 || nonblock || sndTimeoutNanos > 0)) {
                if (sent > 0) {
                    break;
                }
                return nonblock ? Errno.EAGAIN.ret() : block(t, true);
            }
            int size = Math.min(data.length - sent, Math.min(MAX_SEGMENT, (limit >> 1) - 64));
            byte[] piece = sent == 0 && size == data.length ? data : java.util.Arrays.copyOfRange(data, sent, sent + size);
            if (!enqueue(t, piece, sent == 0 ? rights : List.of(), creds)) {
                if (sent > 0) {
                    break;
                }
                return Errno.ENOBUFS.ret();
            }
            sent += size;
        } while (sent < data.length);
        doneWaiting(t);
        return sent;
    }

    /** A protocol's check before sending (TCP's pending error or a reset peer); 0 to go on. */
    protected long sendCheck(Task t, OutgoingMessage m, int flags) {
        return 0;
    }

    /** The bytes this socket may have in flight before a send waits (sk_sndbuf). */
    protected int sendLimit() {
        return sndbuf;
    }

    /** TCP: a FIN received reads as end of file even before a pending error (SOCK_DONE). */
    protected boolean finReceived() {
        return false;
    }

    private boolean enqueue(Task t, byte[] data, List<File> rights, Credentials creds) {
        Segment s = new Segment(data, rights, creds, localAddressForPeer(), this,
                records ? Segment.datagramCost(data.length) : Segment.streamCost(data.length));
        if (!peer.queue.add(s)) {
            return false;
        }
        if (s.rights != null) {
            s.rights.forEach(File::retain); // in flight until received or the receiver is gone
        }
        peer.wakeWaiters();
        return true;
    }

    /** The address a reader of our data sees as its source (unix: ours when bound). */
    protected SocketAddress localAddressForPeer() {
        return null;
    }

    @Override
    public ReceivedMessage recv(Task t, int len, int flags) {
        if ((flags & MSG_OOB) != 0) {
            return ReceivedMessage.error(Errno.EOPNOTSUPP.ret());
        }
        if (state == State.UNCONNECTED || state == State.LISTENING) {
            return ReceivedMessage.error(recvNotConnected());
        }
        boolean peek = (flags & MSG_PEEK) != 0;
        Segment head = queue.peek();
        if (head == null || (!records && !peek && (flags & MSG_WAITALL) != 0 && mustWaitForAll(len))) {
            if (head == null && finReceived()) {
                doneWaiting(t);
                return new ReceivedMessage(0, new byte[0], 0, null, List.of(), null);
            }
            if (head == null) {
                long err = takeError();
                if (err != 0) {
                    return ReceivedMessage.error(err);
                }
                if ((shutdown & RCV_SHUTDOWN) != 0 || state == State.CLOSED) {
                    doneWaiting(t);
                    return new ReceivedMessage(0, new byte[0], 0, null, List.of(), null);
                }
            }
            if (nonblocking(flags)) {
                return ReceivedMessage.error(Errno.EAGAIN.ret());
            }
            return ReceivedMessage.error(block(t, false));
        }
        doneWaiting(t);
        return records ? receiveRecord(head, len, peek) : receiveBytes(len, peek);
    }

    /** MSG_WAITALL: wait while fewer than {@code len} bytes are queued and more may come. */
    private boolean mustWaitForAll(int len) {
        return queue.bytes() < len && error == 0 && (shutdown & RCV_SHUTDOWN) == 0 && state == State.CONNECTED
                && peer != null && peer.state == State.CONNECTED && (peer.shutdown & SEND_SHUTDOWN) == 0
                && peer.wmemAlloc < peer.sendLimit();
    }

    private ReceivedMessage receiveRecord(Segment s, int len, boolean peek) {
        int n = Math.min(len, s.data.length);
        byte[] out = java.util.Arrays.copyOf(s.data, n);
        List<File> rights = takeRights(s, peek);
        if (!peek) {
            queue.remove(s);
        }
        return new ReceivedMessage(0, out, s.data.length, s.from, rights, passCred ? s.creds : null);
    }

    private ReceivedMessage receiveBytes(int len, boolean peek) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Segment first = queue.peek();
        List<File> rights = List.of();
        for (Segment s : new ArrayList<>(queueSnapshot())) {
            if (out.size() == len) {
                break;
            }
            if (passCred && s != first && !Objects.equals(s.creds, first.creds)) {
                break; // never glue messages from different writers
            }
            int n = Math.min(len - out.size(), s.remaining());
            out.write(s.data, s.consumed, n);
            boolean hadRights = s.rights != null;
            if (hadRights) {
                rights = takeRights(s, peek);
            }
            if (!peek) {
                queue.consume(s, n);
            }
            if (hadRights || (!peek && s.remaining() > 0)) {
                break;
            }
        }
        byte[] data = out.toByteArray();
        return new ReceivedMessage(0, data, data.length, first.from, rights, passCred ? first.creds : null);
    }

    private List<Segment> queueSnapshot() {
        List<Segment> l = new ArrayList<>();
        queue.forEach(l::add);
        return l;
    }

    /** The files of {@code s} for the reader: taken, or duplicated for MSG_PEEK (unix_peek_fds). */
    static List<File> takeRights(Segment s, boolean peek) {
        if (s.rights == null) {
            return List.of();
        }
        List<File> r = s.rights;
        if (peek) {
            r.forEach(File::retain);
            return List.copyOf(r);
        }
        s.rights = null;
        return r;
    }

    @Override
    public long shutdown(Task t, int how) {
        int mode = how + 1; // SHUT_RD → RCV_SHUTDOWN, SHUT_WR → SEND_SHUTDOWN
        shutdown |= mode;
        wakeWaiters();
        shutdownPeer(mode);
        return 0;
    }

    /** What this socket's shutdown tells its peer (unix: the mirror image; TCP: a FIN for SHUT_WR). */
    protected abstract void shutdownPeer(int mode);

    @Override
    public int poll(Task task, PollTable table) {
        table.wait(wait);
        if (state == State.LISTENING) {
            return acceptQueue.isEmpty() ? 0 : PollEvents.POLLIN | PollEvents.POLLRDNORM;
        }
        int mask = 0;
        if (error != 0) {
            mask |= PollEvents.POLLERR;
        }
        if (shutdown == SHUTDOWN_MASK || state == State.UNCONNECTED || state == State.CLOSED) {
            mask |= PollEvents.POLLHUP;
        }
        if ((shutdown & RCV_SHUTDOWN) != 0) {
            mask |= PollEvents.POLLRDHUP | PollEvents.POLLIN | PollEvents.POLLRDNORM;
        }
        if (!queue.isEmpty()) {
            mask |= PollEvents.POLLIN | PollEvents.POLLRDNORM;
        }
        if (writable()) {
            mask |= PollEvents.POLLOUT | PollEvents.POLLWRNORM | PollEvents.POLLWRBAND;
        }
        return mask;
    }

    /** unix_inq_len, tcp_ioctl: EINVAL for a listener, else the bytes queued. */
    @Override
    protected long unreadBytes() {
        return state == State.LISTENING ? Errno.EINVAL.ret() : queue.bytes();
    }

    /** unix_writable: a quarter or less of the send buffer in flight. */
    protected boolean writable() {
        return state != State.LISTENING && (wmemAlloc << 2) <= sendLimit();
    }

    @Override
    protected void onRelease() {
        State was = state;
        state = State.CLOSED;
        shutdown = SHUTDOWN_MASK;
        if (was == State.LISTENING) {
            for (StreamSocket child : acceptQueue) {
                child.release(); // never accepted: its connector sees the connection reset
            }
            acceptQueue.clear();
        }
        if (peer != null) {
            notifyPeerOfClose();
            peer.wakeWaiters();
        }
        queue.purge();
        wakeWaiters();
        unbind();
    }

    /** Frees the socket's name (unix name table, TCP port). */
    protected void unbind() {}
}
