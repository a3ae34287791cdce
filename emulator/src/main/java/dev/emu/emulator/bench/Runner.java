package dev.emu.emulator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one benchmark command as a child process and times it by host wall clock, from
 * {@link ProcessBuilder#start} to the child's exit. Output goes to a temporary file (a pipe could
 * fill up and stall the child), read back for the rows that parse it.
 */
final class Runner {
    /** One finished run: wall time and everything the child printed (stdout then stderr). */
    record Run(long wallNanos, String output) {
        double seconds() {
            return wallNanos / 1e9;
        }
    }

    /** A command failed: its exit status and output, shown in the table's note column. */
    static final class RunFailed extends Exception {
        RunFailed(String message) {
            super(message);
        }
    }

    private static final long TIMEOUT_SECONDS = 600;

    private Runner() {}

    static Run run(List<String> cmd) throws IOException, InterruptedException, RunFailed {
        Path out = Files.createTempFile("emu-bench", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            long t0 = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new RunFailed("timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", cmd));
            }
            long wall = System.nanoTime() - t0;
            String text = Files.readString(out, StandardCharsets.ISO_8859_1);
            if (p.exitValue() != 0) {
                throw new RunFailed("exit status " + p.exitValue() + " from " + String.join(" ", cmd) + ": "
                        + lastLines(text, 3));
            }
            return new Run(wall, text);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Median of the values (the mean of the middle two for an even count). */
    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
