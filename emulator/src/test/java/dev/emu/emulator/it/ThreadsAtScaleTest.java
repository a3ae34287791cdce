package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes at scale (issue 18): thousands of threads fit the limits a modest --memory gives
 * (threads-max sized as Linux sizes it from RAM), and are created and joined.
 */
@Tag("integration")
class ThreadsAtScaleTest {
    @TempDir
    Path tmp;

    @Test
    void threadsMaxIsOneThreadPer128KibOfTheMemoryLimit() throws Exception {
        EmuCli.Result r = EmuCli.run(tmp, "run", "--memory", "1G", "/bin/cat", "/proc/sys/kernel/threads-max");
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("8192\n"); // set_max_threads: 1 GiB / (8 * THREAD_SIZE)
    }

    @Test
    void twoThousandThreadsAliveAtOnceAreCreatedAndJoinedWithinAGigabyte() throws Exception {
        Path threads = DifferentialTest.imagesDir().resolve("bench/threads");
        EmuCli.Result r = EmuCli.run(tmp, "run", "--memory", "1G", "--timeout", "120", threads.toString(), "2000");
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("threads 2000: ok\n");
        assertThat(r.status()).isZero();
    }
}
