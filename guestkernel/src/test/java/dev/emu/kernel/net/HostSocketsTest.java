package dev.emu.kernel.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.abi.Sockets;
import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.testing.FakeHostNetwork;
import dev.emu.kernel.testing.Tasks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `--net host` sockets over a fake host network: Linux's semantics on top of a non-blocking host. */
class HostSocketsTest {
    private int inodes = 1;
    private final FakeHostNetwork host = new FakeHostNetwork();
    private final Network net = new Network(new Scheduler(), MemoryAccountant.of(64L << 20), () -> inodes++, host);
    private final Task task = Tasks.task(1);

    private static byte[] in(int a, int b, int c, int d, int port) {
        ByteBuffer buf = ByteBuffer.allocate(16);
        buf.order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) Sockets.AF_INET);
        buf.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
        buf.put(4, (byte) a).put(5, (byte) b).put(6, (byte) c).put(7, (byte) d);
        return buf.array();
    }

    private HostTcpSocket tcp(int flags) {
        return new HostTcpSocket(net, host.open(Sockets.AF_INET, Sockets.SOCK_STREAM).value(), Sockets.AF_INET, flags);
    }

    private FakeHostNetwork.Sock hostListener() {
        FakeHostNetwork.Sock l = host.hostSocket(Sockets.SOCK_STREAM);
        l.listen(4);
        return l;
    }

    /** A socket connected to {@code service} through a non-blocking connect. */
    private HostTcpSocket connectedTo(FakeHostNetwork.Sock service) {
        HostTcpSocket s = tcp(Sockets.SOCK_NONBLOCK);
        assertThat(s.connect(task, in(127, 0, 0, 1, service.port()))).isEqualTo(Errno.EINPROGRESS.ret());
        net.pollHost(0);
        assertThat(s.connect(task, in(127, 0, 0, 1, service.port()))).isZero();
        return s;
    }

    private static int intOption(SocketFile s, Task t, int level, int name) {
        return ByteBuffer.wrap(s.getOption(t, level, name).value()).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Test
    void aBlockingConnectAndReadParkUntilTheIdleHookSeesTheHost() {
        FakeHostNetwork.Sock service = hostListener();
        HostTcpSocket s = tcp(0);
        assertThat(s.connect(task, in(127, 0, 0, 1, service.port()))).as("the host connect is in progress")
                .isEqualTo(SyscallResults.RESTART);
        assertThat(task.state()).isEqualTo(TaskState.BLOCKED);
        assertThat(net.hostWaiting()).isTrue();
        net.pollHost(1_000_000);
        assertThat(task.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(s.connect(task, in(127, 0, 0, 1, service.port()))).as("the re-executed connect").isZero();
        FakeHostNetwork.Sock conn = service.acceptNow();

        assertThat(s.recv(task, 16, 0).status()).isEqualTo(SyscallResults.RESTART);
        assertThat(net.hostWaiting()).isTrue();
        net.pollHost(0);
        assertThat(task.state()).as("nothing arrived").isEqualTo(TaskState.BLOCKED);
        conn.send("hello");
        net.pollHost(0);
        assertThat(task.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(net.hostWaiting()).as("what arrived is read ahead: nothing more is wanted").isFalse();
        assertThat(new String(s.recv(task, 3, Sockets.MSG_PEEK).data())).isEqualTo("hel");
        assertThat(new String(s.recv(task, 16, 0).data())).isEqualTo("hello");
        assertThat(s.send(task, OutgoingMessage.of("back".getBytes()), 0)).isEqualTo(4);
        assertThat(new String(conn.unread())).isEqualTo("back");
        assertThat(s.peerAddress()).isNotNull();
    }

    @Test
    void aNonBlockingConnectToAClosedPortEndsInSoErrorAndPollErr() {
        HostTcpSocket s = tcp(Sockets.SOCK_NONBLOCK);
        assertThat(s.connect(task, in(127, 0, 0, 1, 9))).isEqualTo(Errno.EINPROGRESS.ret());
        assertThat(s.poll(task, PollTable.NONE)).as("SYN_SENT").isZero();
        assertThat(s.connect(task, in(127, 0, 0, 1, 9))).isEqualTo(Errno.EALREADY.ret());
        net.pollHost(0);
        int mask = s.poll(task, PollTable.NONE);
        assertThat(mask).as("tcp_poll after the reset: closed, both ways shut, an error")
                .isEqualTo(PollEvents.POLLIN | PollEvents.POLLRDNORM | PollEvents.POLLRDHUP | PollEvents.POLLOUT
                        | PollEvents.POLLWRNORM | PollEvents.POLLHUP | PollEvents.POLLERR);
        assertThat(intOption(s, task, Sockets.SOL_SOCKET, Sockets.SO_ERROR)).isEqualTo(Errno.ECONNREFUSED.number);
        assertThat(intOption(s, task, Sockets.SOL_SOCKET, Sockets.SO_ERROR)).as("reported once").isZero();
        assertThat(s.connect(task, in(127, 0, 0, 1, 9))).as("__inet_stream_connect's sock_error with no error left")
                .isEqualTo(Errno.ECONNABORTED.ret());
    }

    @Test
    void aNonBlockingConnectIsAlreadyThenDoneThenConnected() {
        FakeHostNetwork.Sock service = hostListener();
        HostTcpSocket s = tcp(Sockets.SOCK_NONBLOCK);
        assertThat(s.connect(task, in(127, 0, 0, 1, service.port()))).isEqualTo(Errno.EINPROGRESS.ret());
        assertThat(net.hostWaiting()).as("nobody waits").isFalse();
        net.pollHost(0);
        assertThat(s.poll(task, PollTable.NONE) & PollEvents.POLLOUT).as("connected by the host").isNotZero();
        assertThat(s.connect(task, in(127, 0, 0, 1, service.port()))).as("the first connect after EINPROGRESS").isZero();
        assertThat(s.connect(task, in(127, 0, 0, 1, service.port()))).isEqualTo(Errno.EISCONN.ret());
    }

    @Test
    void theEndOfStreamAndAResetAreLinuxs() {
        FakeHostNetwork.Sock service = hostListener();
        HostTcpSocket a = connectedTo(service);
        FakeHostNetwork.Sock conn = service.acceptNow();
        conn.send("x");
        conn.shutdown(Sockets.SHUT_WR);
        assertThat(a.poll(task, PollTable.NONE) & (PollEvents.POLLIN | PollEvents.POLLRDHUP))
                .isEqualTo(PollEvents.POLLIN | PollEvents.POLLRDHUP);
        assertThat(a.recv(task, 8, 0).data()).containsExactly('x');
        assertThat(a.recv(task, 8, 0).data()).as("end of file").isEmpty();

        HostTcpSocket b = connectedTo(service);
        service.acceptNow().resetPeer();
        assertThat(b.recv(task, 8, 0).status()).isEqualTo(Errno.ECONNRESET.ret());
        assertThat(b.recv(task, 8, 0).data()).as("then end of file").isEmpty();
        assertThat(b.send(task, OutgoingMessage.of(new byte[1]), Sockets.MSG_NOSIGNAL)).isEqualTo(Errno.EPIPE.ret());
    }

    @Test
    void aBlockingSendThatTheHostTakesInPiecesReturnsTheWholeCountOnce() {
        FakeHostNetwork.Sock service = hostListener();
        HostTcpSocket s = connectedTo(service);
        s.setStatusFlags(0);
        FakeHostNetwork.Sock conn = service.acceptNow();
        host.window = 4;
        byte[] data = "0123456789".getBytes();
        assertThat(s.send(task, OutgoingMessage.of(data), 0)).isEqualTo(SyscallResults.RESTART);
        assertThat(net.hostWaiting()).as("waits for room").isTrue();
        assertThat(new String(conn.unread())).isEqualTo("0123");
        net.pollHost(0);
        assertThat(task.state()).isEqualTo(TaskState.RUNNABLE);
        host.window = 100;
        assertThat(s.send(task, OutgoingMessage.of(data), 0)).as("the re-executed send goes on where it stopped").isEqualTo(10);
        assertThat(new String(conn.unread())).isEqualTo("456789");
    }

    @Test
    void aListenerPollsReadableWithAConnectionAndAcceptsIt() {
        HostTcpSocket server = tcp(0);
        assertThat(server.bind(task, in(127, 0, 0, 1, 0))).isZero();
        assertThat(server.listen(task, 8)).isZero();
        int port = ((InetAddress) server.localAddress()).port();
        assertThat(server.accept(task, 0).status()).isEqualTo(SyscallResults.RESTART);
        assertThat(net.hostWaiting()).isTrue();
        FakeHostNetwork.Sock client = host.hostSocket(Sockets.SOCK_STREAM);
        client.connect(new InetAddress(Sockets.AF_INET, new byte[] {127, 0, 0, 1}, port));
        net.pollHost(0);
        assertThat(task.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(server.poll(task, PollTable.NONE)).isEqualTo(PollEvents.POLLIN | PollEvents.POLLRDNORM);
        SocketFile.Accepted a = server.accept(task, Sockets.SOCK_NONBLOCK);
        assertThat(a.status()).isZero();
        assertThat(a.socket().statusFlags() & Sockets.SOCK_NONBLOCK).isNotZero();
        assertThat(a.socket().recv(task, 4, 0).status()).isEqualTo(Errno.EAGAIN.ret());
        assertThat(server.accept(task, Sockets.SOCK_NONBLOCK).status()).isEqualTo(SyscallResults.RESTART);
    }

    @Test
    void aConnectionThatAPollTakesFromTheHostStillWakesAnEpoll() {
        HostTcpSocket server = tcp(0);
        server.bind(task, in(127, 0, 0, 1, 0));
        server.listen(task, 8);
        dev.emu.kernel.poll.EpollFile ep = new dev.emu.kernel.poll.EpollFile(net.scheduler(), 0);
        assertThat(ep.add(task, server, 3, PollEvents.POLLIN, 0)).isZero();
        assertThat(ep.eventsAvailable()).isFalse();
        FakeHostNetwork.Sock client = host.hostSocket(Sockets.SOCK_STREAM);
        client.connect(new InetAddress(Sockets.AF_INET, new byte[] {127, 0, 0, 1}, ((InetAddress) server.localAddress()).port()));
        // a look whose answer nobody acts on (epoll's scan for timer deadlines) takes the connection
        server.poll(task, PollTable.NONE);
        assertThat(ep.eventsAvailable()).as("the epoll heard of it").isTrue();
    }

    @Test
    void udpTakesWholeDatagramsFromTheHost() {
        FakeHostNetwork.Sock echo = host.hostSocket(Sockets.SOCK_DGRAM);
        echo.bind(new InetAddress(Sockets.AF_INET, new byte[] {127, 0, 0, 1}, 5353));
        HostUdpSocket u = new HostUdpSocket(net, host.open(Sockets.AF_INET, Sockets.SOCK_DGRAM).value(), Sockets.AF_INET, 0);
        assertThat(u.send(task, new OutgoingMessage("ping".getBytes(), in(127, 0, 0, 1, 5353), List.of(), null), 0)).isEqualTo(4);
        assertThat(new String(echo.datagrams().getFirst().data())).isEqualTo("ping");
        assertThat(u.recv(task, 16, 0).status()).isEqualTo(SyscallResults.RESTART);
        echo.send("pong!".getBytes(), echo.datagrams().getFirst().from());
        net.pollHost(0);
        assertThat(task.state()).isEqualTo(TaskState.RUNNABLE);
        ReceivedMessage peek = u.recv(task, 2, Sockets.MSG_PEEK);
        assertThat(peek.data()).hasSize(2);
        assertThat(peek.fullLength()).as("MSG_TRUNC's full length").isEqualTo(5);
        ReceivedMessage m = u.recv(task, 16, 0);
        assertThat(new String(m.data())).isEqualTo("pong!");
        assertThat(((InetAddress) m.from()).port()).isEqualTo(5353);
    }

    @Test
    void optionsTheHostKeepsAreTheHostsAndV6OnlyIsTheKernels() {
        HostTcpSocket s = tcp(0);
        byte[] one = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1000).array();
        assertThat(s.setOption(task, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, one)).isZero();
        assertThat(intOption(s, task, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF)).as("as the host doubles it").isEqualTo(2000);
        assertThat(s.setOption(task, Sockets.SOL_TCP, Sockets.TCP_KEEPIDLE, new byte[4])).isEqualTo(Errno.EINVAL.ret());
        assertThat(s.setOption(task, Sockets.SOL_TCP, Sockets.TCP_NODELAY, one)).isZero();
        assertThat(intOption(s, task, Sockets.SOL_TCP, Sockets.TCP_NODELAY)).isEqualTo(1);
        assertThat(s.setOption(task, Sockets.SOL_SOCKET, 9999, one)).isEqualTo(Errno.ENOPROTOOPT.ret());
    }

    @Test
    void aSocketNobodyWaitsOnDoesNotKeepTheKernelWaitingAndCloseForgetsIt() {
        HostTcpSocket s = tcp(0);
        s.listen(task, 1);
        assertThat(net.hostWaiting()).isFalse();
        assertThat(net.hostSockets()).containsExactly(s);
        s.release();
        assertThat(net.hostSockets()).isEmpty();
    }
}
