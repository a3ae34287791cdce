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
 * Map types, map commands and packet programs differentially against the host Linux kernel: userspace-images/bpf_maps_diff.c (static
 * glibc, compiled against the machine's {@code <linux/bpf.h>}) runs natively and under emu; the
 * outputs must be identical line by line. The program normalises what legitimately differs (fd
 * numbers, ids, per-CPU copies, hash iteration order, test-run duration). Skipped when not root or when the host
 * refuses bpf() (the program prints "SKIP reason").
 */
@Tag("integration")
class BpfMapsDiffTest {
    @TempDir
    Path tmp;

    private String run(List<String> cmd, String name) throws Exception {
        Path out = tmp.resolve(name);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", name).isTrue();
        assertThat(p.exitValue()).as("%s status", name).isZero();
        return Files.readString(out);
    }

    @Test
    void mapsAndPacketProgramsBehaveAsTheHostKernel() throws Exception {
        Path image = DifferentialTest.imagesDir().resolve("glibc").resolve("bpf_maps_diff");
        assertThat(image).as("run `make -C userspace-images`").isRegularFile();
        assumeTrue("root".equals(System.getProperty("user.name")), "bpf() natively needs root");
        String host = run(List.of(image.toString()), "native");
        assumeFalse(host.startsWith("SKIP"), host.strip());
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand", "run", "--serial-log", tmp.resolve("serial.log").toString(),
                image.toString()));
        String emu = run(cmd, "emu");
        assertThat(emu.lines().toList()).isEqualTo(host.lines().toList());
        assertThat(host).contains("done");
    }
}
