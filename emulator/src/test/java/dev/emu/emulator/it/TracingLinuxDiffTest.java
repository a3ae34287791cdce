package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing differentially against the host Linux kernel: userspace-images/tracing_linux_diff.c
 * (static glibc, against the machine's {@code <linux/bpf.h>} and {@code <linux/perf_event.h>})
 * reads tracefs formats, attaches tracepoint, raw tracepoint and perf_event programs, counts a
 * tracepoint and checks perf_event_open's errors, natively and under emu; the outputs must be
 * identical line by line. Its "emu-only" part (a kprobe on __x64_sys_getpid, which not every
 * host has, bpf_perf_event_output, trace_pipe) is checked against fixed expectations.
 */
@Tag("integration")
class TracingLinuxDiffTest {
    @TempDir
    Path tmp;

    private Path image() {
        Path image = DifferentialTest.imagesDir().resolve("glibc").resolve("tracing_linux_diff");
        assertThat(image).as("run `make -C userspace-images`").isRegularFile();
        return image;
    }

    private String run(List<String> cmd, String name) throws Exception {
        Path out = tmp.resolve(name);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", name).isTrue();
        assertThat(p.exitValue()).as("%s status", name).isZero();
        return Files.readString(out);
    }

    private List<String> emu(String serialLog, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand", "run", "--serial-log", tmp.resolve(serialLog).toString(),
                image().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void tracingBehavesAsTheHostKernel() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "bpf() and perf_event_open natively need root");
        String host = run(List.of(image().toString()), "native");
        assumeFalse(host.startsWith("SKIP"), host.strip());
        String emu = run(emu("serial.log"), "emu");
        assertThat(emu.lines().toList()).isEqualTo(host.lines().toList());
        assertThat(host).contains("openat flags 0x80000: 2 calls", "getppid calls seen: 4", "samples taken: > 0",
                "ring: data_head 24, record type 9 size 24, raw size 12, value 42", "done");
    }

    @Test
    void kprobesOutputAndTracePipeWorkUnderEmu() throws Exception {
        String out = run(emu("serial.log", "emu-only"), "emu-only");
        assertThat(out.lines().toList()).containsSubsequence(
                "perf_event_open kprobe __x64_sys_getpid = ok",
                "SET_BPF kprobe program = ok",
                "getpid kprobe hits: 3",
                "orig_ax read through di: 39",
                "perf_event_open kprobe no_such_function = -1 ENOENT",
                "trace_pipe: bpf_trace_printk: hi!",
                "done");
        assertThat(Files.readString(tmp.resolve("serial.log"))).contains("bpf_trace_printk: hi!");
    }

    @Test
    void samplesAreTheSameOnEveryRun() throws Exception {
        String first = run(emu("serial1.log"), "emu1");
        String second = run(emu("serial2.log"), "emu2");
        assertThat(second).isEqualTo(first);
        assertThat(Files.readString(tmp.resolve("serial2.log"))).isEqualTo(Files.readString(tmp.resolve("serial1.log")));
    }
}
