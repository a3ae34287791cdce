package dev.emu.emulator.cli;

import dev.emu.emulator.ImageLookup;
import dev.emu.emulator.StartupTrace;
import dev.emu.emulator.expect.Expectation;
import dev.emu.emulator.expect.ExpectationCheck;
import dev.emu.emulator.expect.SerialCapture;
import dev.emu.emulator.unicorn.UnicornPlatform;
import dev.emu.kernel.Exec;
import dev.emu.kernel.FilesystemSetup;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.vfs.MountSpec;
import dev.emu.kernel.KernelConfig;
import dev.emu.kernel.fs.ConsoleFile;
import dev.emu.kernel.loader.ElfFormatException;
import dev.emu.kernel.log.SerialLog;
import dev.emu.kernel.syscall.SyscallTracer;
import dev.emu.kernel.time.VirtualClock;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `emu run IMAGE [ARGS...]`: boots the guest kernel with one program as pid 1. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a static x86_64 Linux executable under the emu guest kernel.",
            "IMAGE is a path, or a bare name looked up in $EMU_IMAGE_PATH and userspace-images/build/.",
            "Exit status: the guest's (128+N if killed by signal N); 124 guard hit, 125 deadlock,",
            "126 image not loadable, 127 image not found, 70 emu internal error, 3 --expect mismatch."})
