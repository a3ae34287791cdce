package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emu.abi.bpf.BpfCommand;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unmodified libbpf programs (userspace-images/libbpf: clang-compiled BPF objects with BTF,
 * skeletons, static libbpf 1.1) run natively on the host kernel and under emu: stdout and the exit
 * status must be the same. The native half needs root and a host that accepts bpf(); without them
 * the test is skipped, saying why. Programs that need another branch's work are disabled with
 * the missing piece named.
 */
@Tag("integration")
class LibbpfTest {
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path tmp;

    private static Path image(String name) {
        Path p = DifferentialTest.imagesDir().resolve("libbpf").resolve(name);
        assertThat(p).as("run `make -C userspace-images libbpf`").isRegularFile();
        return p;
    }

    private record Run(int status, String stdout, String stderr) {}

    private Run run(List<String> cmd, String name) throws Exception {
        Path out = tmp.resolve(name + ".out"), err = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(name + " timed out: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    private Run runNative(String program, List<String> prefix) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "bpf() natively needs root");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(image(program).toString());
        Run r = run(cmd, program + ".native");
        assumeTrue(r.status() == 0, "the host refuses " + program + ": " + r.stdout().strip() + " " + r.stderr().strip());
        return r;
    }

    private Run runEmu(String program, List<String> options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand", "run", "--serial-log", tmp.resolve(program + ".serial").toString()));
        cmd.addAll(options);
        cmd.add(image(program).toString());
        return run(cmd, program + ".emu");
    }

    /** The program prints the same natively and under emu, and exits 0 in both. */
    private void sameAsNative(String program) throws Exception {
        Run host = runNative(program, List.of());
        Run emu = runEmu(program, List.of());
        assertThat(emu.stdout().lines().toList()).as("stdout under emu (stderr: %s)", emu.stderr())
                .isEqualTo(host.stdout().lines().toList());
        assertThat(emu.status()).isEqualTo(host.status());
        assertThat(host.stdout()).contains("done");
    }

    /**
     * BTF load and info, FREEZE, BIND_MAP, pin/get under /sys/fs/bpf, ids, GET_FD_BY_ID, map and
     * program info, PROG_QUERY, test runs, .rodata/.bss/.data through the generic map API.
     */
    @Test
    void objectCommands() throws Exception {
        sameAsNative("objects");
    }

    /** A socket filter reading its packet (bpf_skb_load_bytes, skb->len), run with bpf_prog_test_run_opts. */
    @Test
    void socketFilterWithTestRun() throws Exception {
        sameAsNative("sockfilter");
    }

    @Test
    void perfEventTicksIntoARingbuf() throws Exception {
        sameAsNative("ticks");
    }

    @Test
    void syscallCounter() throws Exception {
        sameAsNative("syscount");
    }

    @Test
    void opensnoopWithGlobals() throws Exception {
        sameAsNative("opensnoop");
    }

    /**
     * CO-RE: a program built against emu's vmlinux.h reads the task_struct chain of
     * bpf_get_current_task (pids, real_parent->tgid, comm, cred, mm->arg_start and argv, an fd's
     * dentry name) and answers bpf_core_field_exists/type_exists/enum_value, relocated by libbpf
     * against the host's BTF natively and against /sys/kernel/btf/vmlinux under emu.
     */
    @Test
    void coreReadsTheCurrentTaskChain() throws Exception {
        sameAsNative("core");
    }

    /** tp_btf on sched_process_fork/exit: task_struct arguments read with BPF_CORE_READ, the same as natively. */
    @Test
    void tpBtfProgramsSeeTaskStructArguments() throws Exception {
        sameAsNative("core_btf");
    }

    /**
     * fentry/fexit on __x64_sys_getpgid with bpf_get_current_task_btf: emu only (this host's
     * kernel refuses fentry loads with EPERM; its tp_btf half is compared above).
     */
    @Test
    void fentryAndFexitOnASyscallEntryPoint() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand", "run", image("core_btf").toString(), "--fentry"));
        Run r = run(cmd, "core_btf.fentry");
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("fentry: 1, orig_ax 121, current task is me: 1\n",
                "fexit: 1, ret is getpgid(0)'s: 1\n", "done\n");
    }

