package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;
import java.util.Arrays;
import java.util.List;

/**
 * A TCP socket of `--net host`: a host TCP socket with Linux's guest-visible semantics
 * (__inet_stream_connect, tcp_recvmsg, tcp_sendmsg, tcp_poll, inet_shutdown). The host's stack
 * makes the connections; the kernel reads ahead what the host has received into {@link #in}, so
 * MSG_PEEK, FIONREAD and the end-of-stream bits of poll need no host support.
 */
final class HostTcpSocket extends HostInetSocket {
    enum State { UNCONNECTED, CONNECTING, CONNECTED, LISTENING }

    /** How much one read-ahead takes from the host. */
    static final int READ_AHEAD = 64 * 1024;

    private State state = State.UNCONNECTED;
    /** A non-blocking connect returned EINPROGRESS and no connect has reported its end yet. */
    private boolean connectPending;
    /** The host refused or gave up the connection this socket was making (sk_state TCP_CLOSE). */
    private boolean connectFailed;
    /** The host socket connected or failed once: a new connect needs a fresh one. */
    private boolean hostUsed;
    /** Bytes read ahead from the host, in[inStart, inEnd). */
    private byte[] in = new byte[0];
    private int inStart, inEnd;
    /** The peer's FIN arrived (the host read gave end of stream). */
    private boolean eof;
    /** A connection the host accepted before the guest asked (the head of the accept queue). */
    private HostSocket accepted;
    private int keepIdle = 7200, keepInterval = 75, keepCount = 9;
    private boolean noDelay;

    HostTcpSocket(Network net, HostSocket host, int family, int flags) {
        super(net, host, family, SOCK_STREAM, IPPROTO_TCP, flags);
    }

    private static HostTcpSocket connected(Network net, HostSocket host, int family, int flags) {
        HostTcpSocket s = new HostTcpSocket(net, host, family, flags);
        s.state = State.CONNECTED;
        s.hostUsed = true;
        return s;
    }

    private int buffered() {
        return inEnd - inStart;
    }

    // ---- bind, listen, accept ----

    @Override
    public long bind(Task t, byte[] raw) {
        Result<InetAddress> a = bindAddress(raw);
        if (a.failed()) {
            return a.ret();
        }
        if (host.localAddress() != null || state != State.UNCONNECTED) {
            return Errno.EINVAL.ret();
        }
        return host.bind(a.value());
    }

    /** inet_listen. A backlog beyond somaxconn (or negative) is somaxconn, as listen(2) caps it. */
    @Override
    public long listen(Task t, int backlog) {
        if (state != State.UNCONNECTED && state != State.LISTENING) {
            return Errno.EINVAL.ret();
        }
        if (state == State.LISTENING) {
            return 0; // a second listen only adjusts the backlog
        }
        int b = Integer.compareUnsigned(backlog, SOMAXCONN) > 0 ? SOMAXCONN : backlog;
        long r = host.listen(b);
        if (r == 0) {
            state = State.LISTENING;
            wakeWaiters();
        }
        return r;
    }

    @Override
    protected boolean listening() {
        return state == State.LISTENING;
    }

    /**
     * The next connection the host accepted, into {@link #accepted}; false when none (or an error
     * was kept). What it takes from the host wakes the waiters, whoever asked: a poll whose answer
     * is not acted on (epoll's look for timers) must not leave an epoll unaware of it.
     */
    private boolean takeAccepted() {
        if (accepted != null) {
            return true;
        }
        Result<HostSocket> r = host.accept();
        if (r.failed()) {
            error = r.error().number;
            wakeWaiters();
            return false;
        }
        accepted = r.value();
        if (accepted != null) {
            wakeWaiters();
        }
        return accepted != null;
    }

    @Override
    public Accepted accept(Task t, int flags) {
        if (state != State.LISTENING) {
            return Accepted.error(Errno.EINVAL.ret());
        }
        if (!takeAccepted()) {
            long err = takeError();
            if (err != 0) {
                return Accepted.error(err);
            }
            return Accepted.error(nonblocking(0) ? Errno.EAGAIN.ret() : block(t, false));
        }
        doneWaiting(t);
        HostSocket conn = accepted;
        accepted = null;
        HostTcpSocket child = connected(net, conn, family(), flags & SOCK_NONBLOCK);
        child.v6Only = v6Only;
        child.noDelay = noDelay;
        return new Accepted(0, child);
    }

    // ---- connect ----

