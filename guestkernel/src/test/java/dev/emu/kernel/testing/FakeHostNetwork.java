package dev.emu.kernel.testing;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.net.HostNetwork;
import dev.emu.kernel.net.HostSocket;
import dev.emu.kernel.net.InetAddress;
import dev.emu.kernel.vfs.Result;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory host network for kernel tests of `--net host`: TCP and UDP sockets keyed by port
 * on one host address, with a send window a test can shrink and host-side endpoints a test drives
 * (the services a guest reaches, the clients of a guest server). Connects complete at the next
 * {@link HostSocket#finishConnect}, as a non-blocking host connect does.
 */
public final class FakeHostNetwork implements HostNetwork {
    private final Map<Integer, Sock> tcpListeners = new HashMap<>();
    private final Map<Integer, Sock> udpPorts = new HashMap<>();
    private final List<Sock> sockets = new ArrayList<>();
    private int nextPort = 40000;
    /** How many bytes a stream's peer may have unread before writes take nothing (the host's window). */
    public int window = 1 << 20;
    /** The timeouts {@link #await} was called with. */
    public final List<Long> awaited = new ArrayList<>();

    @Override
    public Result<HostSocket> open(int family, int type) {
        Sock s = new Sock(family, type);
        sockets.add(s);
        return Result.ok(s);
    }

    /** A host-side socket, as a service on the host would open one. */
    public Sock hostSocket(int type) {
        return (Sock) open(AF_INET, type).value();
    }

    @Override
    public List<Ready> await(long timeoutNanos) {
        awaited.add(timeoutNanos);
        for (Sock s : sockets) {
            s.handshakeDone = true; // the host's stack finished the handshakes in the background
        }
        List<Ready> out = new ArrayList<>();
        for (Sock s : List.copyOf(sockets)) {
            int events = s.ready() & s.watched;
            if (events != 0 && !s.closed) {
                out.add(new Ready(s, events));
            }
        }
        return out;
    }

    @Override
    public String description() {
        return "fake host network";
    }

    private static InetAddress addr(int family, int port) {
        return new InetAddress(family, family == AF_INET6 ? new byte[16] : new byte[] {127, 0, 0, 1}, port);
    }

    /** One fake host socket. */
    public final class Sock implements HostSocket {
        final int family, type;
        InetAddress local, remote;
        boolean listening, connecting, connected, refused, closed, finReceived, resetReceived, outputShut, handshakeDone;
        final ArrayDeque<Sock> backlog = new ArrayDeque<>();
        Sock peer;
        final ByteArrayOutputStream inbound = new ByteArrayOutputStream();
        final ArrayDeque<Datagram> datagrams = new ArrayDeque<>();
        int watched;
        public int lingerSeconds = -1;

        Sock(int family, int type) {
            this.family = family;
            this.type = type;
        }

        private void autobind() {
            if (local == null) {
                local = addr(family, nextPort++);
                if (type == SOCK_DGRAM) {
                    udpPorts.put(local.port(), this);
                }
            }
        }

        @Override
        public long bind(InetAddress a) {
            int port = a.port() == 0 ? nextPort++ : a.port();
            if (tcpListeners.containsKey(port) && type == SOCK_STREAM || udpPorts.containsKey(port) && type == SOCK_DGRAM) {
                return Errno.EADDRINUSE.ret();
            }
            local = new InetAddress(a.family(), a.address(), port);
            if (type == SOCK_DGRAM) {
                udpPorts.put(port, this);
            }
            return 0;
        }

        @Override
        public long listen(int backlogSize) {
            autobind();
            if (tcpListeners.containsKey(local.port())) {
                return Errno.EADDRINUSE.ret();
            }
            listening = true;
            tcpListeners.put(local.port(), this);
            return 0;
        }

        @Override
        public Result<HostSocket> accept() {
            return Result.ok(backlog.pollFirst());
        }

        @Override
        public long connect(InetAddress to) {
            autobind();
            if (type == SOCK_DGRAM) {
                remote = to;
                return 0;
            }
            remote = to;
            Sock listener = tcpListeners.get(to.port());
            connecting = true;
            handshakeDone = false;
            if (listener == null) {
                refused = true;
                return Errno.EINPROGRESS.ret();
            }
            Sock server = new Sock(listener.family, SOCK_STREAM);
            sockets.add(server);
            server.local = listener.local;
            server.remote = local;
            server.connected = true;
            server.peer = this;
            peer = server;
            listener.backlog.add(server);
            return Errno.EINPROGRESS.ret();
        }

        @Override
        public long finishConnect() {
            if (!connecting) {
                return connected ? 0 : Errno.ENOTCONN.ret();
            }
            if (!handshakeDone) {
                return Errno.EINPROGRESS.ret();
            }
            connecting = false;
            if (refused) {
                return Errno.ECONNREFUSED.ret();
            }
            connected = true;
            return 0;
        }

        @Override
        public long disconnect() {
            remote = null;
            return 0;
        }

        @Override
        public long read(byte[] dst, int off, int len) {
            if (resetReceived) {
                resetReceived = false;
                finReceived = true;
                return Errno.ECONNRESET.ret();
            }
            byte[] have = inbound.toByteArray();
            if (have.length == 0) {
                return finReceived ? 0 : Errno.EAGAIN.ret();
            }
            int n = Math.min(len, have.length);
            System.arraycopy(have, 0, dst, off, n);
            inbound.reset();
            inbound.write(have, n, have.length - n);
            return n;
        }

        @Override
        public long write(byte[] src, int off, int len) {
            if (peer == null || peer.closed) {
                return Errno.EPIPE.ret();
            }
            int room = Math.max(0, window - peer.inbound.size());
            int n = Math.min(room, len);
            peer.inbound.write(src, off, n);
            return n;
        }

        @Override
        public Result<Datagram> receive() {
            return Result.ok(datagrams.pollFirst());
        }

        @Override
        public long send(byte[] data, InetAddress to) {
            autobind();
            InetAddress dest = to != null ? to : remote;
            Sock r = udpPorts.get(dest.port());
            if (r != null) {
                r.datagrams.add(new Datagram(data.clone(), local));
            }
            return data.length;
        }

        @Override
        public long shutdown(int how) {
            if (how != SHUT_RD && peer != null) {
                peer.finReceived = true;
                outputShut = true;
            }
            return 0;
        }

        @Override
        public InetAddress localAddress() {
            return local;
        }

        @Override
        public InetAddress remoteAddress() {
            return connected ? remote : null;
        }

        final Map<Integer, Integer> options = new HashMap<>();

        @Override
        public long setOption(int level, int name, int value) {
            options.put(level << 16 | name, value);
            return 0;
        }

        @Override
        public long getOption(int level, int name) {
            Integer v = options.get(level << 16 | name);
            return v == null ? Errno.ENOPROTOOPT.ret() : (name == SO_RCVBUF || name == SO_SNDBUF ? v * 2 : v);
        }

        @Override
        public int ready() {
            int events = 0;
            if (listening ? !backlog.isEmpty() : inbound.size() > 0 || finReceived || resetReceived || !datagrams.isEmpty()) {
                events |= PollEvents.POLLIN;
            }
            if (connecting && handshakeDone || type == SOCK_DGRAM || connected && peer != null && peer.inbound.size() < window) {
                events |= PollEvents.POLLOUT;
            }
            return events;
        }

        @Override
        public void watch(int events) {
            watched = events;
        }

        @Override
        public void close() {
            closed = true;
            if (listening) {
                tcpListeners.remove(local.port());
            }
            if (type == SOCK_DGRAM && local != null) {
                udpPorts.remove(local.port());
            }
            if (peer != null) {
                peer.finReceived = true;
            }
        }

        // ---- the host side, driven by a test ----

        /** What this socket has received and not read. */
        public byte[] unread() {
            byte[] b = inbound.toByteArray();
            inbound.reset();
            return b;
        }

        /** Writes to the peer as a host program would. */
        public void send(String s) {
            write(s.getBytes(), 0, s.length());
        }

        /** The peer's connection is reset (an RST from the host). */
        public void resetPeer() {
            peer.resetReceived = true;
            closed = true;
        }

        public Sock acceptNow() {
            return backlog.pollFirst();
        }

        public int port() {
            return local.port();
        }

        public List<Datagram> datagrams() {
            return List.copyOf(datagrams);
        }

        @Override
        public String toString() {
            return "fake:" + (local == null ? "unbound" : local) + Arrays.toString(new boolean[] {listening, connected});
        }
    }
}