    private static final Pattern CALL = Pattern.compile("^bpf\\(([A-Z_0-9]+),.* = (?:-1 (E[A-Z0-9]+)|(\\d+))");

    /**
     * Each bpf() call of a trace as "COMMAND → ok|ERRNO", in order. The GET_NEXT_ID walks are
     * left out: how many steps they take depends on the other objects the host kernel holds
     * (vmlinux and module BTF, other programs).
     */
    static List<String> bpfCalls(String trace) {
        List<String> calls = new ArrayList<>();
        for (String line : trace.lines().toList()) {
            Matcher m = CALL.matcher(line.replaceFirst("^\\[pid +\\d+\\] ", ""));
            if (!m.find()) {
                continue;
            }
            String cmd = m.group(1);
            if (cmd.chars().allMatch(Character::isDigit)) {
                String known = BpfCommand.name(Long.parseLong(cmd));
                cmd = known != null ? known : cmd;
            }
            if (cmd.endsWith("_GET_NEXT_ID")) {
                continue;
            }
            calls.add(cmd + " → " + (m.group(2) != null ? m.group(2) : "ok"));
        }
        return calls;
    }

    /**
     * libbpf's feature probes answer under emu as on the host kernel, so libbpf takes the same
     * paths: every bpf() call of libbpf_objects (the probes of bpf_object__load — memcg
     * accounting, the BTF kinds, prog names, mmapable arrays, global data, PROG_BIND_MAP — and
     * everything after) has the same outcome, recorded by strace natively and by
     * --trace-syscalls under emu.
     */
    @Test
    void libbpfProbesAnswerAsTheHostKernel() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "no strace (apt-get install strace)");
        Path nativeTrace = tmp.resolve("native.trace"), emuTrace = tmp.resolve("emu.trace");
        runNative("objects", List.of("/usr/bin/strace", "-qq", "-e", "trace=bpf", "-o", nativeTrace.toString()));
        Run emu = runEmu("objects", List.of("--trace-syscalls=bpf", "--trace-file", emuTrace.toString()));
        assertThat(emu.status()).isZero();
        List<String> host = bpfCalls(Files.readString(nativeTrace));
        List<String> ours = bpfCalls(Files.readString(emuTrace));
        assertThat(host).as("strace saw libbpf's probes").contains("BPF_BTF_LOAD → ok", "BPF_PROG_BIND_MAP → ok");
        assertThat(ours).isEqualTo(host);
    }

    /**
     * An unmodified bpftool (Debian's, dynamically linked against libbpf) loads and pins a
     * program under emu and reads it back: ids, program and map info with BTF, the BTF object,
     * the pinned file in /sys/fs/bpf and the xlated dump with its line info.
     */
    @Test
    void bpftoolLoadsPinsAndShowsAProgram() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")), "no bpftool (apt-get install bpftool)");
        Path object = DifferentialTest.imagesDir().resolve("libbpf/obj/objects.bpf.o");
        assertThat(object).isRegularFile();
        String script = "/usr/sbin/bpftool prog load " + object + " /sys/fs/bpf/objects"
                + " && /usr/sbin/bpftool prog show pinned /sys/fs/bpf/objects && /usr/sbin/bpftool map show"
                + " && /usr/sbin/bpftool btf show && ls -l /sys/fs/bpf"
                + " && /usr/sbin/bpftool prog dump xlated pinned /sys/fs/bpf/objects";
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand", "run",
                // the object's directory at its own path: a checkout under /tmp is otherwise
                // covered by the guest's fresh tmpfs there
                "--mount", object.getParent() + ":" + object.getParent() + ":ro",
                "/bin/busybox", "sh", "-c", script));
        Run r = run(cmd, "bpftool");
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("socket_filter  name count_packets", "not jited", "btf_id ",
                "hash  name counts  flags 0x0", "key 4B  value 8B  max_entries 16",
                "-rw-------    1 root     root", "objects",
                "int count_packets(struct __sk_buff * skb):", "; runs++;");
    }
}
