package dev.emu.emulator;

import dev.emu.emulator.unicorn.UnicornPlatform;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.KernelConfig;
import dev.emu.kernel.fs.ConsoleFile;
import dev.emu.kernel.log.SerialLog;
import dev.emu.kernel.syscall.SyscallTracer;
import dev.emu.kernel.time.VirtualClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a guest image in this JVM, on the calling thread — for kernel developers' tests: a
 * breakpoint in any syscall handler (say {@code RingbufPoll}) set in the IDE is hit while the
 * test runs, with no agent or extra setup.
 *
 * <pre>{@code
 * EmuRunner.Result r = EmuRunner.image("bpf_loader.elf").run();
 * assertThat(r.status()).isZero();
 * assertThat(r.stdout()).contains("event");
 * }</pre>
 *
 * The console is captured (stdin is empty unless {@link #stdin} is set); virtual time and the
 * seed make every run identical.
 */
public final class EmuRunner {
    private final String image;
    private final List<String> args = new ArrayList<>();
    private final List<String> env = new ArrayList<>();
    private byte[] stdin = new byte[0];
    private java.io.InputStream stdinStream;
    private long timeoutNanos;
    private long maxBlocks;
    private dev.emu.kernel.FilesystemSetup filesystem;
    private long maxInstructions;
    private long seed;
    private boolean trace;

    private EmuRunner(String image) {
        this.image = image;
    }

    /** An image by path or bare name (looked up like `emu run` does: $EMU_IMAGE_PATH, userspace-images/build/). */
    public static EmuRunner image(String image) {
        return new EmuRunner(image);
    }

    public EmuRunner args(String... a) {
        args.addAll(List.of(a));
        return this;
    }

    public EmuRunner env(String nameValue) {
        env.add(nameValue);
        return this;
    }

    public EmuRunner stdin(String text) {
        stdin = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** The guest's stdin is this host stream (read as `emu run` reads its own stdin). */
    public EmuRunner stdin(java.io.InputStream in) {
        stdinStream = in;
        return this;
    }

    /** `emu run --timeout`: stops the run after this much host time (status 124). */
    public EmuRunner timeout(double seconds) {
        timeoutNanos = (long) (seconds * 1e9);
        return this;
    }

    /** `emu run --max-blocks`: stops the run after n executed basic blocks (status 124). */
    public EmuRunner maxBlocks(long n) {
        maxBlocks = n;
        return this;
    }

    /** The guest's tree (default: {@link dev.emu.kernel.FilesystemSetup#inMemory()}). */
    public EmuRunner filesystem(dev.emu.kernel.FilesystemSetup setup) {
        filesystem = setup;
        return this;
    }

    public EmuRunner seed(long s) {
        seed = s;
        return this;
    }

    /** Stops the guest after exactly n instructions (status 124). */
    public EmuRunner maxInstructions(long n) {
        maxInstructions = n;
        return this;
    }

    /** Records the strace-format syscall trace in {@link Result#trace()}. */
    public EmuRunner traceSyscalls() {
        trace = true;
        return this;
    }

    /**
     * What a run produced.
     *
     * @param status `emu run`'s exit status (the guest's, 128+signal, 124 guard, 125 deadlock)
     * @param serial the kernel log and console stream
     * @param instructions executed instructions, counted only with {@link #maxInstructions} (else -1)
     * @param memoryCharged bytes still charged to the guest's memory when the run ended (0 once every
     *     process, thread, pipe and BPF object is gone and the guest's tmpfs holds no file data)
     * @param runNanos host time the kernel ran the guest (what --timeout counts)
     */
    public record Result(int status, String stdout, String stderr, String serial, String trace, long instructions,
                         long memoryCharged, long runNanos) {}

    /** Boots the kernel and runs the image to its end, on this thread. */
    public Result run() throws IOException {
        Path path = ImageLookup.defaults().resolve(image);
        if (path == null) {
            throw new IOException(image + ": no such image (" + ImageLookup.defaults().searchPath() + ")");
        }
        UnicornPlatform platform = new UnicornPlatform();
        if (maxInstructions > 0) {
            platform.setInstructionLimit(maxInstructions);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        ByteArrayOutputStream traceOut = new ByteArrayOutputStream();
        PrintStream reports = new PrintStream(err, true, StandardCharsets.UTF_8);
        Kernel.Console console = new Kernel.Console(stdinStream != null ? stdinStream : new ByteArrayInputStream(stdin), out, err,
                ConsoleFile.HostKind.PIPE, ConsoleFile.HostKind.PIPE, ConsoleFile.HostKind.PIPE, reports);
        Kernel kernel = new Kernel(platform, new KernelConfig(VirtualClock.Mode.VIRTUAL, seed, 100, maxBlocks, timeoutNanos, KernelConfig.DEFAULT_MEMORY_LIMIT), console,
                new SerialLog(serial), ImageLookup.defaults());
        PrintStream tracePrint = new PrintStream(traceOut, true, StandardCharsets.UTF_8);
        if (trace) {
            kernel.setTracer(new SyscallTracer(kernel, tracePrint, null, false));
        }
        List<String> argv = new ArrayList<>();
        argv.add(image);
        argv.addAll(args);
        if (filesystem != null) {
            kernel.setFilesystem(filesystem);
        }
        kernel.spawnInit(path, argv, env);
        // As `emu run`'s watchdog: a guest in a loop of its own stops at its next block.
        Thread watchdog = timeoutNanos <= 0 ? null : Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(timeoutNanos / 1_000_000, (int) (timeoutNanos % 1_000_000));
                platform.interrupt();
            } catch (InterruptedException ignored) {
                // the run ended first
            }
        });
        long start = System.nanoTime();
        int status;
        try {
            status = kernel.run();
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
            }
        }
        long runNanos = System.nanoTime() - start;
        tracePrint.flush();
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                serial.toString(StandardCharsets.UTF_8), traceOut.toString(StandardCharsets.UTF_8),
                platform.instructionsDone(), kernel.memory().charged(), runNanos);
    }

    @Override
    public String toString() {
        return "EmuRunner{" + image + " " + args + ", env=" + env + "}";
    }
}
