package dev.emu.emulator.gdb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The GDB Remote Serial Protocol's framing: {@code $payload#cs} packets with a modulo-256
 * checksum, {@code +}/{@code -} acknowledgements, the {@code 0x03} interrupt byte, and the
 * {@code }} escape of binary data (gdb's "Overview" and "Binary data" sections).
 *
 * <p>A connection: {@link #read} runs on the one reader thread, {@link #send} on any thread.
 */
final class Rsp {
    /** What {@link #read} returns for the interrupt byte (Ctrl-C in gdb). */
    static final String INTERRUPT = "\u0003";

    private final InputStream in;
    private final OutputStream out;
    private volatile boolean noAck;
    private byte[] lastSent = new byte[0];

    Rsp(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    void setNoAck(boolean noAck) {
        this.noAck = noAck;
    }

    /**
     * The next packet's payload (escapes not yet undone: only {@code X} carries binary), or
     * {@link #INTERRUPT}, or null at end of stream. A packet with a bad checksum is answered with
     * {@code -} (gdb resends it) and skipped; {@code -} from gdb resends our last packet.
     */
    String read() throws IOException {
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (c == 0x03) {
                return INTERRUPT;
            }
            if (c == '-') {
                writeRaw(lastSent);
                continue;
            }
            if (c != '$') {
                continue; // '+' acks and line noise
            }
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            int sum = 0;
            while ((c = in.read()) >= 0 && c != '#') {
                payload.write(c);
                sum += c;
            }
            int h1 = in.read();
            int h2 = in.read();
            if (c < 0 || h2 < 0) {
                return null;
            }
            int given = (Character.digit(h1, 16) << 4) | Character.digit(h2, 16);
            boolean ok = Character.digit(h1, 16) >= 0 && Character.digit(h2, 16) >= 0 && given == (sum & 0xff);
            if (!noAck) {
                writeRaw(new byte[] {(byte) (ok ? '+' : '-')});
            }
            if (ok) {
                return payload.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Sends one packet (the payload is ASCII or already escaped). */
    void send(String payload) throws IOException {
        byte[] p = payload.getBytes(StandardCharsets.ISO_8859_1);
        int sum = 0;
        for (byte b : p) {
            sum += b & 0xff;
        }
        byte[] frame = new byte[p.length + 4];
        frame[0] = '$';
        System.arraycopy(p, 0, frame, 1, p.length);
        frame[p.length + 1] = '#';
        frame[p.length + 2] = (byte) Character.forDigit((sum >> 4) & 0xf, 16);
        frame[p.length + 3] = (byte) Character.forDigit(sum & 0xf, 16);
        writeRaw(frame);
        lastSent = frame;
    }

    private synchronized void writeRaw(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    // ---- encodings -----------------------------------------------------------------------------

    static String hex(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len * 2);
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xff;
            sb.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 0xf, 16));
        }
        return sb.toString();
    }

    static String hex(byte[] b) {
        return hex(b, 0, b.length);
    }

    /** Decodes hex pairs; throws IllegalArgumentException on an odd length or a non-hex digit. */
    static byte[] unhex(String s) {
        if (s.length() % 2 != 0) {
            throw new IllegalArgumentException("odd hex length");
        }
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not hex: " + s);
            }
            b[i] = (byte) (hi << 4 | lo);
        }
        return b;
    }

    /** Parses an unsigned hex number (up to 64 bits); IllegalArgumentException if malformed. */
    static long parseHex(String s) {
        if (s.isEmpty() || s.length() > 16) {
            throw new IllegalArgumentException("bad hex number '" + s + "'");
        }
        return Long.parseUnsignedLong(s, 16);
    }

    /** The value as {@code size} little-endian bytes. */
    static byte[] littleEndian(long v, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size && i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    static long fromLittleEndian(byte[] b) {
        long v = 0;
        for (int i = Math.min(8, b.length) - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    /** Undoes the {@code }} escape of binary data ({@code X} packets). */
    static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '}' && i + 1 < s.length()) {
                out.write(s.charAt(++i) ^ 0x20);
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** Escapes {@code $ # } *} for binary replies (qXfer). */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '$' || c == '#' || c == '}' || c == '*') {
                sb.append('}').append((char) (c ^ 0x20));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
