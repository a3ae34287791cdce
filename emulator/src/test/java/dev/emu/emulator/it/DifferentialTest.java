package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test: each program in {@code userspace-images/tests/}, built statically with musl
 * and with glibc, runs natively and under {@code emu run}; stdout, stderr and the exit status must
 * be identical. This is the contract of issue 2 ("the same program natively and under emu").
 *
 * <p>Native runs go through {@code /usr/bin/env -i NAME=VALUE... IMAGE ARGS...} so the guest sees
 * exactly the given environment in the given order (ProcessBuilder's environment map has no
 * order). Under emu the same variables are passed with {@code --env}, and the kernel log goes to a
 * {@code --serial-log} file so it can never be mistaken for guest stderr.
 *
 * <p>Exception: {@code nullderef}. Natively the kernel kills it with SIGSEGV (ProcessBuilder
 * reports 128 + 11 = 139) and nothing is written to stderr; under emu the status is also 139 and
 * stderr holds exactly emu's one-line fault report.
 *
 * <p>The images are built by {@code make -C userspace-images} (the Maven build runs it before
 * this module's tests).
 */
@Tag("integration")
class DifferentialTest {

    private static final long TIMEOUT_SECONDS = 30;
    private static final int SIGSEGV_STATUS = 128 + 11;

    /** The guest environment, in order, for both native and emu runs. */
    private static final Map<String, String> GUEST_ENV = guestEnv();

    /** Stdin for {@code filter}: ASCII, a NUL, bytes that are not UTF-8, no final newline. */
    private static final byte[] FILTER_INPUT = filterInput();

    /** One test program: its arguments and stdin. */
    record Program(String name, List<String> args, byte[] stdin) {
        Program(String name) {
            this(name, List.of(), new byte[0]);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Program> PROGRAMS = List.of(
            new Program("hello"),
            new Program("args", List.of("one", "two words", "", "--flag=x"), new byte[0]),
            new Program("malloc"),
            new Program("filter", List.of(), FILTER_INPUT),
            new Program("float"),
            new Program("exit42"),
            new Program("nullderef"),
            new Program("sleepclock"),
            new Program("stdio"),
            new Program("unknown_syscall"),
            // Tasks, scheduling, IPC and signals (issue 5).
            new Program("preempt"),
            new Program("pthreads"),
            new Program("forkpipe"),
            new Program("sleeps"),
            new Program("sigsegv"),
            new Program("sigfpu"),
            new Program("sigpipe"),
            new Program("execself"),
            // clone(CLONE_FILES) of a new process shares the fd table.
            new Program("clonefiles"),
            // The order pending signals are taken in: signalfd and sigtimedwait.
            new Program("sigorder"),
            // Generated and self-modifying code, W^X, non-executable data, fault fix-ups (issue 12).
            new Program("selfmod"),
            // Argument widths and validation (issue 11): raw syscalls with garbage upper halves.
            new Program("argwidth"),
            // The filesystem (issue 13): file operations and the errno of bad requests.
            new Program("fs_ops"),
            new Program("fs_errno"),
            // Readiness, event fds and pipes (issue 14).
            new Program("readiness"),
            new Program("eventfds"),
            new Program("bigpipe"),
            // Sockets (issue 14): AF_UNIX, loopback TCP and UDP, and the errno of bad requests.
            new Program("sock_unix"),
            new Program("sock_inet"),
            // poll, select and epoll echo servers with several clients over AF_UNIX and loopback TCP.
            new Program("echoserv"),
            // Two processes over 127.0.0.1 (HostNetworkTest runs the same with --net host).
            new Program("net_host", List.of("pair"), new byte[0]),
            // The filesystem, second part (issue 13): locks, FIFOs, preadv/memfd/O_TMPFILE, shared mappings.
            new Program("fs_locks"),
            new Program("fs_fifo"),
            // FIFOs and socket nodes in a host directory (the working directory under emu).
            new Program("fs_hostnodes"),
            new Program("fs_more"),
            new Program("fs_mmap"),
            // Timers, signal gaps, job control (issue 14).
            new Program("itimer"),
            new Program("posixtimer"),
            new Program("sigextra"),
            new Program("robust"),
            new Program("jobctl"),
            new Program("procinfo"),
            new Program("pidfd"),
            new Program("spawn"),
            // Shared memory (issue 15): MAP_SHARED anonymous pages shared with forked children.
            new Program("shm_anon"),
            // mmap of an mmapable array and a ringbuf with raw bpf(): libbpf's layout and consumer protocol.
            new Program("bpf_mmap"),
            // MAP_SHARED of tmpfs files and memfds: one set of pages for mappings, read/write and children.
            new Program("shm_file"),
            // Reparenting (issue 18): subreapers, the exit signal reset to SIGCHLD, zombies reaped by an ignoring reaper.
            new Program("reaper"),
            // SIGKILL and a fatal SIGALRM end a BPF test run of 2^32 - 1 repetitions (issue 18).
            new Program("guards", List.of("signals"), new byte[0]));

    /**
     * Programs whose lines interleave differently natively (the host scheduler) and under emu
     * (deterministic ticks): only the multiset of lines is compared.
     */
    static final java.util.Set<String> SORTED_OUTPUT = java.util.Set.of("preempt");

    static Stream<Arguments> cases() {
        return Stream.of("musl", "glibc")
                .flatMap(libc -> PROGRAMS.stream().map(p -> Arguments.of(libc, p)));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("cases")
    void sameBehaviourNativelyAndUnderEmu(String libc, Program program, @TempDir Path tmp)
            throws Exception {
        Path image = imagesDir().resolve(libc).resolve(program.name());
        assertThat(image)
                .as("image %s missing: run `make -C userspace-images`", image)
                .isRegularFile()
                .isExecutable();

        Outcome host = runNative(image, program, tmp.resolve("native"));
        Outcome emu = runEmu(image, program, tmp.resolve("emu"));

        if (SORTED_OUTPUT.contains(program.name())) {
            assertThat(emu.stdoutText().lines().sorted().toList()).as("sorted stdout lines of %s/%s", libc, program)
                    .isEqualTo(host.stdoutText().lines().sorted().toList());
            assertThat(emu.status).as("exit status of %s/%s; stderr: %s", libc, program, emu.stderrText()).isEqualTo(host.status);
            return;
        }

        assertThat(emu.stdoutText()).as("stdout of %s/%s under emu", libc, program).isEqualTo(host.stdoutText());
        assertThat(emu.stdout).as("stdout bytes of %s/%s", libc, program).isEqualTo(host.stdout);

        if (program.name().equals("nullderef")) {
            assertThat(host.status).as("native status of nullderef").isEqualTo(SIGSEGV_STATUS);
            assertThat(host.stderrText()).as("native stderr of nullderef").isEmpty();
            assertThat(emu.status).as("emu status of %s/nullderef; stderr: %s", libc, emu.stderrText())
                    .isEqualTo(SIGSEGV_STATUS);
            List<String> lines = emu.stderrText().lines().toList();
            assertThat(lines).as("emu stderr of %s/nullderef", libc).hasSize(1);
            assertThat(lines.getFirst()).startsWith("emu: ").contains("SIGSEGV").contains("0x0");
            return;
        }

        String emuStderr = emu.stderrText();
        if (host.status > 128) {
            // Killed by a signal: emu adds its one report line (README), which native runs lack.
            String report = "emu: pid 1 (" + program.name() + ") killed by ";
            List<String> lines = emuStderr.lines().toList();
            assertThat(lines).as("emu stderr of %s/%s", libc, program).isNotEmpty();
            assertThat(lines.getLast()).as("emu report line of %s/%s", libc, program).startsWith(report);
            emuStderr = emuStderr.substring(0, emuStderr.lastIndexOf(report));
        }
        assertThat(emuStderr).as("stderr of %s/%s under emu", libc, program).isEqualTo(host.stderrText());
        assertThat(emu.status).as("exit status of %s/%s under emu; stderr: %s", libc, program, emu.stderrText())
                .isEqualTo(host.status);

        if (program.name().equals("unknown_syscall")) {
            // The kernel names an unimplemented syscall once in its log (number 400 has no name).
            // The serial log also carries the console stream, so skip the guest's own line.
            assertThat(emu.serialLog.lines()
                            .filter(l -> l.contains("400") && !l.contains("syscall(400) = -1")))
                    .as("serial log should mention the unimplemented syscall 400:%n%s", emu.serialLog)
                    .isNotEmpty();
        }
    }

    /** The freestanding minilib image prints the same line natively and under emu. */
    @ParameterizedTest(name = "minilib/{0}")
    @MethodSource("freestandingImages")
    void freestandingImage(String name, @TempDir Path tmp) throws Exception {
        Path image = imagesDir().resolve(name);
        assertThat(image).as("image %s missing: run `make -C userspace-images`", image).isRegularFile();
        Program program = new Program(name);

        Outcome host = runNative(image, program, tmp.resolve("native"));
        Outcome emu = runEmu(image, program, tmp.resolve("emu"));

        assertThat(host.stdoutText()).isEqualTo("Hello from emu guest!\n");
        assertThat(emu.stdoutText()).isEqualTo(host.stdoutText());
        assertThat(emu.stderrText()).isEqualTo(host.stderrText());
        assertThat(emu.status).isEqualTo(host.status).isZero();
    }

    static Stream<String> freestandingImages() {
        return Stream.of("hello.elf");
    }

    // ---- running ------------------------------------------------------------------------------

    /** What one run produced. {@code serialLog} is empty for native runs. */
    record Outcome(int status, byte[] stdout, byte[] stderr, String serialLog) {
        /** Latin-1 keeps every byte as one char, so non-UTF-8 output still compares exactly. */
        String stdoutText() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }

        String stderrText() {
            return new String(stderr, StandardCharsets.ISO_8859_1);
        }
    }

    private static Outcome runNative(Path image, Program program, Path dir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/env", "-i"));
        GUEST_ENV.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.add(image.toString());
        cmd.addAll(program.args());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        return run(pb, program.stdin(), dir, null);
    }

    static Outcome runEmu(Path image, Program program, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path serialLog = dir.resolve("serial.log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand", "run",
                "--serial-log", serialLog.toString()));
        GUEST_ENV.forEach((k, v) -> {
            cmd.add("--env");
            cmd.add(k + "=" + v);
        });
        cmd.add(image.toString());
        cmd.addAll(program.args());
        return run(new ProcessBuilder(cmd), program.stdin(), dir, serialLog);
    }

    /** Runs with stdin, stdout and stderr redirected to files (no pipe can fill up and block). */
    private static Outcome run(ProcessBuilder pb, byte[] stdin, Path dir, Path serialLog)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path in = Files.write(dir.resolve("stdin"), stdin);
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        pb.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("timed out after %d s: %s%nstderr so far: %s", TIMEOUT_SECONDS, pb.command(),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        }
        String log = serialLog != null && Files.exists(serialLog)
                ? Files.readString(serialLog, StandardCharsets.ISO_8859_1) : "";
        return new Outcome(p.exitValue(), Files.readAllBytes(out), Files.readAllBytes(err), log);
    }

    // ---- fixtures -----------------------------------------------------------------------------

    /** {@code <project root>/userspace-images/build}; the root is found by walking up from user.dir. */
    static Path imagesDir() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("userspace-images"))) {
                return d.resolve("userspace-images").resolve("build");
            }
        }
        throw new IllegalStateException("no userspace-images/ above " + System.getProperty("user.dir"));
    }

    private static Map<String, String> guestEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", "/home/guest");
        env.put("PATH", "/usr/bin:/bin");
        env.put("LANG", "C");
        env.put("EMU_TEST", "value with spaces=and equals");
        env.put("EMPTY", "");
        return env;
    }

    private static byte[] filterInput() {
        byte[] text = "hello, world\nMixed Case 123 !@#\n".getBytes(StandardCharsets.US_ASCII);
        byte[] raw = {0, (byte) 0xff, (byte) 0xfe, 'a', (byte) 0x80, (byte) 0xc3, (byte) 0xa9, 'z', '\r', '\n'};
        // Larger than one 4 KiB read, so the chunk loop runs more than once.
        byte[] bulk = new byte[10_000];
        for (int i = 0; i < bulk.length; i++) {
            bulk[i] = (byte) (i * 7 + i / 256);
        }
        byte[] tail = "no newline at end".getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(text, text.length + raw.length + bulk.length + tail.length);
        System.arraycopy(raw, 0, all, text.length, raw.length);
        System.arraycopy(bulk, 0, all, text.length + raw.length, bulk.length);
        System.arraycopy(tail, 0, all, text.length + raw.length + bulk.length, tail.length);
        return all;
    }
}
