package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
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
 * The guest's use of host resources is bounded (issue 11): each reproducer in
 * userspace-images/tests/memlimits.c ends with the errno or signal Linux gives, and the host
 * process's peak RSS, measured by {@code /usr/bin/time -v}, stays under the configured
 * {@code --memory} plus {@link #EMU_FOOTPRINT} (docs/ARCHITECTURE.md, "Memory accounting").
 */
@Tag("integration")
class GuestLimitsTest {
    /**
     * emu's own footprint beyond what the guest is charged: the JVM (heap in use, code cache,
     * metaspace, thread stacks) and Unicorn's libraries. Measured at 80–100 MiB.
     */
    static final long EMU_FOOTPRINT = 192L << 20;

    @TempDir
    Path tmp;

    /** What one measured run produced. */
    record Run(int status, String stdout, String stderr, String serial, long peakRss) {}

    private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    /** Runs {@code memlimits MODE...} (musl) under `emu run --memory MEMORY`, measured by /usr/bin/time -v. */
    private Run run(String memory, String... mode) throws IOException, InterruptedException {
        Path image = DifferentialTest.imagesDir().resolve("musl/memlimits");
        Path serial = tmp.resolve("serial" + System.nanoTime());
        List<String> emuArgs = new ArrayList<>(List.of("run", "--memory", memory, "--serial-log", serial.toString(),
                "--timeout", "100", image.toString()));
        emuArgs.addAll(List.of(mode));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-v"));
        cmd.addAll(EmuCli.command(emuArgs.toArray(String[]::new)));
        Path out = tmp.resolve("out" + System.nanoTime());
        Path err = tmp.resolve("err" + System.nanoTime());
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("memlimits %s finished", String.join(" ", mode)).isTrue();
        String stderr = Files.readString(err);
        Matcher m = MAX_RSS.matcher(stderr);
        assertThat(m.find()).as("/usr/bin/time -v output in %s", stderr).isTrue();
        long peak = Long.parseLong(m.group(1)) << 10;
        // The figures the issue asks for, in the test's output.
        System.out.printf("memlimits %s with --memory %s: peak RSS %d MiB%n", String.join(" ", mode), memory, peak >> 20);
        return new Run(p.exitValue(), Files.readString(out), stderr, Files.readString(serial), peak);
    }

    private static void assertPeakRssWithin(Run r, long memory) {
        assertThat(r.peakRss()).as("peak RSS of emu with --memory %d MiB", memory >> 20)
                .isLessThan(memory + EMU_FOOTPRINT);
    }

    @Test
    void aGuestThatMallocsAndTouchesWithoutEndGetsEnomemWithinItsLimit() throws Exception {
        Run r = run("256M", "hog");
        assertThat(r.stdout()).containsPattern("hog: malloc failed with ENOMEM after (2[0-9][0-9]) MiB");
        assertThat(r.status()).isZero();
        assertPeakRssWithin(r, 256L << 20);
    }

    @Test
    void aForkBombStopsAtTheProcessLimitWithEagain() throws Exception {
        Run r = run("256M", "forkbomb");
        assertThat(r.stdout()).contains("forkbomb: fork failed with EAGAIN after")
                .contains("wait ended with ECHILD");
        assertThat(r.status()).isZero();
        assertPeakRssWithin(r, 256L << 20);
    }

    @Test
    void forkingAProcessWithA4GibMapNeedsTheMemoryForACopy() throws Exception {
        Run committed = run("6G", "forkbig");
        assertThat(committed.stdout()).isEqualTo("forkbig: fork failed with ENOMEM\n");
        assertPeakRssWithin(committed, 256L << 20); // untouched pages cost the host nothing
        Run noReserve = run("256M", "forkbig", "nr");
        assertThat(noReserve.stdout()).isEqualTo("forkbig: child exited 6\n");
        assertPeakRssWithin(noReserve, 256L << 20);
    }

    @Test
    void reservationsOfATebibyteCostNothingButCommittingOneIsEnomem() throws Exception {
        Run r = run("256M", "reserve");
        assertThat(r.stdout()).isEqualTo("""
                reserve: 1 TiB PROT_NONE: OK
                reserve: mprotect 1 MiB of it read-write: OK
                reserve: wrote 1 MiB, byte 7
                reserve: reading the reservation: SIGSEGV SEGV_ACCERR
                reserve: munmap: OK
                reserve: 1 TiB MAP_NORESERVE read-write: OK
                reserve: touched both ends: 1 2
                reserve: 1 TiB committed read-write: ENOMEM
                reserve: 2^24 pages committed read-write: ENOMEM
                """);
        assertThat(r.status()).isZero();
        assertPeakRssWithin(r, 256L << 20);
    }

    @Test
    void brkTo32GibFailsAndLeavesTheBreak() throws Exception {
        Run r = run("256M", "brk");
        assertThat(r.stdout()).isEqualTo("""
                brk: sbrk(32 GiB): ENOMEM, break unchanged
                brk: raw brk(+32 GiB) returned the old break: yes
                """);
        assertThat(r.status()).isZero();
    }

    @Test
    void touchingDemandPagedMemoryBeyondTheLimitGetsTheOomKiller() throws Exception {
        Run r = run("128M", "touch-noreserve");
        assertThat(r.stdout()).isEqualTo("touch-noreserve: mapped 64 GiB\n");
        assertThat(r.status()).isEqualTo(128 + 9);
        assertThat(r.serial()).contains("Memory cgroup out of memory: Killed process 1 (memlimits)");
        assertThat(r.stderr()).contains("emu: pid 1 (memlimits) killed by SIGKILL (out of memory");
        assertPeakRssWithin(r, 128L << 20);
    }

    @Test
    void bpfMapsOf1GibOr1MEntriesAreChargedBeforeAnyStorageExists() throws Exception {
        Run array = run("512M", "bpf-array");
        assertThat(array.stdout()).isEqualTo("""
                bpf array 1 GiB (256 x 4 MiB): ENOMEM
                bpf array 1 GiB (1 x 1 GiB value): E2BIG
                bpf array 1M entries x 8: OK
                """);
        assertPeakRssWithin(array, 512L << 20);
        Run hash = run("512M", "bpf-hash");
        assertThat(hash.stdout()).isEqualTo("""
                bpf hash 1M entries x 1 KiB: ENOMEM
                bpf hash 1M entries x 8: OK
                """);
        assertPeakRssWithin(hash, 512L << 20);
        Run ring = run("512M", "bpf-ringbuf");
        assertThat(ring.stdout()).isEqualTo("""
                bpf ringbuf 1 GiB: ENOMEM
                bpf ringbuf 1 MiB: OK
                """);
        assertPeakRssWithin(ring, 512L << 20);
    }

    @Test
    void loweredRlimitsAreEnforced() throws Exception {
        Run r = run("256M", "rlimits");
        assertThat(r.stdout()).isEqualTo("""
                rlimits: NOFILE default 1024/1048576
                rlimits: set AS 64 MiB: OK
                rlimits: mmap 128 MiB under AS: ENOMEM
                rlimits: PROT_NONE 128 MiB under AS: ENOMEM
                rlimits: set DATA 16 MiB: OK
                rlimits: malloc 32 MiB under DATA: ENOMEM
                rlimits: read-only mmap 32 MiB under DATA: OK
                rlimits: set NOFILE 16: OK
                rlimits: pipe failed with EMFILE after 6 pipes
                rlimits: dup2 to fd 16: Bad file descriptor
                rlimits: raise NOFILE hard to 17: EPERM
                rlimits: soft above hard: EINVAL
                rlimits: NOFILE now 16/16
                rlimits: set NPROC 4: OK
                rlimits: fork failed with EAGAIN after 3 children
                rlimits: prlimit64 reads NPROC 4/4 (0)
                """);
        assertThat(r.status()).isZero();
    }

    @Test
    void aLoweredStackLimitShrinksTheStackOfTheNextExec() throws Exception {
        Run r = run("256M", "stack", "1048576");
        assertThat(r.stdout()).isEqualTo("""
                stack: set RLIMIT_STACK: OK
                stack: child sees RLIMIT_STACK 1048576
                stack: 512 KiB deep: ok
                stack: child killed by signal 11
                """);
        assertThat(r.status()).isZero();
    }

    @Test
    void aMemoryLimitThatIsNotASizeIsAUsageError() throws Exception {
        EmuCli.Result r = EmuCli.run(tmp, "run", "--memory", "lots", "hello.elf");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).contains("--memory must be a size");
    }
}