    /** __inet_stream_connect over the host's connect. */
    @Override
    public long connect(Task t, byte[] raw) {
        if (raw.length < 2) {
            return Errno.EINVAL.ret();
        }
        if (Sockaddrs.family(raw) == AF_UNSPEC) {
            return disconnect();
        }
        switch (state) {
            case CONNECTED -> {
                if (connectPending) {
                    connectPending = false; // the first connect after EINPROGRESS reports the success
                    return 0;
                }
                return Errno.EISCONN.ret();
            }
            case LISTENING -> {
                return Errno.EISCONN.ret();
            }
            case CONNECTING -> {
                return awaitConnect(t, nonblocking(0) ? Errno.EALREADY.ret() : 0);
            }
            default -> { }
        }
        Result<InetAddress> a = Sockaddrs.inet(raw, family(), false);
        if (a.failed()) {
            return a.ret();
        }
        Result<InetAddress> dest = destination(a.value());
        if (dest.failed()) {
            return dest.ret();
        }
        if (hostUsed) {
            long r = reopenHost();
            if (r < 0) {
                return r;
            }
            hostUsed = false;
        }
        long r = host.connect(dest.value());
        if (r == 0) {
            state = State.CONNECTED;
            hostUsed = true;
            return 0;
        }
        if (r != Errno.EINPROGRESS.ret()) {
            hostUsed = true;
            return r;
        }
        state = State.CONNECTING;
        connectFailed = false;
        if (nonblocking(0)) {
            connectPending = true;
            return Errno.EINPROGRESS.ret();
        }
        return awaitConnect(t, 0);
    }

    /**
     * A connect that is being made: done (0), failed (its error, once; then ECONNABORTED), or
     * still pending — {@code pendingResult} for a non-blocking caller (EALREADY), else a park
     * until the host says, bounded by SO_SNDTIMEO (then EINPROGRESS, as inet_wait_for_connect).
     */
    private long awaitConnect(Task t, long pendingResult) {
        checkConnect();
        if (state == State.CONNECTED) {
            doneWaiting(t);
            connectPending = false;
            return 0;
        }
        if (connectFailed) {
            doneWaiting(t);
            state = State.UNCONNECTED;
            connectPending = false;
            long err = takeError();
            return err != 0 ? err : Errno.ECONNABORTED.ret();
        }
        if (pendingResult != 0) {
            return pendingResult;
        }
        connectPending = true; // the re-executed connect reports the end
        long r = block(t, true);
        return r == Errno.EAGAIN.ret() ? Errno.EINPROGRESS.ret() : r;
    }

    /** Asks the host how a pending connect went. */
    private void checkConnect() {
        if (state != State.CONNECTING || connectFailed) {
            return;
        }
        long r = host.finishConnect();
        if (r == 0) {
            state = State.CONNECTED;
            hostUsed = true;
            wakeWaiters();
        } else if (r != Errno.EINPROGRESS.ret()) {
            connectFailed = true;
            hostUsed = true;
            error = (int) -r;
            wakeWaiters();
        }
    }

    /** connect(AF_UNSPEC) (tcp_disconnect): the connection or listener is dropped; the socket may be used again. */
    private long disconnect() {
        if (state != State.UNCONNECTED || hostUsed) {
            if (accepted != null) {
                accepted.close();
                accepted = null;
            }
            long r = reopenHost();
            if (r < 0) {
                return r;
            }
        }
        state = State.UNCONNECTED;
        hostUsed = false;
        connectPending = connectFailed = eof = false;
        inStart = inEnd = 0;
        shutdown = 0;
        wakeWaiters();
        return 0;
    }

    // ---- receiving ----

    /** One read-ahead from the host when nothing is buffered; notes the FIN or the reset it finds. */
    private void fill(int want) {
        if (state != State.CONNECTED || eof || error != 0) {
            return;
        }
        while (buffered() < want) {
            if (inStart > 0 && inStart == inEnd) {
                inStart = inEnd = 0;
            }
            int room = Math.max(READ_AHEAD, want - buffered());
            if (in.length - inEnd < room) {
                in = Arrays.copyOf(in, inEnd + room);
            }
            long n = host.read(in, inEnd, in.length - inEnd);
            if (n > 0) {
                if (inEnd == inStart) {
                    wakeWaiters(); // readable now (see takeAccepted)
                }
                inEnd += (int) n;
            } else if (n == 0) {
                eof = true; // the peer's FIN
                wakeWaiters();
                return;
            } else if (n == Errno.EAGAIN.ret()) {
                return;
            } else {
                reset((int) -n);
                return;
            }
        }
    }

    /** tcp_reset / tcp_done: the error once, then both directions shut. */
    private void reset(int errno) {
        error = errno;
        shutdown = SHUTDOWN_MASK;
        eof = true;
        wakeWaiters();
    }

