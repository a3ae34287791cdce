package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Virtual time makes a run reproducible (issue 5): each multitasking program, run twice under
 * emu, produces byte-identical serial logs (kernel log lines with their virtual timestamps, and
 * the console stream) and identical stdout.
 */
@Tag("integration")
class DeterminismTest {

    static final List<String> PROGRAMS = List.of("preempt", "pthreads", "forkpipe", "sleeps", "sigsegv",
            "sigpipe", "execself",
            // Readiness, event fds and pipes (issue 14): timeouts and timers on the virtual clock.
            "readiness", "eventfds", "bigpipe");

    static Stream<Arguments> cases() {
        return Stream.of("musl", "glibc").flatMap(libc -> PROGRAMS.stream().map(p -> Arguments.of(libc, p)));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("cases")
    void twoRunsGiveIdenticalSerialLogs(String libc, String name, @TempDir Path tmp) throws Exception {
        Path image = DifferentialTest.imagesDir().resolve(libc).resolve(name);
        assertThat(image).as("image %s missing: run `make -C userspace-images`", image).isRegularFile();
        DifferentialTest.Program program = new DifferentialTest.Program(name);

        DifferentialTest.Outcome first = DifferentialTest.runEmu(image, program, tmp.resolve("first"));
        DifferentialTest.Outcome second = DifferentialTest.runEmu(image, program, tmp.resolve("second"));

        assertThat(first.serialLog()).as("serial log of %s/%s", libc, name).isNotEmpty();
        assertThat(second.serialLog()).as("second serial log of %s/%s", libc, name).isEqualTo(first.serialLog());
        assertThat(second.stdout()).as("stdout of %s/%s", libc, name).isEqualTo(first.stdout());
        assertThat(second.status()).isEqualTo(first.status());
    }
}
