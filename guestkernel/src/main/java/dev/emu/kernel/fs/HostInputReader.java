package dev.emu.kernel.fs;

import dev.emu.kernel.Kernel;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking read of a host stream (the console's stdin: a terminal or a pipe) that the run's
 * guards can give up on. Input that is already there is read at once; otherwise the one read
 * the guest asked for runs on a daemon host thread while the kernel thread waits for it in
 * short steps, asking {@link Kernel#guardTripped()} between them, so `--timeout` ends a guest
 * waiting for host input that never comes. Exactly the bytes the guest asked for are read (no
 * read-ahead), so what is left of the host stream after the run is what the guest did not take.
 * A read abandoned at a guard stays pending on its thread; the run is over then.
 */
final class HostInputReader {
    private static final long STEP_MILLIS = 20;

    private final InputStream in;
    private ExecutorService thread;
    /** A read abandoned by a guard: later reads wait for it, it owns the stream. */
    private Future<Integer> pending;
    private byte[] pendingBuffer;

    HostInputReader(InputStream in) {
        this.in = in;
    }

    /** Like {@link InputStream#read(byte[], int, int)}; -2 when a guard ended the wait. */
    int read(Kernel kernel, byte[] dst, int off, int len) throws IOException {
        if (pending == null && in.available() > 0) {
            return in.read(dst, off, len);
        }
        if (pending == null) {
            if (thread == null) {
                thread = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "emu-host-input");
                    t.setDaemon(true);
                    return t;
                });
            }
            byte[] b = new byte[len];
            pendingBuffer = b;
            pending = thread.submit(() -> in.read(b, 0, b.length));
        }
        for (;;) {
            try {
                int n = pending.get(STEP_MILLIS, TimeUnit.MILLISECONDS);
                byte[] b = pendingBuffer;
                pending = null;
                pendingBuffer = null;
                int copied = Math.min(Math.max(n, 0), len);
                System.arraycopy(b, 0, dst, off, copied);
                return n < 0 ? -1 : copied;
            } catch (TimeoutException e) {
                if (kernel.guardTripped()) {
                    return -2;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -2;
            } catch (ExecutionException e) {
                pending = null;
                pendingBuffer = null;
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
    }
}
