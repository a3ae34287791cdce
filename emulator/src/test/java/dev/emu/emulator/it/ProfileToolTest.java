package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.emulator.profile.FoldedStacks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * userspace-images/tools/profile, the libbpf-tools style profiler (issue 16): it starts the
 * workload itself, samples it on cpu-clock perf events with a PERF_EVENT program and
 * bpf_get_stackid, and symbolises the stacks from /proc/PID/maps and the ELF files. Under emu
 * and natively (the host kernel is the oracle) the same binary reports the hot function on top
 * of the same stack: frame pointers only, so the caller of the leaf hot is missed on both.
 */
@Tag("integration")
class ProfileToolTest {

    static Path tool() {
        return ProfileTest.image("profile");
    }

    /** The widest folded stack, identical lines merged (one line per stack id, as libbpf-tools prints them). */
    static Map.Entry<String, Long> widest(String folded) {
        return ProfileTest.widest(FoldedStacks.parse(folded));
    }

    @Test
    void underEmuTheHotFunctionIsReportedOnTop(@TempDir Path tmp) throws Exception {
        EmuCli.Result r = EmuCli.run(tmp, "run", tool().toString(), "-f", "-F", "999", "--",
                ProfileTest.image("hot_fp").toString(), "40");
        assertThat(r.status()).as("stderr: %s", r.stderr()).isZero();
        String folded = r.stdout().replaceAll("(?m)^hot: .*\n", "");
        assertThat(r.stdout()).contains("hot: 40 rounds");
        Map.Entry<String, Long> top = widest(folded);
        assertThat(top.getKey()).isEqualTo("hot_fp;libc_start_main_stage2;main;hot");
        long total = FoldedStacks.parse(folded).values().stream().mapToLong(Long::longValue).sum();
        assertThat(top.getValue()).as("of %d samples", total).isGreaterThan(total * 7 / 10);

        r = EmuCli.run(tmp, "run", tool().toString(), "-F", "999", "--", ProfileTest.image("hot_glibc").toString(), "40");
        assertThat(r.status()).as("stderr: %s", r.stderr()).isZero();
        assertThat(r.stdout()).as("the default output: frames, then comm (pid), then the count")
                .containsPattern("(?m)^    hot\n    -                hot_glibc \\([0-9]+\\)\n        [0-9]+\n");
    }

    @Test
    void aRunningProcessIsProfiledByPidForADuration(@TempDir Path tmp) throws Exception {
        // busybox sh starts the workload in the background and the tool on its pid for one
        // second of virtual time; the workload ends first, its mappings were read while it ran.
        List<String> mount = EmuCli.mountImages();
        EmuCli.Result r = EmuCli.run(tmp, "run", mount.get(0), mount.get(1), "/bin/busybox", "sh", "-c",
                ProfileTest.image("hot_glibc") + " 40 & " + tool() + " -f -F 999 -p $! 1");
        assertThat(r.status()).as("stderr: %s", r.stderr()).isZero();
        String folded = r.stdout().replaceAll("(?m)^hot: .*\n", "");
        assertThat(r.stdout()).contains("hot: 40 rounds");
        // hot_glibc has no frame pointers: the walk ends at hot, as on Linux.
        assertThat(widest(folded).getKey()).isEqualTo("hot_glibc;hot");
        assertThat(FoldedStacks.parse(folded).keySet()).allMatch(k -> k.startsWith("hot_glibc;"));
    }

    @Test
    void nativelyTheSameBinaryReportsTheSameStack(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "perf_event_open and bpf() need root");
        Process p = new ProcessBuilder(tool().toString(), "-f", "-F", "999", "--", ProfileTest.image("hot_fp").toString(), "1000")
                .redirectError(tmp.resolve("err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(p.exitValue() == 0, "the host refused the tool (no bpf or perf events here)");
        String folded = out.replaceAll("(?m)^hot: .*\n", "");
        assertThat(widest(folded).getKey()).isEqualTo("hot_fp;libc_start_main_stage2;main;hot");
    }
}