    @Override
    public ReceivedMessage recv(Task t, int len, int flags) {
        if ((flags & MSG_OOB) != 0) {
            return ReceivedMessage.error(Errno.EOPNOTSUPP.ret());
        }
        if (state == State.CONNECTING) {
            checkConnect();
            if (connectFailed) {
                return ReceivedMessage.error(Errno.ENOTCONN.ret());
            }
        }
        if (state == State.LISTENING || state == State.UNCONNECTED) {
            return ReceivedMessage.error(Errno.ENOTCONN.ret());
        }
        boolean peek = (flags & MSG_PEEK) != 0;
        boolean waitAll = (flags & MSG_WAITALL) != 0 && !peek && !nonblocking(flags);
        fill(waitAll ? len : 1);
        int n = Math.min(len, buffered());
        if (len == 0 || n > 0 && (!waitAll || n == len || eof || error != 0 || (shutdown & RCV_SHUTDOWN) != 0)) {
            doneWaiting(t);
            byte[] out = Arrays.copyOfRange(in, inStart, inStart + n);
            if (!peek) {
                inStart += n;
            }
            return new ReceivedMessage(0, out, n, null, List.of(), null);
        }
        long err = takeError();
        if (err != 0) {
            return ReceivedMessage.error(err);
        }
        if (n == 0 && (eof || (shutdown & RCV_SHUTDOWN) != 0)) {
            doneWaiting(t);
            return new ReceivedMessage(0, new byte[0], 0, null, List.of(), null);
        }
        return ReceivedMessage.error(nonblocking(flags) ? Errno.EAGAIN.ret() : block(t, false));
    }

    @Override
    protected long unreadBytes() {
        if (state == State.LISTENING) {
            return Errno.EINVAL.ret();
        }
        fill(1);
        return buffered();
    }

    // ---- sending ----

    /** How much of a blocking send the host has taken, kept across the syscall's re-executions. */
    private record SendProgress(HostTcpSocket socket, long rip, int sent) {}

    @Override
    public long send(Task t, OutgoingMessage m, int flags) {
        if ((flags & MSG_OOB) != 0) {
            return Errno.EOPNOTSUPP.ret();
        }
        boolean nonblock = nonblocking(flags);
        if (state == State.CONNECTING) {
            checkConnect();
            if (state == State.CONNECTING && !connectFailed) {
                return nonblock ? Errno.EAGAIN.ret() : block(t, true); // sk_stream_wait_connect
            }
        }
        if (state != State.CONNECTED) {
            if (connectFailed) {
                long err = takeError();
                if (err != 0) {
                    return err;
                }
            }
            return brokenPipe(t, flags);
        }
        if (error != 0) {
            long err = takeError();
            return err == Errno.EPIPE.ret() ? brokenPipe(t, flags) : err;
        }
        if ((shutdown & SEND_SHUTDOWN) != 0) {
            return brokenPipe(t, flags);
        }
        byte[] data = m.data();
        long rip = t.cpu().get(Reg.RIP);
        int sent = 0;
        if (t.resumeState() instanceof SendProgress p && p.socket == this && p.rip == rip) {
            sent = Math.min(p.sent, data.length);
            t.setResumeState(null);
        }
        while (sent < data.length) {
            long n = host.write(data, sent, data.length - sent);
            if (n == Errno.EAGAIN.ret() || n == 0) {
                break;
            }
            if (n < 0) {
                if (sent > 0) {
                    error = (int) -n; // reported by the next call, as tcp_sendmsg returns what it copied
                    return sent;
                }
                if (n == Errno.EPIPE.ret()) {
                    shutdown |= SEND_SHUTDOWN;
                    return brokenPipe(t, flags);
                }
                reset((int) -n);
                return takeError();
            }
            sent += (int) n;
        }
        if (sent == data.length) {
            doneWaiting(t);
            return sent;
        }
        writeBlocked = true;
        if (nonblock) {
            return sent > 0 ? sent : Errno.EAGAIN.ret();
        }
        if (sndTimeoutNanos > 0) {
            // SO_SNDTIMEO bounds the wait for room; a partial count is returned as Linux does at its expiry
            return sent > 0 ? sent : block(t, true);
        }
        wait.park(t);
        t.setResumeState(new SendProgress(this, rip, sent));
        if (sent > 0) {
            t.setInterruptResult(sent); // a signal ends the send with what was sent
        }
        return SyscallResults.RESTART;
    }

    // ---- shutdown, poll, addresses ----

    /** inet_shutdown. */
    @Override
    public long shutdown(Task t, int how) {
        int mode = how + 1;
        switch (state) {
            case LISTENING, CONNECTING -> {
                if (state == State.LISTENING && (mode & RCV_SHUTDOWN) == 0) {
                    return 0;
                }
                return disconnect();
            }
            case CONNECTED -> {
                long r = host.shutdown(how);
                if (r < 0 && r != Errno.ENOTCONN.ret()) {
                    return r;
                }
                shutdown |= mode;
                wakeWaiters();
                return 0;
            }
            default -> {
                shutdown |= mode;
                wakeWaiters();
                return Errno.ENOTCONN.ret();
            }
        }
    }

