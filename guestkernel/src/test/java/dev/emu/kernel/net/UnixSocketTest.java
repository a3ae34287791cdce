package dev.emu.kernel.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.abi.Sockets;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.Pipe;
import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.testing.Tasks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AF_UNIX sockets without a kernel: the queues, files in flight, readiness and the name table. */
class UnixSocketTest {
    private final Scheduler scheduler = new Scheduler();
    private final MemoryAccountant memory = MemoryAccountant.of(64L << 20);
    private int inodes = 100;
    private final Network net = new Network(scheduler, memory, () -> inodes++);
    private final Task task = Tasks.task(1);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ReceivedMessage m) {
        return new String(m.data(), StandardCharsets.UTF_8);
    }

    private static byte[] abstractName(String name) {
        byte[] n = bytes(name);
        byte[] raw = new byte[3 + n.length];
        raw[0] = Sockets.AF_UNIX;
        System.arraycopy(n, 0, raw, 3, n.length);
        return raw;
    }

    @Test
    void aStreamPairGluesWritesAndAnEmptyQueueBlocksTheReader() {
        UnixStreamSocket[] p = UnixStreamSocket.pair(net, task, Sockets.SOCK_STREAM, 0);
        assertThat(p[0].send(task, OutgoingMessage.of(bytes("ab")), 0)).isEqualTo(2);
        assertThat(p[0].send(task, OutgoingMessage.of(bytes("cd")), 0)).isEqualTo(2);
        assertThat(text(p[1].recv(task, 16, 0))).isEqualTo("abcd");
        Task reader = Tasks.task(2);
        assertThat(p[1].recv(reader, 16, 0).status()).isEqualTo(SyscallResults.RESTART);
        assertThat(reader.state()).isEqualTo(TaskState.BLOCKED);
        scheduler.put(reader);
        p[0].send(task, OutgoingMessage.of(bytes("e")), 0);
        assertThat(reader.state()).isEqualTo(TaskState.RUNNABLE);
    }

    @Test
    void seqpacketKeepsRecordsAndReportsTheFullLength() {
        UnixStreamSocket[] p = UnixStreamSocket.pair(net, task, Sockets.SOCK_SEQPACKET, 0);
        p[0].send(task, OutgoingMessage.of(bytes("first")), 0);
        p[0].send(task, OutgoingMessage.of(bytes("second")), 0);
        ReceivedMessage m = p[1].recv(task, 3, 0);
        assertThat(text(m)).isEqualTo("fir");
        assertThat(m.fullLength()).isEqualTo(5);
        assertThat(text(p[1].recv(task, 16, 0))).isEqualTo("second");
    }

    @Test
    void filesInFlightStayOpenUntilReceivedOrDropped() {
        UnixStreamSocket[] p = UnixStreamSocket.pair(net, task, Sockets.SOCK_STREAM, 0);
        Pipe pipe = new Pipe(scheduler, 1, 0);
        File readEnd = pipe.readEnd();
        p[0].send(task, new OutgoingMessage(bytes("x"), null, List.of(readEnd), null), 0);
        readEnd.release(); // the sender's fd closed: the message holds the file
        assertThat(readEnd.references()).isEqualTo(1);
        ReceivedMessage peeked = p[1].recv(task, 1, Sockets.MSG_PEEK);
        assertThat(peeked.rights()).containsExactly(readEnd);
        assertThat(readEnd.references()).isEqualTo(2);
        peeked.dropRights();
        p[1].release(); // closing the receiver drops the message and its file
        assertThat(readEnd.references()).isZero();
    }

    @Test
    void aFullSendBufferIsEagainWhenNonBlockingAndMemoryReturnsAtClose() {
        UnixStreamSocket[] p = UnixStreamSocket.pair(net, task, Sockets.SOCK_STREAM, Sockets.SOCK_NONBLOCK);
        byte[] chunk = new byte[4096];
        int writes = 0;
        while (p[0].send(task, OutgoingMessage.of(chunk), 0) == chunk.length) {
            writes++;
        }
        assertThat(writes).as("4 KiB writes that fit Linux's default 212992-byte buffer").isEqualTo(44);
        assertThat(p[0].send(task, OutgoingMessage.of(chunk), 0)).isEqualTo(Errno.EAGAIN.ret());
        assertThat(p[0].poll(task, PollTable.NONE) & PollEvents.POLLOUT).isZero();
        assertThat(memory.charged()).isPositive();
        p[0].release();
        p[1].release();
        assertThat(memory.charged()).isZero();
    }

    @Test
    void pollReportsDataHangupAndWritability() {
        UnixStreamSocket[] p = UnixStreamSocket.pair(net, task, Sockets.SOCK_STREAM, 0);
        List<WaitQueue> registered = new ArrayList<>();
        assertThat(p[1].poll(task, registered::add)).isEqualTo(PollEvents.POLLOUT | PollEvents.POLLWRNORM | PollEvents.POLLWRBAND);
        assertThat(registered).hasSize(1);
        p[0].send(task, OutgoingMessage.of(bytes("x")), 0);
        assertThat(p[1].poll(task, PollTable.NONE) & PollEvents.POLLIN).isNotZero();
        p[0].release();
        int mask = p[1].poll(task, PollTable.NONE);
        assertThat(mask & (PollEvents.POLLHUP | PollEvents.POLLRDHUP | PollEvents.POLLIN))
                .isEqualTo(PollEvents.POLLHUP | PollEvents.POLLRDHUP | PollEvents.POLLIN);
        UnixStreamSocket fresh = new UnixStreamSocket(net, Sockets.SOCK_STREAM, 0);
        assertThat(fresh.poll(task, PollTable.NONE) & PollEvents.POLLHUP).as("unix_poll: an unconnected stream hangs up").isNotZero();
    }

    @Test
    void anAbstractListenerQueuesConnectionsUpToItsBacklog() {
        UnixStreamSocket server = new UnixStreamSocket(net, Sockets.SOCK_STREAM, 0);
        assertThat(server.bind(task, abstractName("srv"))).isZero();
        assertThat(server.listen(task, 0)).isZero();
        assertThat(server.poll(task, PollTable.NONE)).isZero();
        UnixStreamSocket c1 = new UnixStreamSocket(net, Sockets.SOCK_STREAM, 0);
        UnixStreamSocket c2 = new UnixStreamSocket(net, Sockets.SOCK_STREAM, Sockets.SOCK_NONBLOCK);
        assertThat(c1.connect(task, abstractName("srv"))).isZero();
        assertThat(c2.connect(task, abstractName("srv"))).as("backlog 0 holds one").isEqualTo(Errno.EAGAIN.ret());
        assertThat(server.poll(task, PollTable.NONE) & PollEvents.POLLIN).isNotZero();
        SocketFile.Accepted a = server.accept(task, 0);
        assertThat(a.status()).isZero();
        assertThat(a.socket().localAddress()).isEqualTo(server.localAddress());
        assertThat(a.socket().peerAddress()).isEqualTo(UnixAddress.UNNAMED);
        c1.send(task, OutgoingMessage.of(bytes("hi")), 0);
        assertThat(text(a.socket().recv(task, 8, 0))).isEqualTo("hi");
        UnixStreamSocket other = new UnixStreamSocket(net, Sockets.SOCK_STREAM, 0);
        assertThat(other.bind(task, abstractName("srv"))).isEqualTo(Errno.EADDRINUSE.ret());
        server.release();
        assertThat(c2.connect(task, abstractName("srv"))).isEqualTo(Errno.ECONNREFUSED.ret());
        assertThat(other.bind(task, abstractName("srv"))).as("the name is free once its socket is gone").isZero();
    }

    @Test
    void autobindNamesAreTheSameEveryRun() {
        UnixDatagramSocket a = new UnixDatagramSocket(net, 0);
        UnixDatagramSocket b = new UnixDatagramSocket(net, 0);
        byte[] family = {Sockets.AF_UNIX, 0};
        a.bind(task, family);
        b.bind(task, family);
        assertThat(a.localAddress()).hasToString("@00000");
        assertThat(b.localAddress()).hasToString("@00001");
    }

    @Test
    void datagramsToAConnectedSocketComeOnlyFromItsPeer() {
        UnixDatagramSocket r = new UnixDatagramSocket(net, 0);
        UnixDatagramSocket s = new UnixDatagramSocket(net, 0);
        UnixDatagramSocket stranger = new UnixDatagramSocket(net, 0);
        r.bind(task, abstractName("r"));
        s.bind(task, abstractName("s"));
        assertThat(r.connect(task, abstractName("s"))).isZero();
        assertThat(stranger.send(task, new OutgoingMessage(bytes("x"), abstractName("r"), List.of(), null), 0))
                .isEqualTo(Errno.EPERM.ret());
        assertThat(s.send(task, new OutgoingMessage(bytes("ok"), abstractName("r"), List.of(), null), 0)).isEqualTo(2);
        ReceivedMessage m = r.recv(task, 8, 0);
        assertThat(text(m)).isEqualTo("ok");
        assertThat(m.from()).isEqualTo(s.localAddress());
    }

    @Test
    void aBlockingStreamWriteBiggerThanTheBufferIsQueuedWholeOnceThereIsRoom() {
        UnixStreamSocket[] p = UnixStreamSocket.pair(net, task, Sockets.SOCK_STREAM, 0);
        byte[] big = new byte[500_000];
        assertThat(p[0].send(task, OutgoingMessage.of(big), 0)).isEqualTo(big.length);
        Task writer = Tasks.task(3);
        assertThat(p[0].send(writer, OutgoingMessage.of(new byte[1]), 0)).as("the buffer is full now")
                .isEqualTo(SyscallResults.RESTART);
        scheduler.put(writer);
        int read = 0;
        while (read < big.length) {
            read += p[1].recv(task, 65536, 0).data().length;
        }
        assertThat(writer.state()).isEqualTo(TaskState.RUNNABLE);
    }
}
