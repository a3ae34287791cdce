package dev.emu.emulator.bench;

import dev.emu.emulator.EmuHome;
import dev.emu.emulator.bench.Runner.Run;
import dev.emu.emulator.bench.Runner.RunFailed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark suite behind {@code scripts/bench} (issue 8): the same static executables under
 * emu, {@code qemu-x86_64} (qemu-user) and natively, several repetitions each, medians reported
 * as one table of ratios plus JSON. See docs/performance.md for what each row measures.
 *
 * <p>Rows that loop take their iteration count from argv and are run twice, at N and at a small
 * count; the per-iteration cost is {@code (T(N) - T(small)) / (N - small)} of the median wall
 * times, so process and JVM startup cancel out.
 *
 * <pre>
 *   BenchSuite [--reps N] [--quick] [--json FILE] [--rows id,id] [--home DIR]
 *              [--classpath CP] [--jvm-opt OPT]...
 * </pre>
 * {@code --classpath} runs emu as {@code java -cp CP EmuCommand} instead of {@code -jar emu.jar}
 * (the tests use it: they run before the jar is packaged). {@code --jvm-opt} replaces the default
 * JVM options of the emu runs (scripts/bench passes the ones scripts/emu uses).
 */
public final class BenchSuite {

    /** Where a row's value comes from. EMU_HOST is emu with {@code --clock=host}. */
    enum Engine { EMU, EMU_HOST, QEMU, NATIVE }

    /** The options; see the class comment. */
    record Options(int reps, boolean quick, Path json, Set<String> rows, Path home, String classpath,
                   List<String> jvmOpts) {}

    /** Every row id, in table order. */
    static final List<String> ROW_IDS = List.of("syscall", "compute_virtual", "compute_host", "memory",
            "context_switch", "startup", "store", "load", "stride", "memcpy", "qsort", "interp", "forkexec",
            "forkbig", "threads", "file_read", "bpf_interp", "bpf_jit", "ringbuf", "bpf_verify");

    /** JVM options of scripts/emu, used when none are given. */
    private static final List<String> DEFAULT_JVM_OPTS = List.of("--enable-native-access=ALL-UNNAMED",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=4", "-Xss16m");

    private final Options opt;
    private final boolean haveQemu;
    private final List<Row> rows = new ArrayList<>();

    BenchSuite(Options opt) {
        this.opt = opt;
        this.haveQemu = onPath("qemu-x86_64");
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        System.exit(run(args, System.out));
    }

    /** Runs the suite, prints the table on {@code out}, writes the JSON; returns the exit status. */
    static int run(String[] args, java.io.PrintStream out) throws IOException, InterruptedException {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            return 2;
        }
        BenchSuite suite = new BenchSuite(o);
        List<Row> rows = suite.runAll();
        Report report = new Report(Report.Machine.detect(suite.haveQemu), o, rows);
        out.print(report.table());
        Path json = o.json().toAbsolutePath();
        Files.createDirectories(json.getParent());
        Files.writeString(json, report.json());
        out.println("JSON: " + json);
        return rows.stream().anyMatch(r -> r.note().startsWith("FAILED")) ? 1 : 0;
    }