    @Override
    public SocketAddress peerAddress() {
        if (state != State.CONNECTED) {
            return null;
        }
        return host.remoteAddress();
    }

    /** tcp_poll, with the host's answers for what arrived and for room to send. */
    @Override
    public int poll(Task task, PollTable table) {
        table.wait(wait);
        if (state == State.LISTENING) {
            takeAccepted();
            int mask = accepted != null ? PollEvents.POLLIN | PollEvents.POLLRDNORM : 0;
            return error != 0 ? mask | PollEvents.POLLERR : mask;
        }
        checkConnect();
        if (state == State.CONNECTING && !connectFailed) {
            return 0; // SYN_SENT
        }
        int mask = 0;
        boolean closed = state != State.CONNECTED; // TCP_CLOSE: never connected, or the connect failed
        if (connectFailed) {
            shutdown = SHUTDOWN_MASK; // tcp_done
        }
        // one look past what is buffered, so a FIN behind the data shows as POLLRDHUP as on Linux
        fill(1);
        if (buffered() > 0 && buffered() < READ_AHEAD) {
            fill(buffered() + 1);
        }
        if (shutdown == SHUTDOWN_MASK || closed || eof && (shutdown & SEND_SHUTDOWN) != 0) {
            mask |= PollEvents.POLLHUP;
        }
        if ((shutdown & RCV_SHUTDOWN) != 0 || eof) {
            mask |= PollEvents.POLLIN | PollEvents.POLLRDNORM | PollEvents.POLLRDHUP;
        }
        if (buffered() > 0) {
            mask |= PollEvents.POLLIN | PollEvents.POLLRDNORM;
        }
        if ((shutdown & SEND_SHUTDOWN) != 0 || closed) {
            mask |= PollEvents.POLLOUT | PollEvents.POLLWRNORM;
        } else if ((host.ready() & PollEvents.POLLOUT) != 0) {
            writeBlocked = false;
            mask |= PollEvents.POLLOUT | PollEvents.POLLWRNORM;
        } else {
            writeBlocked = true;
        }
        if (error != 0) {
            mask |= PollEvents.POLLERR;
        }
        return mask;
    }

    @Override
    int wanted() {
        return switch (state) {
            case LISTENING -> accepted == null && error == 0 ? PollEvents.POLLIN : 0;
            case CONNECTING -> connectFailed ? 0 : PollEvents.POLLOUT;
            case CONNECTED -> (buffered() == 0 && !eof && error == 0 ? PollEvents.POLLIN : 0)
                    | (writeBlocked ? PollEvents.POLLOUT : 0);
            case UNCONNECTED -> 0;
        };
    }

    @Override
    void hostReady(int events) {
        switch (state) {
            case LISTENING -> takeAccepted();
            case CONNECTING -> checkConnect();
            case CONNECTED -> {
                if ((events & PollEvents.POLLIN) != 0) {
                    fill(1);
                }
                if ((events & PollEvents.POLLOUT) != 0) {
                    writeBlocked = false;
                }
            }
            case UNCONNECTED -> { }
        }
        wakeWaiters();
    }

    // ---- options ----

    /** TCP_NODELAY and keepalive tuning go to the host; IPV6_V6ONLY stays with the kernel. */
    @Override
    protected long setProtocolOption(Task t, int level, int name, byte[] value) {
        Long v6 = setV6Only(level, name, value);
        if (v6 != null) {
            return v6;
        }
        if (level != SOL_TCP) {
            return Errno.ENOPROTOOPT.ret();
        }
        Integer v = intValue(value);
        if (v == null) {
            return Errno.EINVAL.ret();
        }
        switch (name) {
            case TCP_NODELAY -> noDelay = v != 0;
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
        long r = host.setOption(SOL_TCP, name, name == TCP_NODELAY ? (v != 0 ? 1 : 0) : v);
        return r == Errno.ENOPROTOOPT.ret() ? 0 : r;
    }

    @Override
    protected Result<byte[]> getProtocolOption(Task t, int level, int name) {
        Result<byte[]> v6 = getV6Only(level, name);
        if (v6 != null) {
            return v6;
        }
        if (level != SOL_TCP) {
            return Result.err(Errno.ENOPROTOOPT);
        }
        int v = switch (name) {
            case TCP_NODELAY -> noDelay ? 1 : 0;
            case TCP_KEEPIDLE -> keepIdle;
            case TCP_KEEPINTVL -> keepInterval;
            case TCP_KEEPCNT -> keepCount;
            default -> -1;
        };
        if (v < 0) {
            return Result.err(Errno.ENOPROTOOPT);
        }
        return Result.ok(buffer(4).putInt(v).array());
    }

    @Override
    protected void onRelease() {
        if (accepted != null) {
            accepted.close();
            accepted = null;
        }
        super.onRelease();
    }
}
