package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store to a ringbuf's read-only producer page (userspace-images/tests/bpf_mmap.c with "segv")
 * ends the process with SIGSEGV natively and under emu; emu adds its one report line naming the
 * faulting address, which is the producer page the program printed.
 */
@Tag("integration")
class SharedMemoryGuestTest {
    private static final int SIGSEGV_STATUS = 128 + 11;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"musl", "glibc"})
    void aStoreToTheRingbufProducerPageIsSigsegvAsNatively(String libc, @TempDir Path tmp) throws Exception {
        Path image = DifferentialTest.imagesDir().resolve(libc).resolve("bpf_mmap");
        Process p = new ProcessBuilder(image.toString(), "segv").redirectErrorStream(true)
                .redirectOutput(tmp.resolve("native.out").toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String nativeOut = java.nio.file.Files.readString(tmp.resolve("native.out"));
        if (nativeOut.startsWith("SKIP")) {
            return; // the host refuses bpf(): nothing to compare with
        }
        assertThat(p.exitValue()).as("native status").isEqualTo(SIGSEGV_STATUS);
        assertThat(nativeOut).contains("storing to the producer page").doesNotContain("went through");

        EmuCli.Result r = EmuCli.run(tmp, "run", image.toString(), "segv");
        assertThat(r.status()).as("emu status; stderr: %s", r.stderr()).isEqualTo(SIGSEGV_STATUS);
        assertThat(r.stdout()).doesNotContain("went through");
        Matcher at = Pattern.compile("producer page at 0x([0-9a-f]+)").matcher(r.stdout());
        assertThat(at.find()).as("stdout: %s", r.stdout()).isTrue();
        List<String> lines = r.stderr().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).startsWith("emu: pid 1 (bpf_mmap) killed by SIGSEGV")
                .contains("fault address 0x" + at.group(1)).contains("write of 8 bytes");
    }
}
