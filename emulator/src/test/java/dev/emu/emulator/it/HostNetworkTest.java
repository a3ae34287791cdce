package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * `emu run --net host` (docs/network.md): guest sockets are host sockets. This test is the host:
 * it runs a TCP service and a UDP echo on 127.0.0.1 for a guest client, connects to a guest
 * server, and checks that without --net host the guest still reaches nothing outside itself.
 * Nothing here needs internet access.
 */
@Tag("integration")
class HostNetworkTest {
    @TempDir
    Path tmp;

    private static String image(String libc) {
        return DifferentialTest.imagesDir().resolve(libc).resolve("net_host").toString();
    }

    /** A host TCP service that answers one line per connection, then waits for the client's end. */
    private static Thread tcpService(ServerSocket server) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    try (Socket c = server.accept()) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
                        String line = in.readLine();
                        OutputStream out = c.getOutputStream();
                        out.write(("host says: " + line + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        while (in.read() >= 0) {
                            // until the guest's SHUT_WR
                        }
                    }
                }
            } catch (java.io.IOException closed) {
                // the test is over
            }
        });
    }

    private static Thread udpEcho(DatagramSocket socket) {
        return Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[1500];
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] reply = ("pong:" + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            } catch (java.io.IOException closed) {
                // the test is over
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"musl", "glibc"})
    void aGuestClientReachesTcpAndUdpServicesOnTheHost(String libc) throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket tcp = new ServerSocket(0, 4, lo); DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            tcpService(tcp);
            udpEcho(udp);
            Path serial = tmp.resolve("serial.log");
            EmuCli.Result r = EmuCli.run(tmp, "run", "--net", "host", "--serial-log", serial.toString(),
                    image(libc), "client", String.valueOf(tcp.getLocalPort()), String.valueOf(udp.getLocalPort()));
            assertThat(r.status()).as(r.stderr()).isZero();
            assertThat(r.stdout()).isEqualTo("""
                    localhost is 127.0.0.1
                    connect: 0
                    peer port is the server's: 1, local address 127.0.0.1, ephemeral port: 1
                    setsockopt TCP_NODELAY: 0
                    setsockopt SO_KEEPALIVE: 0
                    TCP_NODELAY 1 SO_KEEPALIVE 1 SO_TYPE 1 SO_ERROR 0
                    send: 21
                    poll POLLIN: 1
                    peeked 4: host
                    reply: host says: hello from the guest
                    shutdown SHUT_WR: 0
                    read at the end: 0
                    non-blocking connect: EINPROGRESS
                    POLLOUT 1 POLLERR 1
                    SO_ERROR: Connection refused
                    sendto: 4
                    poll udp: 1
                    FIONREAD 9
                    peek with MSG_TRUNC: 9
                    udp reply 9: pong:ping from the echo port: 1
                    nothing more: EAGAIN
                    """);
            assertThat(Files.readString(serial)).contains("network host").contains("not deterministic");
        }
    }

    @Test
    void theHostConnectsToAGuestServer() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Path out = tmp.resolve("server.out");
        Process emu = new ProcessBuilder(EmuCli.command("run", "--net", "host", "--timeout", "60", "--trace-syscalls", "--trace-time", "--trace-file", tmp.resolve("trace").toString(), image("musl"), "server", String.valueOf(port)))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(tmp.resolve("server.err").toFile()).start();
        try {
            Socket s = null;
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (s == null) {
                try {
                    s = new Socket(InetAddress.getByName("127.0.0.1"), port);
                } catch (java.net.ConnectException notYet) {
                    assertThat(System.nanoTime()).as("the guest server listens").isLessThan(giveUp);
                    assertThat(emu.isAlive()).as("emu is running").isTrue();
                    Thread.sleep(100);
                }
            }
            try (Socket conn = s) {
                conn.getOutputStream().write("hi from the host\n".getBytes(StandardCharsets.UTF_8));
                String reply = new BufferedReader(new InputStreamReader(conn.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertThat(reply).isEqualTo("guest got: hi from the host");
            }
            assertThat(emu.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(emu.exitValue()).as(Files.readString(tmp.resolve("server.err"))).isZero();
            assertThat(Files.readString(out)).as(Files.readString(tmp.resolve("trace"))).isEqualTo("""
                    bind: 0
                    listen: 0
                    epoll_wait: 1
                    accepted from 127.0.0.1, O_NONBLOCK 1, FD_CLOEXEC 1
                    got: hi from the host
                    write: 28
                    """);
        } finally {
            emu.destroyForcibly();
        }
    }

    @Test
    void twoGuestProcessesTalkThroughTheHostsLoopbackAsOnTheirOwn() throws Exception {
        EmuCli.Result host = EmuCli.run(tmp, "run", "--net", "host", image("glibc"), "pair");
        EmuCli.Result own = EmuCli.run(tmp, "run", image("glibc"), "pair");
        assertThat(host.status()).as(host.stderr()).isZero();
        assertThat(host.stdout()).isEqualTo(own.stdout()).contains("received 300000 bytes, intact 1");
    }

    @Test
    void withoutNetHostAnOutsideAddressIsUnreachable() throws Exception {
        EmuCli.Result r = EmuCli.run(tmp, "run", image("musl"), "unreach");
        assertThat(r.stdout()).isEqualTo("connect 192.0.2.1: -1 Network unreachable\nsendto 192.0.2.1: -1 Network unreachable\n");
    }

    @Test
    void timeoutStopsAGuestBlockedOnAHostSocketWithoutSpinning() throws Exception {
        long start = System.nanoTime();
        Path serial = tmp.resolve("serial.log");
        EmuCli.Result r = EmuCli.run(tmp, "run", "--net", "host", "--timeout", "3", "--serial-log", serial.toString(),
                image("musl"), "acceptwait");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(r.status()).isEqualTo(124);
        assertThat(r.stdout()).isEqualTo("waiting\n");
        assertThat(seconds).isLessThan(30);
        assertThat(Files.readString(serial)).contains("timeout: stopping the guest").doesNotContain("deadlock");
    }

    @Test
    void badNetModeIsAUsageError() throws Exception {
        EmuCli.Result r = EmuCli.run(tmp, "run", "--net", "internet", image("musl"), "pair");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).contains("--net must be 'loopback' or 'host'");
    }
}
