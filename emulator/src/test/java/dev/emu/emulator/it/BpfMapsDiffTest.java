package dev.emu.emulator.it;

import java.nio.file.Path;
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

    @Test
    void mapsAndPacketProgramsBehaveAsTheHostKernel() throws Exception {
        BpfLinuxDiffTest.sameAsHostKernel(tmp, "bpf_maps_diff");
    }
}
