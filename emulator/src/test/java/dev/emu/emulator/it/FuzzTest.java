package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The syscall fuzzer (userspace-images/fuzz/syscall_fuzz.c) under `emu run`, with fixed seeds
 * and a bounded count: no guest input may reach an internal error (status 70, "a bug in emu"),
 * hang the run (a host-time bound) or grow the host process beyond {@link #MAX_RSS_KB} (peak
 * RSS from /usr/bin/time, with the JVM heap capped at {@link #HEAP}). scripts/fuzz runs the same
 * program for longer with any seed.
 */
@Tag("integration")
class FuzzTest {
    /** Syscalls per seed: about 10 s of host time each on a CI core. */
    static final int COUNT = 3000;
    static final String HEAP = "-Xmx256m";
    /** The JVM (256 MiB heap, code, metaspace) plus Unicorn's engines for a few small processes. */
    static final long MAX_RSS_KB = 768 * 1024;
    static final int HOST_SECONDS = 120;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomSyscallsNeverReachAnInternalError(long seed) throws Exception {
        fuzz(seed);
    }

    /** The tracer formats every argument the fuzzer passes (sizes, pointers, bpf attrs, signals). */
    @Test
    void randomSyscallsUnderTheTracerNeverReachAnInternalError() throws Exception {
        fuzz(4, "--trace-syscalls", "--trace-file", "/dev/null");
    }

    /**
     * With the guest's memory bounded, the fuzzer also asks for huge brk/mmap/mremap sizes (up to
     * 1 TiB): every one ends in ENOMEM or a reservation, never in host memory.
     */
    @Test
    void hugeMemoryRequestsUnderAMemoryLimitNeverReachAnInternalError() throws Exception {
        fuzz(5, List.of("--memory", "256M"), List.of("200", "huge"));
    }

    private void fuzz(long seed, String... options) throws Exception {
        fuzz(seed, List.of(options), List.of());
    }

    private void fuzz(long seed, List<String> options, List<String> fuzzerArgs) throws Exception {
        Path image = DifferentialTest.imagesDir().resolve("fuzz/syscall_fuzz");
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) {
            cmd.addAll(List.of("/usr/bin/time", "-f", "maxrss_kb=%M"));
        }
        List<String> args = new ArrayList<>(List.of("run", "--timeout", Integer.toString(HOST_SECONDS - 20)));
        args.addAll(options);
        args.addAll(List.of(image.toString(), Long.toString(seed), Integer.toString(COUNT)));
        args.addAll(fuzzerArgs);
        List<String> emu = EmuCli.command(args.toArray(String[]::new));
        emu.add(1, HEAP);
        cmd.addAll(emu);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(HOST_SECONDS, TimeUnit.SECONDS)).as("the fuzzer finished within %d s", HOST_SECONDS).isTrue();
        double seconds = (System.nanoTime() - start) / 1e9;
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        assertThat(stderr).as("emu's stderr").doesNotContain("internal error").doesNotContain("bug in emu")
                .doesNotContain("Exception");
        assertThat(p.exitValue()).as("status (124: the run hung; 70: internal error)\n%s", tail(stderr)).isZero();
        Matcher m = Pattern.compile("fuzz: seed " + seed + ": (\\d+) syscalls in (\\d+) children").matcher(stdout);
        assertThat(m.find()).as("the fuzzer's summary in %s", stdout).isTrue();
        long syscalls = Long.parseLong(m.group(1));
        assertThat(syscalls).as("syscalls issued").isGreaterThan(COUNT / 10);
        System.out.printf("fuzz seed %d: %d syscalls in %.1f s of host time (%.0f syscalls/s, JVM start included)%n",
                seed, syscalls, seconds, syscalls / seconds);
        if (timed) {
            Matcher rss = Pattern.compile("maxrss_kb=(\\d+)").matcher(stderr);
            assertThat(rss.find()).isTrue();
            assertThat(Long.parseLong(rss.group(1))).as("peak RSS of emu in KiB").isLessThan(MAX_RSS_KB);
        }
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }
}
