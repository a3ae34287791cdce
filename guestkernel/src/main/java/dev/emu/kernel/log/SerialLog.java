package dev.emu.kernel.log;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The one serial stream CI asserts on: kernel log lines interleaved with everything the guest
 * writes to its console, in the order they happened.
 *
 * <p>Console bytes are copied as they are; kernel lines always start on a fresh line, so a
 * guest that leaves a line unterminated does not glue its text to a kernel message.
 */
public final class SerialLog {
    private final OutputStream sink;
    private boolean atLineStart = true;

    /** @param sink where the stream goes, or null to discard it */
    public SerialLog(OutputStream sink) {
        this.sink = sink;
    }

    /** Appends guest console output. */
    public void console(byte[] b, int off, int len) {
        if (sink == null || len == 0) {
            return;
        }
        write(b, off, len);
        atLineStart = b[off + len - 1] == '\n';
    }

    /** Appends one kernel line (without newline), starting a new line if needed. */
    public void kernelLine(String line) {
        if (sink == null) {
            return;
        }
        StringBuilder sb = new StringBuilder(line.length() + 2);
        if (!atLineStart) {
            sb.append('\n');
        }
        sb.append(line).append('\n');
        byte[] b = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(b, 0, b.length);
        atLineStart = true;
    }

    public void flush() {
        if (sink == null) {
            return;
        }
        try {
            sink.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(byte[] b, int off, int len) {
        try {
            sink.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException("serial log: " + e.getMessage(), e);
        }
    }
}
