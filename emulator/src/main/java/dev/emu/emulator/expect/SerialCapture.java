package dev.emu.emulator.expect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A serial sink that keeps a copy of everything for `--expect` and forwards it to the
 * --serial-log sink, if there is one.
 */
public final class SerialCapture extends OutputStream {
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
    private final OutputStream forward;

    /** @param forward the --serial-log stream, or null */
    public SerialCapture(OutputStream forward) {
        this.forward = forward;
    }

    @Override
    public void write(int b) throws IOException {
        copy.write(b);
        if (forward != null) {
            forward.write(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        copy.write(b, off, len);
        if (forward != null) {
            forward.write(b, off, len);
        }
    }

    @Override
    public void flush() throws IOException {
        if (forward != null) {
            forward.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (forward != null) {
            forward.close();
        }
    }

    /** Everything written so far, as text. */
    public String text() {
        return copy.toString(StandardCharsets.UTF_8);
    }
}
