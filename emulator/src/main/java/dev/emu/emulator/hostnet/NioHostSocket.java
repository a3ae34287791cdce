package dev.emu.emulator.hostnet;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.net.HostSocket;
import dev.emu.kernel.net.InetAddress;
import dev.emu.kernel.vfs.Result;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One host socket as NIO channels, non-blocking and registered with the network's selector.
 *
 * <p>A TCP socket starts as a {@link SocketChannel} (bind reserves the port, connect connects);
 * NIO has no listening SocketChannel, so listen closes it and opens a {@link ServerSocketChannel}
 * bound to the same address with the options the guest set. A UDP socket is a
 * {@link DatagramChannel}.
 */
final class NioHostSocket implements HostSocket {
    /** The largest datagram: a receive buffer this size never truncates one. */
    private static final int MAX_DATAGRAM = 65536;

    private final NioHostNetwork network;
    private final int family;
    private final int type;
    private final long id;
    private SocketChannel stream;
    private ServerSocketChannel server;
    private DatagramChannel datagram;
    private SelectionKey key;
    /** The options the guest set, applied again to a channel that replaces this one (listen). */
    private final Map<SocketOption<Object>, Object> options = new LinkedHashMap<>();
    private ByteBuffer datagramBuffer;

    private NioHostSocket(NioHostNetwork network, int family, int type, long id) {
        this.network = network;
        this.family = family;
        this.type = type;
        this.id = id;
    }

    static NioHostSocket open(NioHostNetwork network, int family, int type, long id) throws IOException {
        NioHostSocket s = new NioHostSocket(network, family, type, id);
        ProtocolFamily pf = family == AF_INET6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        if (type == SOCK_STREAM) {
            s.stream = SocketChannel.open(pf);
            s.register(s.stream);
        } else {
            s.datagram = DatagramChannel.open(pf);
            s.register(s.datagram);
        }
        return s;
    }

    private static NioHostSocket accepted(NioHostNetwork network, int family, SocketChannel ch) throws IOException {
        NioHostSocket s = new NioHostSocket(network, family, SOCK_STREAM, network.nextId());
        s.stream = ch;
        s.register(ch);
        return s;
    }

    private void register(SelectableChannel ch) throws IOException {
        ch.configureBlocking(false);
        key = ch.register(network.selector(), 0, this);
    }

    long id() {
        return id;
    }

    SelectionKey key() {
        return key;
    }

    private NetworkChannel channel() {
        return server != null ? server : stream != null ? stream : datagram;
    }

    // ---- addresses ----