    static Options parse(String[] args) {
        int reps = -1;
        boolean quick = false;
        Path json = null;
        Set<String> only = new LinkedHashSet<>(ROW_IDS);
        Path home = null;
        String cp = null;
        List<String> jvm = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String key = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean inline = a.contains("=");
            Function<String, String> value = k -> {
                throw new IllegalArgumentException(k + " needs a value");
            };
            String v = null;
            if (!key.equals("--quick")) {
                if (inline) {
                    v = a.substring(a.indexOf('=') + 1);
                } else if (i + 1 < args.length) {
                    v = args[++i];
                } else {
                    value.apply(key);
                }
            }
            switch (key) {
                case "--reps" -> reps = Integer.parseInt(v);
                case "--quick" -> quick = true;
                case "--json" -> json = Path.of(v);
                case "--rows" -> {
                    only = new LinkedHashSet<>(Arrays.asList(v.split(",")));
                    for (String r : only) {
                        if (!ROW_IDS.contains(r)) {
                            throw new IllegalArgumentException("unknown row " + r + " (rows: " + ROW_IDS + ")");
                        }
                    }
                }
                case "--home" -> home = Path.of(v);
                case "--classpath" -> cp = v;
                case "--jvm-opt" -> jvm.add(v);
                default -> throw new IllegalArgumentException("unknown option " + a
                        + " (usage: [--reps N] [--quick] [--json FILE] [--rows id,...])");
            }
        }
        if (home == null) {
            home = EmuHome.find();
        }
        if (home == null) {
            throw new IllegalArgumentException("cannot find the emu checkout: pass --home DIR");
        }
        if (reps < 0) {
            reps = quick ? 1 : 5;
        }
        if (reps < 1) {
            throw new IllegalArgumentException("--reps must be at least 1");
        }
        if (json == null) {
            json = home.resolve("target/bench.json");
        }
        if (jvm.isEmpty()) {
            jvm = new ArrayList<>(DEFAULT_JVM_OPTS);
            jvm.add("-Demu.home=" + home);
        }
        return new Options(reps, quick, json, only, home, cp, List.copyOf(jvm));
    }

    // ---- rows ---------------------------------------------------------------------------------

    List<Row> runAll() throws InterruptedException {
        boolean q = opt.quick();
        for (String id : opt.rows()) {
            System.err.println("bench: " + id + " ...");
            Row r;
            try {
                r = switch (id) {
                    case "syscall" -> perIteration(id, "syscall round trip (getppid)", "ns", "getppid_loop",
                            q ? 20_000 : 1_000_000, q ? 1_000 : 10_000, 1e9, Engine.EMU,
                            Target.atMostQemu(1.0));
                    case "compute_virtual" -> perIteration(id, "compute, xorshift loop (virtual clock)", "s",
                            "compute", q ? 2_000_000 : 100_000_000, q ? 100_000 : 1_000_000, -1, Engine.EMU,
                            Target.atMostQemu(2.0));
                    case "compute_host" -> perIteration(id, "compute, xorshift loop (--clock=host)", "s",
                            "compute", q ? 2_000_000 : 100_000_000, q ? 100_000 : 1_000_000, -1, Engine.EMU_HOST,
                            Target.atMostQemu(1.2));
                    case "memory" -> perIteration(id, "memory: mmap+brk touch/free", "s", "memtouch",
                            q ? 8 : 256, 1, -1, Engine.EMU, Target.NONE);
                    case "context_switch" -> perIteration(id, "context switch (pipe ping-pong)", "us/rt",
                            "pingpong", q ? 2_000 : 100_000, q ? 100 : 1_000, 1e6, Engine.EMU, Target.NONE);
                    case "startup" -> startup(id);
                    // Real-program rows (issue 12): the memory path, library code, an interpreter.
                    case "store" -> perIteration(id, "store loop (random 4-byte stores, 1 MiB)", "ns",
                            "store_loop", q ? 2_000_000 : 50_000_000, 100_000, 1e9, Engine.EMU,
                            Target.atMostQemu(4.0));
                    case "load" -> perIteration(id, "load loop (random 4-byte loads, 1 MiB)", "ns",
                            "load_loop", q ? 2_000_000 : 50_000_000, 100_000, 1e9, Engine.EMU,
                            Target.atMostQemu(3.0));
                    case "stride" -> perIteration(id, "page-stride stores (16 MiB, TLB misses)", "ns",
                            "stride_loop", q ? 1_000_000 : 20_000_000, 100_000, 1e9, Engine.EMU, Target.NONE);
                    case "memcpy" -> perIteration(id, "memcpy + memset of 1 MiB (musl)", "us",
                            "memcpy_bw", q ? 50 : 2_000, 10, 1e6, Engine.EMU, Target.NONE);
                    case "qsort" -> perIteration(id, "qsort of 1M ints (musl)", "s", "qsort_ints",
                            q ? 50_000 : 1_000_000, 1_000, -1, Engine.EMU, Target.atMostQemu(3.0));
                    case "interp" -> perIteration(id, "bytecode interpreter (C, switch dispatch)", "s", "interp",
                            q ? 100_000 : 3_000_000, 10_000, -1, Engine.EMU, Target.atMostQemu(3.0));
                    case "forkexec" -> perIteration(id, "fork + exec + wait", "us", "forkexec",
                            q ? 20 : 300, 5, 1e6, Engine.EMU, Target.NONE);
                    // Processes at scale (issue 18): fork must not copy untouched memory, and a
                    // thread must cost the same however many others are alive.
                    case "forkbig" -> perIteration(id, "fork + wait, 1 GiB mapping, 1 page touched", "ms",
                            "forkbig", q ? 4 : 40, 1, 1e3, Engine.EMU, Target.atMost(50, "<= 50 ms"), "1024");
                    case "threads" -> perIteration(id, "thread create + join, all alive at once", "us",
                            "threads", q ? 50 : 300, 10, 1e6, Engine.EMU, Target.NONE);
                    case "file_read" -> perIteration(id, "file read, 64 KiB read()s of a 64 MiB host file", "us",
                            "file_read", q ? 256 : 8_192, 64, 1e6, Engine.EMU, Target.NONE,
                            readFile().toString());
                    case "bpf_interp" -> bpfVm(id, "BPF interpreter, ALU loop", "dev.emu.bpf.bench.InterpreterBenchmark",
                            "RESULT alu=", q ? 200_000 : 50_000_000, Target.atMost(3.3, "<= 3.3 ns/insn (uBPF)"));
                    case "bpf_jit" -> bpfVm(id, "BPF JIT, ALU loop", "dev.emu.bpf.bench.JitBenchmark",
                            "RESULT jit alu=", q ? 200_000 : 200_000_000, Target.atMost(0.3, "<= 0.3 ns/insn"));
                    case "ringbuf" -> ringbuf(id, q);
                    case "bpf_verify" -> bpfVerify(id, q);
                    default -> throw new IllegalStateException(id);
                };
            } catch (IOException | RunFailed e) {
                r = Row.failed(id, id, e.getMessage());
            }
            rows.add(r);
        }
        return rows;
    }

    /**
     * A looping program at {@code n} and {@code small} iterations on every engine; the value is
     * the per-iteration time times {@code scale} (1e9 for ns), or with {@code scale < 0} the time of
     * {@code n} iterations in seconds, startup excluded.
     */
    private Row perIteration(String id, String name, String unit, String program, long n, long small, double scale,
                             Engine emuMode, Target target, String... extraArgs)
            throws IOException, InterruptedException, RunFailed {
        Path image = bench(program);
        Map<Engine, List<Double>> big = new EnumMap<>(Engine.class);
        Map<Engine, List<Double>> little = new EnumMap<>(Engine.class);
        List<Engine> engines = engines(emuMode);
        for (int rep = 0; rep < opt.reps(); rep++) {
            for (Engine e : engines) {
                big.computeIfAbsent(e, k -> new ArrayList<>()).add(Runner.run(command(e, image, n, extraArgs)).seconds());
                little.computeIfAbsent(e, k -> new ArrayList<>())
                        .add(Runner.run(command(e, image, small, extraArgs)).seconds());
            }
        }
        Map<Engine, Double> v = new EnumMap<>(Engine.class);
        for (Engine e : engines) {
            double perIter = Math.max(0, Runner.median(big.get(e)) - Runner.median(little.get(e))) / (n - small);
            v.put(e, scale < 0 ? perIter * n : perIter * scale);
        }
        String how = String.join(" ", command(emuMode, image, n, extraArgs)) + "  minus the same at " + small;
        return Row.of(id, name, unit, v.get(emuMode), v.get(Engine.QEMU), v.get(Engine.NATIVE), target, how,
                "N=" + n + ", baseline " + small);
    }

    /** Wall time of a whole run of hello.elf (the freestanding minilib image), in ms. */
    private Row startup(String id) throws IOException, InterruptedException, RunFailed {
        Path image = opt.home().resolve("userspace-images/build/hello.elf");
        Map<Engine, List<Double>> t = new EnumMap<>(Engine.class);
        List<Engine> engines = engines(Engine.EMU);
        // One unmeasured emu run: creates the class-data archive if the build has not.
        Runner.run(command(Engine.EMU, image, -1));
        for (int rep = 0; rep < Math.max(opt.reps(), 3); rep++) {
            for (Engine e : engines) {
                t.computeIfAbsent(e, k -> new ArrayList<>()).add(Runner.run(command(e, image, -1)).seconds() * 1e3);
            }
        }
        return Row.of(id, "startup: run hello.elf", "ms", Runner.median(t.get(Engine.EMU)),
                haveQemu ? Runner.median(t.get(Engine.QEMU)) : null, Runner.median(t.get(Engine.NATIVE)),
                Target.atMost(150, "<= 150 ms"), String.join(" ", command(Engine.EMU, image, -1)), "");
    }

    private static final Pattern NUMBER = Pattern.compile("([0-9.]+)");

    private static final Pattern VERIFY = Pattern.compile(
            "RESULT verify 1M=([0-9.]+) ms 64k=([0-9.]+) ms 4k=([0-9.]+) ms loop=([0-9.]+) ms clang=([0-9.]+) ms");

    /**
     * The verifier on straight-line programs of 4k, 64k and 1M instructions and a 1000-iteration
     * bounded loop and a clang -O2 program with loops (dev.emu.bpf.bench.VerifierBenchmark, best of 5 in one
     * JVM); the value is the
     * 1M program's time, the others are in the notes.
     */
    private Row bpfVerify(String id, boolean quick) throws IOException, InterruptedException, RunFailed {
        List<String> cmd = new ArrayList<>(javaCommand(false));
        cmd.addAll(List.of("-cp", classpath(), "dev.emu.bpf.bench.VerifierBenchmark", quick ? "1" : "5"));
        Run run = Runner.run(cmd);
        Matcher m = run.output().lines().map(VERIFY::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new RunFailed("VerifierBenchmark printed no RESULT line: " + run.output().strip()));
        return Row.of(id, "BPF verifier, 1M straight-line insns", "ms", Double.parseDouble(m.group(1)), null, null,
                Target.atMost(5000, "<= 5000 ms (Linux: < 1 s)"), String.join(" ", cmd),
                "64k insns " + m.group(2) + " ms, 4k insns " + m.group(3) + " ms, 1000-iteration loop "
                        + m.group(4) + " ms, clang -O2 loops (12104 insns processed) " + m.group(5) + " ms");
    }

    /** A bpf-vm benchmark main in its own JVM; its RESULT line gives ns/insn (best of 8 runs). */
    private Row bpfVm(String id, String name, String mainClass, String prefix, long iterations, Target target)
            throws IOException, InterruptedException, RunFailed {
        List<String> cmd = new ArrayList<>(javaCommand(false));
        cmd.addAll(List.of("-cp", classpath(), mainClass, Long.toString(iterations)));
        List<Double> values = new ArrayList<>();
        // The benchmark already reports the best of 8 rounds in one JVM; repeating JVMs adds little.
        int reps = opt.quick() ? 1 : Math.min(opt.reps(), 3);
        for (int rep = 0; rep < reps; rep++) {
            Run run = Runner.run(cmd);
            String line = run.output().lines().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new RunFailed(mainClass + " printed no '" + prefix + "' line"));
            Matcher m = NUMBER.matcher(line.substring(prefix.length()));
            if (!m.find()) {
                throw new RunFailed("cannot parse: " + line);
            }
            values.add(Double.parseDouble(m.group(1)));
        }
        return Row.of(id, name, "ns/insn", Runner.median(values), null, null, target,
                String.join(" ", cmd), iterations + " iterations, best of 8 rounds per JVM");
    }

    private static final Pattern RINGBUF = Pattern.compile("ringbuf_rate: (\\d+) events in (\\d+) ms");

    /** Events per host second from a timer BPF program through the blocking poll (emu only). */
    private Row ringbuf(String id, boolean quick) throws IOException, InterruptedException, RunFailed {
        Path image = bench("ringbuf_rate");
        long n = quick ? 300 : 3_000;
        long small = 100;
        List<Double> tb = new ArrayList<>();
        List<Double> ts = new ArrayList<>();
        long eb = 0;
        long es = 0;
        for (int rep = 0; rep < opt.reps(); rep++) {
            Run b = Runner.run(command(Engine.EMU, image, n));
            Run s = Runner.run(command(Engine.EMU, image, small));
            tb.add(b.seconds());
            ts.add(s.seconds());
            eb = events(b);
            es = events(s);
        }
        double dt = Runner.median(tb) - Runner.median(ts);
        double rate = dt > 0 ? (eb - es) / dt : 0;
        return Row.of(id, "ringbuf: BPF timer -> blocking poll", "events/s", rate, null, null,
                Target.atLeast(1_000_000, ">= 1,000,000 events/s"),
                String.join(" ", command(Engine.EMU, image, n)) + "  minus the same at " + small,
                (eb - es) + " events over " + (n - small) + " ms of guest time");
    }

    private static long events(Run r) throws RunFailed {
        Matcher m = RINGBUF.matcher(r.output());
        if (!m.find()) {
            throw new RunFailed("ringbuf_rate printed no result: " + r.output().strip());
        }
        return Long.parseLong(m.group(1));
    }

    // ---- commands -----------------------------------------------------------------------------

    private List<Engine> engines(Engine emuMode) {
        List<Engine> e = new ArrayList<>(List.of(emuMode));
        if (haveQemu) {
            e.add(Engine.QEMU);
        }
        e.add(Engine.NATIVE);
        return e;
    }

    private Path bench(String program) throws RunFailed {
        Path p = opt.home().resolve("userspace-images/build/bench").resolve(program);
        if (!Files.isExecutable(p)) {
            throw new RunFailed(p + " is missing: run make -C userspace-images bench");
        }
        return p;
    }

    /** The command for one engine; {@code count < 0} passes no count; {@code extraArgs} follow it. */
    List<String> command(Engine e, Path image, long count, String... extraArgs) {
        List<String> cmd = new ArrayList<>();
        switch (e) {
            case EMU, EMU_HOST -> {
                cmd.addAll(javaCommand(true));
                if (opt.classpath() != null) {
                    cmd.addAll(List.of("-cp", opt.classpath(), "dev.emu.emulator.cli.EmuCommand"));
                } else {
                    cmd.addAll(List.of("-jar", jar().toString()));
                }
                cmd.add("run");
                if (e == Engine.EMU_HOST) {
                    cmd.add("--clock=host");
                }
                // A host file the program is given must be in emu's view, whose default puts a
                // fresh tmpfs over /tmp (where a checkout may be): mount its directory read-only.
                for (String arg : extraArgs) {
                    Path p = Path.of(arg);
                    if (p.isAbsolute() && Files.isRegularFile(p)) {
                        cmd.addAll(List.of("--mount", p.getParent() + ":" + p.getParent() + ":ro"));
                    }
                }
            }
            case QEMU -> cmd.add("qemu-x86_64");
            case NATIVE -> { }
        }
        cmd.add(image.toString());
        if (count >= 0) {
            cmd.add(Long.toString(count));
        }
        cmd.addAll(List.of(extraArgs));
        return cmd;
    }

    /** Size of the file_read row's input. */
    static final long READ_FILE_SIZE = 64L << 20;

    /**
     * The file_read row's 64 MiB input, created once under target/ (pseudo-random bytes); all
     * three engines read the same host file, emu through a read-only --mount of its directory
     * (see {@link #command}), so a checkout under /tmp works too.
     */
    private Path readFile() throws IOException {
        Path f = opt.home().resolve("target/bench-file_read-64MiB.bin");
        if (!Files.isRegularFile(f) || Files.size(f) != READ_FILE_SIZE) {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            java.util.Random random = new java.util.Random(12);
            byte[] chunk = new byte[1 << 20];
            try (java.io.OutputStream out = Files.newOutputStream(tmp)) {
                for (long done = 0; done < READ_FILE_SIZE; done += chunk.length) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return f;
    }

    /**
     * {@code java} with the emu JVM options; without {@code forEmu} the class-data archive options
     * are left out (an archive dumped for another classpath would be rejected, or re-dumped).
     */
    private List<String> javaCommand(boolean forEmu) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String o : opt.jvmOpts()) {
            if (forEmu || !(o.startsWith("-XX:SharedArchiveFile") || o.contains("AutoCreateSharedArchive"))) {
                cmd.add(o);
            }
        }
        return cmd;
    }

    private Path jar() {
        return opt.home().resolve("emulator/target/emu.jar");
    }

    /** The classpath of the bpf-vm benchmark mains: the given one, or emu.jar (its manifest adds lib/). */
    private String classpath() {
        return opt.classpath() != null ? opt.classpath() : jar().toString();
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }
}
