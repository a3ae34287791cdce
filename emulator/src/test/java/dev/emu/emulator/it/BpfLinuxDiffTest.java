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
 * bpf(2) differentially against the host Linux kernel: userspace-images/bpf_linux_diff.c (static
 * glibc, compiled against the machine's {@code <linux/bpf.h>}) runs natively and under emu; the
 * outputs must be identical line by line. The program normalises what legitimately differs (fd
 * numbers, ids, hash iteration order, test-run duration). Skipped when not root or when the host
 * refuses bpf() (the program prints "SKIP reason").
 */
@Tag("integration")
class BpfLinuxDiffTest {
    @TempDir
    Path tmp;

    @Test
    void bpfSyscallBehavesAsTheHostKernel() throws Exception {
        sameAsHostKernel(tmp, "bpf_linux_diff");
    }

    /**
     * Runs glibc image {@code name} natively and under emu (files in {@code tmp}) and requires the
     * same lines; skipped when not root or when the program prints "SKIP reason" natively.
     */
    static void sameAsHostKernel(Path tmp, String name) throws Exception {
        Path image = DifferentialTest.imagesDir().resolve("glibc").resolve(name);
        assertThat(image).as("run `make -C userspace-images`").isRegularFile();
        assumeTrue("root".equals(System.getProperty("user.name")), "bpf() natively needs root");
        String host = run(tmp, List.of(image.toString()), "native");
        assumeFalse(host.startsWith("SKIP"), host.strip());
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand", "run", "--serial-log", tmp.resolve("serial.log").toString(),
                image.toString()));
        String emu = run(tmp, cmd, "emu");
        assertThat(emu.lines().toList()).isEqualTo(host.lines().toList());
        assertThat(host).contains("done");
    }

    private static String run(Path tmp, List<String> cmd, String name) throws Exception {
        Path out = tmp.resolve(name);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", name).isTrue();
        assertThat(p.exitValue()).as("%s status", name).isZero();
        return Files.readString(out);
    }
}