    private static InetSocketAddress toHost(InetAddress a) {
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(a.address()), a.port());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // only for a wrong length, which Sockaddrs never gives
        }
    }

    /** A host address as the guest's: an IPv4 peer of an IPv6 socket is ::ffff:a.b.c.d, as Linux shows it. */
    private InetAddress toGuest(java.net.SocketAddress sa) {
        if (!(sa instanceof InetSocketAddress isa) || isa.getAddress() == null) {
            return null;
        }
        byte[] b = isa.getAddress().getAddress();
        if (family == AF_INET6 && isa.getAddress() instanceof Inet4Address) {
            byte[] m = new byte[16];
            m[10] = (byte) 0xff;
            m[11] = (byte) 0xff;
            System.arraycopy(b, 0, m, 12, 4);
            b = m;
        } else if (family == AF_INET && b.length == 16) {
            b = Arrays.copyOfRange(b, 12, 16);
        }
        return new InetAddress(family, b, isa.getPort());
    }

    // ---- operations ----

    @Override
    public long bind(InetAddress local) {
        try {
            channel().bind(toHost(local));
            return 0;
        } catch (IOException | RuntimeException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long listen(int backlog) {
        if (stream == null || stream.isConnected() || stream.isConnectionPending()) {
            return Errno.EINVAL.ret();
        }
        try {
            java.net.SocketAddress local = stream.getLocalAddress();
            ServerSocketChannel ss = ServerSocketChannel.open(family == AF_INET6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            ss.setOption(StandardSocketOptions.SO_REUSEADDR, options.getOrDefault(StandardSocketOptions.SO_REUSEADDR, false) == Boolean.TRUE);
            for (Map.Entry<SocketOption<Object>, Object> o : options.entrySet()) {
                if (ss.supportedOptions().contains(o.getKey())) {
                    ss.setOption(o.getKey(), o.getValue());
                }
            }
            key.cancel();
            stream.close();
            network.selector().selectNow(); // the cancelled key goes, and the port with it
            stream = null;
            try {
                ss.bind(local != null ? local : new InetSocketAddress(family == AF_INET6
                        ? java.net.InetAddress.getByAddress(new byte[16]) : java.net.InetAddress.getByAddress(new byte[4]), 0),
                        Math.max(backlog, 0));
            } catch (IOException e) {
                ss.close();
                reopenStream(local);
                return HostErrors.ret(e);
            }
            server = ss;
            register(ss);
            return 0;
        } catch (IOException | RuntimeException e) {
            return HostErrors.ret(e);
        }
    }

    /** After a failed listen: an unconnected stream socket again, on the address it had. */
    private void reopenStream(java.net.SocketAddress local) throws IOException {
        stream = SocketChannel.open(family == AF_INET6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        for (Map.Entry<SocketOption<Object>, Object> o : options.entrySet()) {
            if (stream.supportedOptions().contains(o.getKey())) {
                stream.setOption(o.getKey(), o.getValue());
            }
        }
        if (local != null) {
            stream.bind(local);
        }
        register(stream);
    }

    @Override
    public Result<HostSocket> accept() {
        if (server == null) {
            return Result.err(Errno.EINVAL);
        }
        try {
            SocketChannel ch = server.accept();
            return Result.ok(ch == null ? null : accepted(network, family, ch));
        } catch (IOException | RuntimeException e) {
            return Result.err(HostErrors.errno(e));
        }
    }

    @Override
    public long connect(InetAddress remote) {
        try {
            if (datagram != null) {
                datagram.connect(toHost(remote));
                return 0;
            }
            if (stream == null) {
                return Errno.EISCONN.ret();
            }
            return stream.connect(toHost(remote)) ? 0 : Errno.EINPROGRESS.ret();
        } catch (IOException | RuntimeException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long finishConnect() {
        if (stream == null) {
            return Errno.ENOTCONN.ret();
        }
        try {
            return stream.finishConnect() ? 0 : Errno.EINPROGRESS.ret();
        } catch (IOException | RuntimeException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long disconnect() {
        if (datagram == null) {
            return Errno.EOPNOTSUPP.ret();
        }
        try {
            datagram.disconnect();
            return 0;
        } catch (IOException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long read(byte[] dst, int off, int len) {
        if (stream == null) {
            return Errno.ENOTCONN.ret();
        }
        try {
            int n = stream.read(ByteBuffer.wrap(dst, off, len));
            return n < 0 ? 0 : n == 0 && len > 0 ? Errno.EAGAIN.ret() : n;
        } catch (IOException | RuntimeException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long write(byte[] src, int off, int len) {
        if (stream == null) {
            return Errno.ENOTCONN.ret();
        }
        try {
            return stream.write(ByteBuffer.wrap(src, off, len));
        } catch (IOException | RuntimeException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public Result<Datagram> receive() {
        if (datagram == null) {
            return Result.err(Errno.EOPNOTSUPP);
        }
        if (datagramBuffer == null) {
            datagramBuffer = ByteBuffer.allocate(MAX_DATAGRAM);
        }
        try {
            datagramBuffer.clear();
            java.net.SocketAddress from = datagram.receive(datagramBuffer);
            if (from == null) {
                return Result.ok(null);
            }
            datagramBuffer.flip();
            byte[] data = new byte[datagramBuffer.remaining()];
            datagramBuffer.get(data);
            return Result.ok(new Datagram(data, toGuest(from)));
        } catch (IOException | RuntimeException e) {
            return Result.err(HostErrors.errno(e));
        }
    }

    @Override
    public long send(byte[] data, InetAddress to) {
        if (datagram == null) {
            return Errno.EOPNOTSUPP.ret();
        }
        try {
            int n = to == null ? datagram.write(ByteBuffer.wrap(data)) : datagram.send(ByteBuffer.wrap(data), toHost(to));
            return n == 0 && data.length > 0 ? Errno.EAGAIN.ret() : n;
        } catch (IOException | RuntimeException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long shutdown(int how) {
        if (stream == null) {
            return Errno.ENOTCONN.ret();
        }
        try {
            if (how == SHUT_RD || how == SHUT_RDWR) {
                stream.shutdownInput();
            }
            if (how == SHUT_WR || how == SHUT_RDWR) {
                stream.shutdownOutput();
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public InetAddress localAddress() {
        try {
            return toGuest(channel().getLocalAddress());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public InetAddress remoteAddress() {
        try {
            if (stream != null) {
                return toGuest(stream.getRemoteAddress());
            }
            return datagram != null ? toGuest(datagram.getRemoteAddress()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    // ---- options ----

    /** The NIO option for a Linux (level, name), or null when NIO has none. */
    @SuppressWarnings("unchecked")
    private static SocketOption<Object> option(int level, int name) {
        SocketOption<?> o = null;
        if (level == SOL_SOCKET) {
            o = switch (name) {
                case SO_REUSEADDR -> StandardSocketOptions.SO_REUSEADDR;
                case SO_REUSEPORT -> StandardSocketOptions.SO_REUSEPORT;
                case SO_KEEPALIVE -> StandardSocketOptions.SO_KEEPALIVE;
                case SO_SNDBUF -> StandardSocketOptions.SO_SNDBUF;
                case SO_RCVBUF -> StandardSocketOptions.SO_RCVBUF;
                case SO_BROADCAST -> StandardSocketOptions.SO_BROADCAST;
                case SO_LINGER -> StandardSocketOptions.SO_LINGER;
                default -> null;
            };
        } else if (level == SOL_TCP) {
            o = switch (name) {
                case TCP_NODELAY -> StandardSocketOptions.TCP_NODELAY;
                case TCP_KEEPIDLE -> jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE;
                case TCP_KEEPINTVL -> jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL;
                case TCP_KEEPCNT -> jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT;
                default -> null;
            };
        }
        return (SocketOption<Object>) o;
    }

    @Override
    public long setOption(int level, int name, int value) {
        SocketOption<Object> o = option(level, name);
        if (o == null) {
            return Errno.ENOPROTOOPT.ret();
        }
        Object v = (Class<?>) o.type() == Boolean.class ? (Object) (value != 0) : (Object) value;
        options.put(o, v);
        NetworkChannel ch = channel();
        if (!ch.supportedOptions().contains(o)) {
            return 0; // kept for the channel that will have it (a listener's connections)
        }
        try {
            ch.setOption(o, v);
            return 0;
        } catch (IOException | RuntimeException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long getOption(int level, int name) {
        SocketOption<Object> o = option(level, name);
        if (o == null || !channel().supportedOptions().contains(o)) {
            return Errno.ENOPROTOOPT.ret();
        }
        try {
            Object v = channel().getOption(o);
            return v instanceof Boolean b ? (b ? 1 : 0) : ((Integer) v).longValue();
        } catch (IOException | RuntimeException e) {
            return HostErrors.ret(e);
        }
    }

    // ---- readiness ----

    /** The NIO operations that stand for {@code events} in this channel's state. */
    private int ops(int events) {
        int ops = 0;
        if (server != null) {
            return (events & PollEvents.POLLIN) != 0 ? SelectionKey.OP_ACCEPT : 0;
        }
        if (stream != null && stream.isConnectionPending()) {
            return (events & PollEvents.POLLOUT) != 0 ? SelectionKey.OP_CONNECT : 0;
        }
        if (stream != null && !stream.isConnected()) {
            return 0;
        }
        if ((events & PollEvents.POLLIN) != 0) {
            ops |= SelectionKey.OP_READ;
        }
        if ((events & PollEvents.POLLOUT) != 0) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    @Override
    public int ready() {
        if (key == null || !key.isValid()) {
            return 0;
        }
        int watched = key.interestOps();
        try {
            key.interestOps(ops(PollEvents.POLLIN | PollEvents.POLLOUT));
            network.selector().selectedKeys().remove(key);
            network.selector().selectNow();
            int events = network.selector().selectedKeys().remove(key) ? NioHostNetwork.pollEvents(key.readyOps()) : 0;
            return events;
        } catch (IOException e) {
            return 0;
        } finally {
            if (key.isValid()) {
                key.interestOps(watched);
            }
        }
    }

    @Override
    public void watch(int events) {
        if (key != null && key.isValid()) {
            key.interestOps(ops(events));
        }
    }

    @Override
    public void close() {
        try {
            if (key != null) {
                key.cancel();
            }
            NetworkChannel ch = channel();
            ch.close();
            network.selector().selectNow(); // deregisters the key, so the host closes the socket now
        } catch (ClosedChannelException ignored) {
            // closed already
        } catch (IOException ignored) {
            // a close that fails leaves nothing the guest could act on
        }
    }
}
