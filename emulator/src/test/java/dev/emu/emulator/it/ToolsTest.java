package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emu.emulator.cli.RunCommand;
import dev.emu.emulator.expect.Expectation;
import dev.emu.emulator.expect.ExpectationCheck;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CO-RE tools of userspace-images/tools (libbpf-tools style: BPF C built against a
 * vmlinux.h, relocated by libbpf against the running kernel's BTF) run with a workload through
 * {@code tool_run}, under emu and natively: each run must satisfy the tool's expectation file
 * (userspace-images/tools/TOOL.expect, docs/expect-format.md), natively on stdout, under emu
 * on the serial log through {@code emu run --expect}. The same static binaries run in both
 * places. Native runs need root and the host's kernel BTF and are skipped, saying why, without.
 *
 * <p>Under emu libbpf relocates them against emu's own kernel BTF (/sys/kernel/btf/vmlinux):
 * the tracepoint records, task_struct and its chain (execsnoop's real_parent->tgid, runqlat's
 * tp_btf or raw_tp task arguments).
 */
@Tag("integration")
class ToolsTest {
    private static final long TIMEOUT_SECONDS = 120;
    private static final Path HOST_BTF = Path.of("/sys/kernel/btf/vmlinux");

    @TempDir
    Path tmp;

    private static Path tool(String name) {
        Path p = DifferentialTest.imagesDir().resolve("tools").resolve(name);
        assertThat(p).as("run `make -C userspace-images tools`").isRegularFile();
        return p;
    }

    private static Path expectFile(String tool) {
        return DifferentialTest.imagesDir().getParent().resolve("tools").resolve(tool + ".expect");
    }

    private record Run(int status, String stdout, String stderr, String serial) {}

    private Run run(List<String> cmd, String name, Path serial) throws Exception {
        Path out = tmp.resolve(name + ".out"), err = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(name + " timed out: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1),
                serial == null ? "" : Files.readString(serial, StandardCharsets.ISO_8859_1));
    }

    /** {@code tool_run [-c EVENT] TOOL ARGS -- WORKLOAD} as a list, every image by its host path. */
    private static List<String> toolRun(String countEvent, List<String> tool, List<String> workload) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool("tool_run").toString());
        if (countEvent != null) {
            cmd.addAll(List.of("-c", countEvent));
        }
        cmd.add(tool(tool.getFirst()).toString());
        cmd.addAll(tool.subList(1, tool.size()));
        cmd.add("--");
        cmd.addAll(workload);
        return cmd;
    }

    /**
     * The composition run natively, its stdout checked against the tool's expectation file. One
     * second attempt: once, on this 2-core host at load 17, a native opensnoop run missed one
     * of its two opens (not reproduced in 25 runs since); a tool that is wrong fails twice.
     */
    private Run runNative(String toolName, List<String> cmd) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the tools natively need root (bpf())");
        assumeTrue(Files.isReadable(HOST_BTF), "the host kernel has no BTF (" + HOST_BTF + ")");
        Run r = run(cmd, toolName + ".native", null);
        assumeTrue(!r.stderr().contains("failed to load BPF object"), "the host refuses " + toolName + ": " + r.stderr());
        if (!ExpectationCheck.check(Expectation.read(expectFile(toolName)), r.stdout(), r.status()).ok()) {
            r = run(cmd, toolName + ".native2", null);
        }
        assertExpectation(toolName, r.stdout(), r.status(), "natively (stderr: " + r.stderr() + ")");
        return r;
    }

    /** The composition under {@code emu run --expect TOOL.expect}, with {@code emuOptions} first. */
    private Run runEmu(String toolName, List<String> emuOptions, List<String> cmd) throws Exception {
        Path serial = tmp.resolve(toolName + ".serial");
        List<String> all = new ArrayList<>(List.of("run", "--serial-log", serial.toString(),
                "--expect", expectFile(toolName).toString()));
        all.addAll(EmuCli.mountImages());
        all.addAll(emuOptions);
        all.addAll(cmd);
        Run r = run(EmuCli.command(all.toArray(String[]::new)), toolName + ".emu", serial);
        assertExpectation(toolName, r.serial(), r.status(), "under emu (stderr: " + r.stderr() + ")");
        assertThat(r.status()).as("emu run --expect %s (stderr: %s)", expectFile(toolName), r.stderr())
                .isNotEqualTo(RunCommand.EXIT_EXPECT_FAILED);
        return r;
    }

    private static void assertExpectation(String toolName, String text, int status, String where) throws Exception {
        Expectation e = Expectation.read(expectFile(toolName));
        ExpectationCheck.Report report = ExpectationCheck.check(e, text, status);
        assertThat(report.failures()).as("%s %s; output:%n%s", toolName, where, text).isEmpty();
    }

    // ---- opensnoop

    private static List<String> opensnoopRun() {
        return toolRun(null, List.of("opensnoop", "-n", "busybox"),
                List.of("/bin/busybox", "cat", "/etc/hostname", "/nonexistent/opensnoop-test"));
    }

    @Test
    void opensnoopShowsOpenedFilesWithTheirFdsAndErrorsUnderEmu() throws Exception {
        runEmu("opensnoop", List.of(), opensnoopRun());
    }

    @Test
    void opensnoopNatively() throws Exception {
        runNative("opensnoop", opensnoopRun());
    }

    /** The same composition twice gives the same serial log, byte for byte (virtual clock). */
    @Test
    void aToolRunIsTheSameOnEveryRun() throws Exception {
        String first = runEmu("opensnoop", List.of(), opensnoopRun()).serial();
        String second = runEmu("opensnoop", List.of(), opensnoopRun()).serial();
        assertThat(second).isEqualTo(first);
    }

    /** {@code emu run --with "TOOL ARGS" IMAGE ARGS} is the same composition, the tool found by its bare name. */
    @Test
    void withOptionRunsTheToolAroundTheImage() throws Exception {
        Path serial = tmp.resolve("with.serial");
        List<String> cmd = new ArrayList<>(List.of("run", "--serial-log", serial.toString(),
                "--expect", expectFile("opensnoop").toString()));
        cmd.addAll(List.of("--with", "opensnoop -n busybox", "/bin/busybox", "cat", "/etc/hostname", "/nonexistent/opensnoop-test"));
        Run r = run(EmuCli.command(cmd.toArray(String[]::new)), "with", serial);
        assertExpectation("opensnoop", r.serial(), r.status(), "with --with (stderr: " + r.stderr() + ")");
        assertThat(r.status()).isEqualTo(1);

        EmuCli.Result missing = EmuCli.run(tmp, "run", "--with", "nosuchtool -x", "/bin/true");
        assertThat(missing.status()).isEqualTo(127);
        assertThat(missing.stderr()).contains("--with: nosuchtool: no such tool");
    }

    // ---- syscount

    private static List<String> syscountRun() {
        return toolRun(null, List.of("syscount", "-T", "100", "-n", "forkpipe"),
                List.of(DifferentialTest.imagesDir().resolve("musl/forkpipe").toString()));
    }

    private static final Pattern COUNT_ROW = Pattern.compile("^([a-z0-9_]+) +(\\d+)$");
    private static final Pattern TRACE_LINE = Pattern.compile("^(?:\\[pid +(\\d+)\\] )?([a-z0-9_]+)\\((.*)$");
    private static final Pattern CHILD = Pattern.compile("^(?:fork|vfork|clone|clone3)\\(.*\\) = (\\d+)$");

    /** syscount's table: syscall name → count. */
    static Map<String, Integer> syscountTable(String out) {
        Map<String, Integer> counts = new TreeMap<>();
        boolean inTable = false;
        for (String line : out.lines().toList()) {
            if (line.startsWith("SYSCALL ")) {
                inTable = true;
                continue;
            }
            Matcher m = COUNT_ROW.matcher(line);
            if (inTable && m.matches()) {
                counts.put(m.group(1), Integer.parseInt(m.group(2)));
            } else if (inTable) {
                break;
            }
        }
        return counts;
    }

    /**
     * What raw_syscalls:sys_exit saw of the workload, from an strace-format trace: the calls of
     * the workload (tool_run's second exec), from that execve on, and of the processes it
     * forked, while their comm is {@code comm} (syscount -n COMM); not the calls that do not return (exit, exit_group) nor a call's parked first
     * half that is simply re-executed when woken (one call, one sys_exit). A fork or clone returns twice, in the
     * parent and in the child, and sys_exit fires for both, as on Linux.
     */
    static Map<String, Integer> traceCounts(String trace, String comm) {
        List<String> lines = trace.lines().toList();
        int execAt = -1, execs = 0;
        String workload = null;
        for (int i = 0; i < lines.size() && execs < 2; i++) {
            Matcher m = TRACE_LINE.matcher(lines.get(i));
            if (m.matches() && m.group(2).equals("execve") && lines.get(i).endsWith(" = 0") && ++execs == 2) {
                execAt = i; // tool_run execs the tool first, then the workload
                workload = m.group(1) == null ? "1" : m.group(1);
            }
        }
        assertThat(execAt).as("the workload's execve in the trace").isNotNegative();
        List<String> pids = new ArrayList<>(List.of(workload));
        Map<String, Integer> counts = new TreeMap<>();
        List<String> rest = lines.subList(execAt, lines.size());
        for (int i = 0; i < rest.size(); i++) {
            String line = rest.get(i);
            Matcher m = TRACE_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String pid = m.group(1) == null ? "1" : m.group(1);
            String name = m.group(2);
            if (!pids.contains(pid) || name.equals("exit") || name.equals("exit_group")
                    || line.contains(" = ? ") && !handlerRunsBeforeRestart(rest, i, pid, name)) {
                continue;
            }
            Matcher exec = EXEC_PATH.matcher(line);
            if (i > 0 && exec.find() && !commOf(exec.group(1)).equals(comm)) {
                pids.remove(pid); // a new comm (busybox sh runs applets as /proc/self/exe: "exe")
                continue;
            }
            Matcher child = CHILD.matcher(name + "(" + m.group(3));
            if (child.matches()) {
                pids.add(child.group(1));
                counts.merge(name, 1, Integer::sum); // the child's return (ret_from_fork), which strace does not show
            }
            counts.merge(name, 1, Integer::sum);
        }
        return counts;
    }

    private static final Pattern EXEC_PATH = Pattern.compile("execve\\(\"([^\"]+)\".* = 0$");

    /** The comm an exec of {@code path} gives: its last component, cut to 15 bytes (TASK_COMM_LEN). */
    private static String commOf(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        return base.length() > 15 ? base.substring(0, 15) : base;
    }

    /**
     * A parked call ({@code = ? ERESTARTSYS}) leaves the kernel, and fires sys_exit, when a
     * signal handler runs before it is re-executed: the pid's next line is not that call again.
     */
    private static boolean handlerRunsBeforeRestart(List<String> lines, int at, String pid, String name) {
        for (String next : lines.subList(at + 1, lines.size())) {
            Matcher m = TRACE_LINE.matcher(next);
            if (m.matches() && pid.equals(m.group(1) == null ? "1" : m.group(1))) {
                return !m.group(2).equals(name);
            }
        }
        return false;
    }

    /** syscount's counts of the workload equal the calls `--trace-syscalls` shows for it in the same run. */
    @Test
    void syscountCountsWhatTheSyscallTraceShowsUnderEmu() throws Exception {
        Path trace = tmp.resolve("syscount.trace");
        Run r = runEmu("syscount", List.of("--trace-syscalls", "--trace-file", trace.toString()), syscountRun());
        Map<String, Integer> counted = syscountTable(r.serial());
        assertThat(counted).containsEntry("fork", 2).containsEntry("pipe", 1).containsKey("execve");
        assertThat(counted).as("syscount vs the trace of the same run").isEqualTo(traceCounts(Files.readString(trace), "forkpipe"));
    }

    /**
     * A shell waiting for its subshells (forks, no exec: the comm stays busybox): its wait4 parks,
     * SIGCHLD's handler runs before the call is re-executed, so that first leg leaves the kernel
     * (-ERESTARTSYS) and counts, as on Linux.
     */
    @Test
    void syscountCountsParkedCallsAcrossSignalHandlersAsTheTraceShows() throws Exception {
        Path trace = tmp.resolve("syscount-sh.trace");
        Path serial = tmp.resolve("syscount-sh.serial");
        List<String> cmd = new ArrayList<>(List.of("run", "--serial-log", serial.toString(),
                "--trace-syscalls", "--trace-file", trace.toString()));
        cmd.addAll(toolRun(null, List.of("syscount", "-T", "100", "-n", "busybox"),
                List.of("/bin/busybox", "sh", "-c", "(echo a; echo b) | { read x; read y; echo $x$y; }")));
        Run r = run(EmuCli.command(cmd.toArray(String[]::new)), "syscount-sh", serial);
        assertThat(r.status()).as(r.stderr()).isZero();
        Map<String, Integer> counted = syscountTable(r.serial());
        assertThat(counted.get("wait4")).as("wait4 in %s", r.serial()).isGreaterThanOrEqualTo(4);
        assertThat(counted).isEqualTo(traceCounts(Files.readString(trace), "busybox"));
    }

    /** Natively the same static program makes the same calls, so syscount prints the same table. */
    @Test
    void syscountNativelyCountsWhatItCountsUnderEmu() throws Exception {
        Run host = runNative("syscount", syscountRun());
        Run emu = runEmu("syscount", List.of(), syscountRun());
        assertThat(syscountTable(host.stdout())).isEqualTo(syscountTable(emu.serial()));
    }

    // ---- execsnoop

    private static List<String> execsnoopRun() {
        return toolRun(null, List.of("execsnoop", "-x", "-n", "execsnoop-test"), List.of("/bin/busybox", "sh", "-c",
                "/bin/busybox true execsnoop-test; /nonexistent/execsnoop-test"));
    }

    private static final Pattern EXEC_ROW = Pattern.compile("^busybox +(\\d+) +(\\d+) +(-?\\d+) (.*)$");

    /** The shell's child has the shell as its parent: task->real_parent->tgid read with BPF_CORE_READ. */
    private static void parentsAreRight(String out) {
        int shell = -1, shellParent = -1, childParent = -1, failedPid = -1;
        for (String line : out.lines().toList()) {
            Matcher m = EXEC_ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            if (m.group(4).startsWith("/bin/busybox sh -c")) {
                shell = Integer.parseInt(m.group(1));
                shellParent = Integer.parseInt(m.group(2));
            } else if (m.group(4).equals("/bin/busybox true execsnoop-test")) {
                childParent = Integer.parseInt(m.group(2));
            } else if (m.group(3).equals("-2")) {
                failedPid = Integer.parseInt(m.group(1));
            }
        }
        assertThat(shell).as("the shell's exec in:%n%s", out).isPositive();
        assertThat(shellParent).isPositive().isNotEqualTo(shell);
        assertThat(childParent).as("the child's PPID is the shell").isEqualTo(shell);
        assertThat(failedPid).as("the shell exec'd the missing program in place").isEqualTo(shell);
    }

    @Test
    void execsnoopShowsExecdPathsAndParentsUnderEmu() throws Exception {
        parentsAreRight(runEmu("execsnoop", List.of(), execsnoopRun()).serial());
    }

    @Test
    void execsnoopNatively() throws Exception {
        parentsAreRight(runNative("execsnoop", execsnoopRun()).stdout());
    }

    // ---- runqlat

    private static List<String> runqlatRun() {
        return toolRun("sched:sched_switch", List.of("runqlat"),
                List.of("/bin/busybox", "sh", "-c", "busybox sleep 1 & busybox sleep 1; wait"));
    }

    private static final Pattern HIST_ROW = Pattern.compile("^ +(\\d+) -> (\\d+) +: (\\d+) +\\|[* ]+\\|$");
    private static final Pattern SWITCHES = Pattern.compile("^tool_run: sched:sched_switch: (\\d+) hits$", Pattern.MULTILINE);

    /** The histogram's rows, in order, with their counts; the total is at most the switches counted. */
    private static long histogramTotal(String out) {
        long total = 0, lastHigh = -1;
        for (String line : out.lines().toList()) {
            Matcher m = HIST_ROW.matcher(line);
            if (m.matches()) {
                long low = Long.parseLong(m.group(1));
                assertThat(low).as("rows are consecutive log2 slots from 0").isEqualTo(lastHigh + 1);
                lastHigh = Long.parseLong(m.group(2));
                total += Long.parseLong(m.group(3));
            }
        }
        return total;
    }

    @Test
    void runqlatHistogramIsPlausibleUnderEmu() throws Exception {
        String serial = runEmu("runqlat", List.of(), runqlatRun()).serial();
        long total = histogramTotal(serial);
        Matcher m = SWITCHES.matcher(serial);
        assertThat(m.find()).isTrue();
        // Every count is a switch to a task that had waited; one CPU, so the counter saw them all.
        assertThat(total).isPositive().isLessThanOrEqualTo(Long.parseLong(m.group(1)));
    }

    @Test
    void runqlatNatively() throws Exception {
        assertThat(histogramTotal(runNative("runqlat", runqlatRun()).stdout())).isPositive();
    }
}
