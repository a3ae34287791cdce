package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.emulator.EmuRunner;
import dev.emu.kernel.FilesystemSetup;
import dev.emu.kernel.vfs.MountSpec;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards that reach inside the kernel (issue 18): `--timeout` and `--max-blocks` end a run whose
 * guest sits in one long syscall — a BPF test run of 2^32 - 1 repetitions, a verification
 * that needs its whole budget, a copy of a huge file, a read of host input that never comes —
 * within a second of the limit, with the guard's status 124 and its kernel log line. Each
 * guest ({@code userspace-images/tests/guards.c}) prints what the call returned if it ever
 * returns, so an empty stdout says the call was cut short. {@link EmuRunner.Result#runNanos}
 * is the host time the kernel ran, what --timeout counts.
 */
@Tag("integration")
class GuardsTest {

    private static final long SECOND = 1_000_000_000L;
    private static final String GUARDS = DifferentialTest.imagesDir().resolve("glibc/guards").toString();

    private static void stoppedByTimeout(EmuRunner.Result r, double timeout, String syscall) {
        assertThat(r.status()).as(r.serial()).isEqualTo(124);
        assertThat(r.serial()).contains("timeout: stopping the guest");
        assertThat(r.stderr()).isEqualTo("emu: --timeout stopped the guest after " + (timeout == (long) timeout
                ? String.valueOf((long) timeout) : String.valueOf(timeout)) + " s of host time (pid 1 (guards), last syscall "
                + syscall + ")\n");
        assertThat(r.stdout()).as("the call never returned to the guest").isEmpty();
        assertThat(r.runNanos()).as("ended within a second of the timeout")
                .isGreaterThanOrEqualTo((long) (timeout * SECOND))
                .isLessThan((long) (timeout * SECOND) + SECOND);
    }

    @Test
    void aTestRunOf2To32RepetitionsEndsAtTheTimeout() throws Exception {
        EmuRunner.Result r = EmuRunner.image(GUARDS).args("testrun").timeout(1).run();
        stoppedByTimeout(r, 1, "bpf");
    }

    @Test
    void aTestRunCountsAgainstMaxBlocks() throws Exception {
        // 10^5 blocks are 1 ms of virtual time: the repetitions are charged as the blocks that
        // time stands for, so the run ends after some 10^4 of them (without that, a re-executed
        // test run counts one block per tick: 2^32 repetitions would take hours).
        EmuRunner.Result r = EmuRunner.image(GUARDS).args("testrun").maxBlocks(100_000).traceSyscalls().run();
        assertThat(r.status()).isEqualTo(124);
        assertThat(r.trace()).contains("bpf(BPF_PROG_TEST_RUN");
        assertThat(r.serial()).contains("instruction limit reached");
        assertThat(r.stderr()).isEqualTo("emu: --max-blocks stopped the guest after 100000 blocks (pid 1 (guards), last syscall bpf)\n");
        assertThat(r.stdout()).isEmpty();
        assertThat(r.runNanos()).isLessThan(10 * SECOND);
    }

    @Test
    void aVerificationThatNeedsItsWholeBudgetEndsAtTheTimeout() throws Exception {
        // 2^22 paths that never prune: the verifier works to 1M processed instructions
        // (about 4 s natively on a loaded host, longer under emu) unless it is stopped.
        EmuRunner.Result r = EmuRunner.image(GUARDS).args("verify", "22").timeout(0.5).run();
        stoppedByTimeout(r, 0.5, "bpf");
    }

    @Test
    void aCopyOfAHugeFileEndsAtTheTimeout(@TempDir Path dir) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("sparse").toFile(), "rw")) {
            f.setLength(1L << 40); // sparse: reads of zeros as fast as the host gives them
        }
        EmuRunner.Result r = EmuRunner.image(GUARDS).args("sendfile", "/data/sparse")
                .filesystem(new FilesystemSetup(null, false, List.of(new MountSpec(dir, "/data", true)), "/"))
                .timeout(1).run();
        stoppedByTimeout(r, 1, "sendfile");
    }

    @Test
    void aReadOfHostInputThatNeverComesEndsAtTheTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        InputStream silent = new InputStream() {
            @Override
            public int read() {
                try {
                    never.await(); // a pipe whose writer never writes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
        EmuRunner.Result r = EmuRunner.image(GUARDS).args("read", "/dev/stdin").stdin(silent).timeout(1).run();
        stoppedByTimeout(r, 1, "read");
        never.countDown();
    }

    @Test
    void aHostFifoIsNeverOpenedSoItCannotBlockTheHostThread(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        EmuRunner.Result r = EmuRunner.image(GUARDS).args("read", "/data/fifo")
                .filesystem(new FilesystemSetup(null, false, List.of(new MountSpec(dir, "/data", true)), "/"))
                .timeout(5).run();
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.stdout()).isEqualTo("open: No such device or address\n"); // docs/filesystem.md
    }
}
