package dev.emu.kernel.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.Sockets;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.testing.Tasks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loopback INET stack: only the guest's own addresses exist, ports are deterministic. */
class LoopbackTest {
    private int inodes = 1;
    private final Network net = new Network(new Scheduler(), MemoryAccountant.of(64L << 20), () -> inodes++);
    private final Task task = Tasks.task(1);

    private static byte[] in(int a, int b, int c, int d, int port) {
        ByteBuffer buf = ByteBuffer.allocate(16);
        buf.order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) Sockets.AF_INET);
        buf.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
        buf.put(4, (byte) a).put(5, (byte) b).put(6, (byte) c).put(7, (byte) d);
        return buf.array();
    }

    @Test
    void everyDestinationOffTheLoopbackIsUnreachable() {
        TcpSocket tcp = new TcpSocket(net, Sockets.AF_INET, 0);
        assertThat(tcp.connect(task, in(93, 184, 216, 34, 80))).isEqualTo(Errno.ENETUNREACH.ret());
        UdpSocket udp = new UdpSocket(net, Sockets.AF_INET, 0);
        assertThat(udp.send(task, new OutgoingMessage(new byte[1], in(8, 8, 8, 8, 53), List.of(), null), 0))
                .isEqualTo(Errno.ENETUNREACH.ret());
        assertThat(udp.bind(task, in(10, 0, 0, 1, 0))).isEqualTo(Errno.EADDRNOTAVAIL.ret());
    }

    @Test
    void ephemeralPortsStartAt32768InOrder() {
        TcpSocket a = new TcpSocket(net, Sockets.AF_INET, 0);
        TcpSocket b = new TcpSocket(net, Sockets.AF_INET, 0);
        a.bind(task, in(127, 0, 0, 1, 0));
        b.bind(task, in(0, 0, 0, 0, 0));
        assertThat(((InetAddress) a.localAddress()).port()).isEqualTo(32768);
        assertThat(((InetAddress) b.localAddress()).port()).isEqualTo(32769);
    }

    @Test
    void aListenerOnTheWildcardTakesConnectionsTo127Slash8AndClosedPortsRefuse() {
        TcpSocket server = new TcpSocket(net, Sockets.AF_INET, 0);
        assertThat(server.bind(task, in(0, 0, 0, 0, 8080))).isZero();
        TcpSocket taken = new TcpSocket(net, Sockets.AF_INET, 0);
        assertThat(taken.bind(task, in(127, 0, 0, 1, 8080))).isEqualTo(Errno.EADDRINUSE.ret());
        TcpSocket early = new TcpSocket(net, Sockets.AF_INET, 0);
        assertThat(early.connect(task, in(127, 0, 0, 1, 8080))).as("bound, not listening").isEqualTo(Errno.ECONNREFUSED.ret());
        server.listen(task, 4);
        TcpSocket client = new TcpSocket(net, Sockets.AF_INET, 0);
        assertThat(client.connect(task, in(127, 1, 2, 3, 8080))).isZero();
        SocketFile.Accepted a = server.accept(task, 0);
        assertThat(a.status()).isZero();
        assertThat(a.socket().localAddress()).hasToString("127.1.2.3:8080");
        assertThat(a.socket().peerAddress()).isEqualTo(client.localAddress());
        client.send(task, OutgoingMessage.of(new byte[] {42}), 0);
        assertThat(a.socket().recv(task, 4, 0).data()).containsExactly(42);
        a.socket().release();
        assertThat(client.recv(task, 4, 0).data()).as("FIN: end of file").isEmpty();
    }

    @Test
    void readinessFollowsTcpPollAndDatagramPoll() {
        TcpSocket fresh = new TcpSocket(net, Sockets.AF_INET, 0);
        assertThat(fresh.poll(task, PollTable.NONE)).as("tcp_poll of a closed socket: hung up, writable")
                .isEqualTo(PollEvents.POLLOUT | PollEvents.POLLWRNORM | PollEvents.POLLHUP);
        TcpSocket server = new TcpSocket(net, Sockets.AF_INET, 0);
        server.bind(task, in(127, 0, 0, 1, 9000));
        server.listen(task, 1);
        assertThat(server.poll(task, PollTable.NONE)).isZero();
        TcpSocket client = new TcpSocket(net, Sockets.AF_INET, 0);
        client.connect(task, in(127, 0, 0, 1, 9000));
        assertThat(server.poll(task, PollTable.NONE)).isEqualTo(PollEvents.POLLIN | PollEvents.POLLRDNORM);
        SocketFile conn = server.accept(task, 0).socket();
        assertThat(client.poll(task, PollTable.NONE)).isEqualTo(PollEvents.POLLOUT | PollEvents.POLLWRNORM);
        conn.send(task, OutgoingMessage.of(new byte[] {1}), 0);
        assertThat(client.poll(task, PollTable.NONE) & PollEvents.POLLIN).isNotZero();
        conn.shutdown(task, Sockets.SHUT_WR);
        assertThat(client.poll(task, PollTable.NONE) & PollEvents.POLLRDHUP).as("the FIN").isNotZero();

        UdpSocket udp = new UdpSocket(net, Sockets.AF_INET, 0);
        udp.bind(task, in(127, 0, 0, 1, 9001));
        assertThat(udp.poll(task, PollTable.NONE)).isEqualTo(PollEvents.POLLOUT | PollEvents.POLLWRNORM | PollEvents.POLLWRBAND);
        new UdpSocket(net, Sockets.AF_INET, 0).send(task, new OutgoingMessage(new byte[3], in(127, 0, 0, 1, 9001), List.of(), null), 0);
        assertThat(udp.poll(task, PollTable.NONE) & PollEvents.POLLIN).isNotZero();
    }
}