public final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The executable to run.")
    String image;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments passed to the guest (argv[1]...).")
    List<String> args = new ArrayList<>();

    @Option(names = "--env", paramLabel = "NAME=VALUE",
            description = "Add a variable to the guest environment (repeatable). The environment is exactly these, in order; it is empty by default.")
    List<String> env = new ArrayList<>();

    @Option(names = "--mount", paramLabel = "HOST:GUEST[:ro|:rw]",
            description = "Pass the host directory HOST through at GUEST (repeatable; read-only unless ':rw').")
    List<String> mounts = new ArrayList<>();

    @Option(names = "--root", paramLabel = "DIR",
            description = "Show the host directory DIR (e.g. an extracted distribution) read-only as '/', instead of the host's '/' with the current directory read-write.")
    Path root;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "The guest's working directory (default: the current directory, or '/' with --root).")
    String workdir;

    @Option(names = "--serial-log", paramLabel = "FILE",
            description = "Write the serial stream (kernel log + console output) to FILE ('-' for stderr).")
    String serialLog;

    @Option(names = "--trace-syscalls", paramLabel = "NAMES", arity = "0..1", fallbackValue = "",
            preprocessor = ValueOnlyAfterEquals.class,
            description = "Trace syscalls in strace's format to stderr (or --trace-file); optionally only the comma-separated NAMES.")
    String traceSyscalls;

    @Option(names = "--trace-file", paramLabel = "FILE", description = "Write the syscall trace to FILE instead of stderr.")
    Path traceFile;

    @Option(names = "--trace-time", description = "Prefix trace lines with the guest's virtual time.")
    boolean traceTime;

    @Option(names = "--clock", paramLabel = "MODE", defaultValue = "virtual",
            description = "virtual (deterministic, default) or host (wall-clock time).")
    String clock;

    @Option(names = "--net", paramLabel = "MODE", defaultValue = "loopback",
            description = "loopback (default: the guest reaches only its own sockets; deterministic) or host "
                    + "(AF_INET/AF_INET6 sockets are host sockets: not deterministic; docs/network.md).")
    String net;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed for getrandom, AT_RANDOM and bpf_get_prandom_u32 (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tick-hz", paramLabel = "HZ", defaultValue = "100", description = "Timer tick rate (default ${DEFAULT-VALUE}).")
    int tickHz;

    @Option(names = "--max-blocks", paramLabel = "N", defaultValue = "0",
            description = "Stop the guest after N executed basic blocks (0: no limit); exit status 124.")
    long maxBlocks;

    @Option(names = "--max-instructions", paramLabel = "N", defaultValue = "0",
            description = "Stop the guest after exactly N executed instructions (0: no limit); exit status 124. "
                    + "Counts with a per-instruction hook: 2-4x slower on compute-bound code.")
    long maxInstructions;

    @Option(names = "--gdb", paramLabel = "PORT", defaultValue = "-1",
            description = "Serve the gdb remote protocol on 127.0.0.1:PORT (docs/debugging.md); gdb may attach at any time.")
    int gdbPort;

    @Option(names = "--gdb-wait", description = "With --gdb: wait for gdb before the first instruction.")
    boolean gdbWait;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop the guest after this much host wall time (0: no limit); exit status 124.")
    double timeout;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory the guest may use in total, all its processes, pipes and BPF maps together "
                    + "(K/M/G suffixes; default: a quarter of the host's RAM). Past it the guest gets ENOMEM, "
                    + "or a touched MAP_NORESERVE page gets the OOM killer (docs/ARCHITECTURE.md).")
    String memory;

    @Option(names = {"-v", "--verbose"}, description = "Also print kernel log lines on stderr.")
    boolean verbose;

    @Option(names = "--expect", paramLabel = "FILE",
            description = "Check the serial log against FILE (docs/expect-format.md); on a mismatch print what is missing or forbidden and exit 3.")
    Path expect;

    @Option(names = "--profile", paramLabel = "HZ", arity = "0..1", fallbackValue = "",
            preprocessor = ValueOnlyAfterEquals.class,
            description = "Profile the guest: sample every task's user stack HZ times a second of the kernel clock "
                    + "(default 999; --profile=HZ) with a BPF program on a cpu-clock event, and write folded stacks "
                    + "to --profile-out and a flame graph beside them (docs/tracing.md, \"Profiling\").")
    String profile;

    @Option(names = "--profile-out", paramLabel = "FILE",
            description = "Where --profile writes its folded stacks (default emu-profile.folded); the SVG flame graph goes to FILE.svg.")
    Path profileOut;

    @Option(names = "--profile-unwind", paramLabel = "MODE", defaultValue = "cfi",
            description = "How --profile unwinds user stacks: cfi (.eh_frame, frame pointers where there is none; default) "
                    + "or fp (frame pointers only, as Linux's bpf_get_stackid).")
    String profileUnwind;

    /** --memory in bytes, once parsed. */
    private long memoryLimit;
    /** --profile's frequency, once parsed. */
    private int profileHz;

    @Override
    public Integer call() {
        if (tickHz < 1 || tickHz > 10_000) {
            System.err.println("emu: --tick-hz must be between 1 and 10000");
            return 2;
        }
        VirtualClock.Mode mode = switch (clock) {
            case "virtual" -> VirtualClock.Mode.VIRTUAL;
            case "host" -> VirtualClock.Mode.HOST;
            default -> null;
        };
        if (mode == null) {
            System.err.println("emu: --clock must be 'virtual' or 'host', not '" + clock + "'");
            return 2;
        }
        if (!net.equals("loopback") && !net.equals("host")) {
            System.err.println("emu: --net must be 'loopback' or 'host', not '" + net + "'");
            return 2;
        }
        memoryLimit = memory == null ? MemorySize.defaultLimit() : MemorySize.parse(memory);
        if (memoryLimit < MemorySize.MINIMUM) {
            System.err.println("emu: --memory must be a size of at least " + MemorySize.format(MemorySize.MINIMUM)
                    + " such as 512M or 4G, not '" + memory + "'");
            return 2;
        }
        if (profileOut != null && profile == null) {
            profile = ""; // --profile-out alone asks for a profile
        }
        if (profile != null) {
            try {
                profileHz = profile.isEmpty() ? dev.emu.kernel.profile.Profiler.DEFAULT_HZ : Integer.parseInt(profile);
            } catch (NumberFormatException e) {
                profileHz = -1;
            }
            if (profileHz < 1 || profileHz > 100_000) {
                System.err.println("emu: --profile=HZ must be a frequency between 1 and 100000, not '" + profile + "'");
                return 2;
            }
            if (!profileUnwind.equals("cfi") && !profileUnwind.equals("fp")) {
                System.err.println("emu: --profile-unwind must be 'cfi' or 'fp', not '" + profileUnwind + "'");
                return 2;
            }
            // Checked before the run, so a long run does not end without its profile.
            Path dir = (profileOut != null ? profileOut : Path.of("emu-profile.folded")).toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
                System.err.println("emu: --profile-out: cannot write in " + dir);
                return 2;
            }
        }
        for (String e : env) {
            if (!e.contains("=")) {
                System.err.println("emu: --env expects NAME=VALUE, got '" + e + "'");
                return 2;
            }
        }
        FilesystemSetup filesystem;
        try {
            filesystem = filesystemSetup();
        } catch (IllegalArgumentException e) {
            System.err.println("emu: " + e.getMessage());
            return 2;
        }
        ImageLookup lookup = ImageLookup.defaults();
        Path path = root == null ? lookup.resolve(image) : null;
        if (path == null && root != null && image.startsWith("/")) {
            path = Path.of(image); // a guest path: resolved in the guest's tree at spawn
        }
        if (path == null) {
            System.err.println("emu: " + image + ": no such image (looked in the current directory"
                    + (image.contains("/") ? "" : " and " + lookup.searchPath()) + ")");
            return 127;
        }
        if (root == null) { // with --root the image is a guest path, checked by the VFS at spawn
            String unloadable = unloadableImage(path);
            if (unloadable != null) {
                System.err.println("emu: " + path + ": cannot load the image: " + unloadable);
                return 126;
            }
        }
        Expectation expectation = null;
        if (expect != null) {
            try {
                expectation = Expectation.read(expect);
            } catch (IOException | Expectation.FormatException e) {
                System.err.println("emu: --expect: " + e.getMessage());
                return 2;
            }
        }
        OutputStream serialOut = null;
        try {
            if (serialLog != null) {
                serialOut = serialLog.equals("-") ? new FileOutputStream(FileDescriptor.err)
                        : new BufferedOutputStream(new FileOutputStream(serialLog), 1 << 16);
            }
            SerialCapture capture = expectation == null ? null : new SerialCapture(serialOut);
            serialOut = capture == null ? serialOut : capture;
            int status = runGuest(path, mode, serialOut, root == null ? withImageVisible(filesystem, path) : filesystem);
            return capture == null ? status : checkExpectation(expectation, capture.text(), status);
        } catch (IOException e) {
            System.err.println("emu: " + e.getMessage());
            return 126;
        } finally {
            if (serialOut != null) {
                try {
                    serialOut.close();
                } catch (IOException e) {
                    System.err.println("emu: serial log: " + e.getMessage());
                }
            }
        }
    }

    /** --expect: the guest's status if the serial log matches, else {@link #EXIT_EXPECT_FAILED}. */
    private static int checkExpectation(Expectation e, String serial, int status) {
        ExpectationCheck.Report report = ExpectationCheck.check(e, serial, status);
        if (report.ok()) {
            return status;
        }
        System.err.print(ExpectationCheck.format(e, report, serial, 20));
        return EXIT_EXPECT_FAILED;
    }

    /** Exit status of `emu run --expect` when the serial log does not match. */
    public static final int EXIT_EXPECT_FAILED = 3;

    /** Where the default view's kernel filesystems cover the host's tree (docs/filesystem.md). */
    private static final List<String> KERNEL_MOUNTS = List.of("/tmp", "/dev", "/proc", "/sys");

    /**
     * The default view with the image's own directory visible (read-only, at its own path) when
     * a kernel filesystem such as the fresh /tmp hides it and no host mount shows it: a program
     * run from /tmp/build can still execve itself by the path it was started with. The mount
     * goes first, so the working directory and --mount still cover it where they overlap.
     */
    static FilesystemSetup withImageVisible(FilesystemSetup fs, Path image) {
        Path dir = image.toAbsolutePath().normalize().getParent();
        if (dir == null || KERNEL_MOUNTS.stream().noneMatch(m -> dir.startsWith(m))
                || fs.mounts().stream().anyMatch(m -> dir.startsWith(m.guest()))) {
            return fs;
        }
        List<MountSpec> mounts = new ArrayList<>();
        mounts.add(new MountSpec(dir, dir.toString(), true));
        mounts.addAll(fs.mounts());
        return new FilesystemSetup(fs.root(), fs.rootReadOnly(), mounts, fs.workdir());
    }

    /** The guest's tree from --root, --mount and --workdir (docs/filesystem.md). */
    private FilesystemSetup filesystemSetup() {
        List<MountSpec> specs = new ArrayList<>();
        FilesystemSetup base;
        if (root != null) {
            base = new FilesystemSetup(root.toAbsolutePath().normalize(), true, List.of(), "/");
        } else {
            base = FilesystemSetup.hostDefault(Path.of("").toAbsolutePath());
            specs.addAll(base.mounts());
        }
        for (String m : mounts) {
            specs.add(MountSpec.parse(m));
        }
        return new FilesystemSetup(base.root(), base.rootReadOnly(), specs, workdir != null ? workdir : base.workdir());
    }

    private int runGuest(Path path, VirtualClock.Mode mode, OutputStream serialOut, FilesystemSetup filesystem) throws IOException {
        StartupTrace.mark("arguments and filesystem view");
        UnicornPlatform platform = new UnicornPlatform();
        StartupTrace.mark("platform (libunicorn, native hooks)");
        if (maxInstructions < 0 || gdbPort > 65535 || (gdbWait && gdbPort < 0)) {
            System.err.println("emu: " + (maxInstructions < 0 ? "--max-instructions must be >= 0"
                    : gdbPort > 65535 ? "--gdb: no such port " + gdbPort : "--gdb-wait needs --gdb PORT"));
            return 2;
        }
        if (maxInstructions > 0) {
            platform.setInstructionLimit(maxInstructions);
        }
        if (platform.slowMemoryWarning() != null) {
            // Once per run; the serial log's first line (the platform's description) says it too.
            System.err.println("emu: warning: " + platform.slowMemoryWarning());
        }
        dev.emu.emulator.unicorn.UnicornDebug debug = gdbPort >= 0 ? platform.enableDebugger() : null;
        long timeoutNanos = (long) (timeout * 1e9);
        KernelConfig config = new KernelConfig(mode, seed, tickHz, maxBlocks, timeoutNanos, memoryLimit);
        PrintStream reports = System.err;
        Kernel.Console console = new Kernel.Console(
                new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err), hostKind(0), hostKind(1), hostKind(2), reports);
        Kernel kernel = new Kernel(platform, config, console, new SerialLog(serialOut), ImageLookup.defaults());
        kernel.setFilesystem(filesystem);
        dev.emu.emulator.hostnet.NioHostNetwork hostNetwork = null;
        if (net.equals("host")) {
            hostNetwork = new dev.emu.emulator.hostnet.NioHostNetwork();
            kernel.setHostNetwork(hostNetwork);
        }
        StartupTrace.mark("kernel and filesystem");
        if (verbose) {
            kernel.log().mirrorTo(line -> System.err.println(line));
        }
        PrintStream traceOut = null;
        if (traceSyscalls != null) {
            traceOut = traceFile != null ? new PrintStream(Files.newOutputStream(traceFile), false) : System.err;
            Set<String> filter = traceSyscalls.isEmpty() ? null : new LinkedHashSet<>(List.of(traceSyscalls.split(",")));
            kernel.setTracer(new SyscallTracer(kernel, traceOut, filter, traceTime));
        }
        List<String> argv = new ArrayList<>();
        argv.add(image);
        argv.addAll(args);
        try {
            if (root != null) {
                kernel.spawnInitFromGuest(path.toString(), argv, env);
            } else if (isScript(path)) {
                // A "#!" script runs through its interpreter as execve would run it: found in the
                // guest's tree, where the default view shows the host path at the same path.
                String guestPath = image.contains("/") && workdir == null ? image : path.toAbsolutePath().normalize().toString();
                kernel.spawnInitFromGuest(guestPath, argv, env);
            } else {
                kernel.spawnInit(path, argv, env);
            }
        } catch (ElfFormatException | dev.emu.kernel.platform.HostMemoryException e) {
            System.err.println("emu: " + e.getMessage());
            return 126;
        } catch (IOException e) {
            System.err.println("emu: " + path + ": cannot load the image: " + e.getMessage());
            return 126;
        } catch (IllegalArgumentException e) {
            System.err.println("emu: " + e.getMessage());
            return e.getMessage().contains("No such file") ? 127 : e.getMessage().contains("Permission denied") ? 126 : 2;
        }
        StartupTrace.mark("init spawned");
        dev.emu.kernel.profile.Profiler profiler = profile == null ? null
                : dev.emu.kernel.profile.Profiler.start(kernel, profileHz, profileUnwind.equals("cfi"));
        dev.emu.emulator.gdb.GdbStub gdb = null;
        if (debug != null) {
            gdb = dev.emu.emulator.gdb.GdbStub.listen(kernel, debug, gdbPort, System.err);
            if (gdbWait) {
                gdb.waitForDebugger();
            } else {
                gdb.acceptInBackground();
            }
        }
        Thread watchdog = null;
        if (timeoutNanos > 0) {
            watchdog = Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(timeoutNanos / 1_000_000, (int) (timeoutNanos % 1_000_000));
                    platform.interrupt();
                } catch (InterruptedException ignored) {
                    // the run ended first
                }
            });
        }
        try {
            int status = kernel.run();
            StartupTrace.mark("guest exited");
            if (profiler != null) {
                writeProfile(profiler);
            }
            if (gdb != null) {
                if (gdb.killed()) {
                    return 128 + 9; // SIGKILL, as a killed process under gdb
                }
                gdb.guestExited(kernel.init().exitStatus());
            }
            return status;
        } catch (RuntimeException | Error e) {
            // A guest cannot cause this: it is a bug in emu. Say so, with the evidence.
            System.err.println("emu: internal error in the guest kernel (a bug in emu, please report it): " + e);
            e.printStackTrace(System.err);
            return Kernel.EXIT_KERNEL_BUG;
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
            }
            if (hostNetwork != null) {
                hostNetwork.close();
            }
            if (gdb != null) {
                gdb.close();
            }
            if (traceOut != null && traceOut != System.err) {
                traceOut.close();
            }
        }
    }

    /** --profile's output: the folded stacks and the SVG flame graph beside them, and one line on stderr. */
    private void writeProfile(dev.emu.kernel.profile.Profiler profiler) {
        java.util.Map<String, Long> stacks = profiler.finish();
        Path folded = profileOut != null ? profileOut : Path.of("emu-profile.folded");
        Path svg = Path.of(folded + ".svg");
        try {
            dev.emu.emulator.profile.FoldedStacks.write(folded, stacks);
            String title = "emu run --profile=" + profileHz + " " + image + ": " + profiler.samples() + " samples";
            Files.writeString(svg, dev.emu.emulator.profile.FlameGraph.svg(stacks, title));
            System.err.println("emu: profile: " + profiler.samples() + " samples, " + stacks.size() + " stacks: "
                    + folded + ", " + svg);
        } catch (IOException e) {
            System.err.println("emu: --profile-out: " + e.getMessage());
        }
    }

    /**
     * Lets --trace-syscalls take NAMES only as --trace-syscalls=NAMES, so that
     * `--trace-syscalls IMAGE` does not swallow the image name.
     */
    static final class ValueOnlyAfterEquals implements picocli.CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(java.util.Stack<String> args, picocli.CommandLine.Model.CommandSpec spec,
                                  picocli.CommandLine.Model.ArgSpec argSpec, java.util.Map<String, Object> info) {
            if (" ".equals(info.get("separator"))) { // no '=' attached: a bare flag
                ((picocli.CommandLine.Model.OptionSpec) argSpec).setValue("");
                return true;
            }
            return false;
        }
    }

    /** What the host stream behind fd is, read from /proc/self/fd: a terminal, a pipe or a file. */
    static ConsoleFile.HostKind hostKind(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console")) {
                return ConsoleFile.HostKind.TERMINAL;
            }
            if (target.startsWith("/") && !target.startsWith("/dev/")) {
                return ConsoleFile.HostKind.FILE;
            }
            return ConsoleFile.HostKind.PIPE;
        } catch (IOException | UnsupportedOperationException e) {
            return ConsoleFile.HostKind.PIPE;
        }
    }

    /**
     * Why the host file {@code path} cannot be an image, or null. Only a regular file is: a FIFO
     * would hang the open, /dev/zero never ends.
     */
    /** Whether the host file starts with "#!" (binfmt_script's test). */
    static boolean isScript(Path path) {
        try (java.io.InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == '#' && head[1] == '!';
        } catch (IOException e) {
            return false;
        }
    }

    private static String unloadableImage(Path path) {
        try {
            String notRegular = Exec.notRegularFile(path);
            return notRegular != null ? notRegular : Files.isReadable(path) ? null : "permission denied";
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
