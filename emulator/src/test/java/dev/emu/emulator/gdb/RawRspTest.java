package dev.emu.emulator.gdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stub driven byte by byte: valid packets, malformed ones, and the emulator surviving them. */
@Tag("integration")
class RawRspTest {
    @TempDir
    Path tmp;

    /** A minimal RSP client in ack mode. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        static String frame(String payload) {
            int sum = 0;
            for (byte b : payload.getBytes(StandardCharsets.ISO_8859_1)) {
                sum += b & 0xff;
            }
            return "$" + payload + "#" + String.format("%02x", sum & 0xff);
        }

        void sendRaw(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Sends a packet and returns the reply's payload (checking the ack and checksum). */
        String ask(String payload) throws IOException {
            sendRaw(frame(payload));
            assertThat((char) in.read()).as("ack for " + payload).isEqualTo('+');
            return reply();
        }

        String reply() throws IOException {
            int c;
            while ((c = in.read()) != '$') {
                if (c < 0) {
                    throw new IOException("closed");
                }
            }
            StringBuilder sb = new StringBuilder();
            while ((c = in.read()) != '#') {
                sb.append((char) c);
            }
            String cs = "" + (char) in.read() + (char) in.read();
            assertThat(frame(sb.toString())).endsWith("#" + cs);
            sendRaw("+");
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void validAndMalformedPacketsThenRunToExit() throws Exception {
        Path demo = EmuUnderGdb.imagesDir().resolve("debug/gdbdemo");
        try (EmuUnderGdb emu = new EmuUnderGdb(tmp, demo.toString()); Client c = new Client(emu.port)) {
            assertThat(c.ask("qSupported:multiprocess+;swbreak+")).contains("PacketSize=4000")
                    .contains("qXfer:features:read+").contains("QCatchSyscalls+");
            assertThat(c.ask("?")).isEqualTo("T05thread:1;");
            assertThat(c.ask("qXfer:features:read:target.xml:0,fff")).startsWith("m<?xml")
                    .contains("<architecture>i386:x86-64</architecture>");
            String g = c.ask("g");
            assertThat(g).hasSize(2 * (16 * 8 + 8 + 4 + 6 * 4 + 8 * 10 + 8 * 4 + 16 * 16 + 4 + 3 * 8));
            assertThat(c.ask("p10")).isEqualTo("f014400000000000"); // rip = entry 0x4014f0
            assertThat(c.ask("p11")).hasSize(8); // eflags: 4 bytes
            assertThat(c.ask("m4014f0,2")).isEqualTo("31ed"); // xor %ebp,%ebp
            assertThat(c.ask("qfThreadInfo")).isEqualTo("m1");
            assertThat(c.ask("qsThreadInfo")).isEqualTo("l");
            assertThat(c.ask("qC")).isEqualTo("QC1");
            assertThat(c.ask("vCont?")).isEqualTo("vCont;c;C;s;S");

            // Malformed or unsupported: an error or the empty reply, never a dead emulator.
            assertThat(c.ask("m")).isEqualTo("E01");
            assertThat(c.ask("mzz,4")).isEqualTo("E01");
            assertThat(c.ask("m0,4")).isEqualTo("E14"); // unmapped
            assertThat(c.ask("pfff")).isEqualTo("E01");
            assertThat(c.ask("P10=12")).isEqualTo("E01"); // wrong size
            assertThat(c.ask("G00")).isEqualTo("E01");
            assertThat(c.ask("M4014f0,2:zz")).isEqualTo("E01");
            assertThat(c.ask("Z9,0,0")).isEmpty();
            assertThat(c.ask("Z0")).isEqualTo("E01");
            assertThat(c.ask("Hg999")).isEqualTo("E01");
            assertThat(c.ask("T999")).isEqualTo("E01");
            assertThat(c.ask("vCont;x")).isEqualTo("E01");
            assertThat(c.ask("QCatchSyscalls:7")).isEqualTo("E01");
            assertThat(c.ask("qXfer:features:read:other.xml:0,10")).isEqualTo("E00");
            assertThat(c.ask("unknown-packet")).isEmpty();
            assertThat(c.ask("")).isEmpty();
            c.sendRaw("$g#00"); // bad checksum: a '-' and no reply
            assertThat((char) c.in.read()).isEqualTo('-');
            c.sendRaw("garbage\u0003+++"); // noise between packets is skipped
            assertThat(c.ask("?")).isEqualTo("T05thread:1;");

            // Still a working stub: one step, a breakpoint, a syscall catch, then the exit.
            assertThat(c.ask("s")).isEqualTo("T05thread:1;");
            assertThat(c.ask("p10")).isEqualTo("f214400000000000"); // xor %ebp,%ebp is 2 bytes
            assertThat(c.ask("Z0,401624,1")).isEqualTo("OK"); // *main
            assertThat(c.ask("c")).isEqualTo("T05swbreak:;thread:1;");
            assertThat(c.ask("p10")).isEqualTo("2416400000000000");
            assertThat(c.ask("z0,401624,1")).isEqualTo("OK");
            assertThat(c.ask("QCatchSyscalls:1;1")).isEqualTo("OK"); // write
            assertThat(c.ask("vCont;c")).isEqualTo("T05syscall_entry:1;thread:1;");
            assertThat(c.ask("p39")).isEqualTo("0100000000000000"); // orig_rax = 1
            assertThat(c.ask("c")).isEqualTo("T05syscall_return:1;thread:1;");
            assertThat(c.ask("QCatchSyscalls:0")).isEqualTo("OK");
            assertThat(c.ask("c")).isEqualTo("W00");
        }
        // (emu's status is checked by the other tests; here the stub must not have crashed it)
    }

    @Test
    void noAckModeAndKill() throws Exception {
        Path demo = EmuUnderGdb.imagesDir().resolve("debug/gdbdemo");
        try (EmuUnderGdb emu = new EmuUnderGdb(tmp, demo.toString()); Client c = new Client(emu.port)) {
            assertThat(c.ask("QStartNoAckMode")).isEqualTo("OK");
            c.sendRaw(Client.frame("?"));
            assertThat(c.reply()).isEqualTo("T05thread:1;");
            c.sendRaw(Client.frame("k"));
            assertThat(emu.waitFor()).isEqualTo(137);
        }
    }

    @Test
    void gdbDisconnectingLetsTheGuestRunOn() throws Exception {
        Path demo = EmuUnderGdb.imagesDir().resolve("debug/gdbdemo");
        try (EmuUnderGdb emu = new EmuUnderGdb(tmp, demo.toString())) {
            try (Client c = new Client(emu.port)) {
                assertThat(c.ask("?")).isEqualTo("T05thread:1;");
            }
            assertThat(emu.waitFor()).isZero();
            assertThat(emu.stdout()).isEqualTo("gdbdemo: counter is 14\n");
        }
    }
}
