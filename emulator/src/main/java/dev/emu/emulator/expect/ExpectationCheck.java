package dev.emu.emulator.expect;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a serial log against an {@link Expectation} and explains every mismatch: which rule,
 * where in the log the search started, what was found instead.
 */
public final class ExpectationCheck {
    private ExpectationCheck() {}

    /** The outcome: no failures means the log matches. */
    public record Report(List<String> failures) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    /**
     * Checks {@code serialLog} (the whole serial stream) and emu's exit {@code status}.
     * Ordered rules (line, match) are matched in sequence, each after the line that matched the
     * previous one; counts, never and exit look at the whole log.
     */
    public static Report check(Expectation e, String serialLog, int status) {
        List<String> lines = List.of(serialLog.split("\n", -1));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines = lines.subList(0, lines.size() - 1);
        }
        List<String> failures = new ArrayList<>();
        int next = 0; // index of the first log line an ordered rule may match
        for (Expectation.Rule r : e.rules()) {
            String where = e.source() + ":" + r.fileLine() + ": ";
            switch (r) {
                case Expectation.ExactLine x -> {
                    int at = find(lines, next, s -> s.equals(x.line()));
                    if (at < 0) {
                        failures.add(where + "missing (in order, from serial line " + (next + 1) + "): " + x.text()
                                + nearest(lines, next));
                    } else {
                        next = at + 1;
                    }
                }
                case Expectation.Match m -> {
                    int at = find(lines, next, s -> m.pattern().matcher(s).find());
                    if (at < 0) {
                        failures.add(where + "missing (in order, from serial line " + (next + 1) + "): " + m.text()
                                + nearest(lines, next));
                    } else {
                        next = at + 1;
                    }
                }
                case Expectation.Count c -> {
                    long found = lines.stream().filter(s -> c.pattern().matcher(s).find()).count();
                    if (c.exact() ? found != c.count() : found < c.count()) {
                        failures.add(where + c.text() + ": found " + found + " matching line" + (found == 1 ? "" : "s"));
                    }
                }
                case Expectation.Never nv -> {
                    for (int i = 0; i < lines.size(); i++) {
                        if (nv.pattern().matcher(lines.get(i)).find()) {
                            failures.add(where + nv.text() + ": serial line " + (i + 1) + ": " + lines.get(i));
                        }
                    }
                }
                case Expectation.Exit x -> {
                    if (status != x.status()) {
                        failures.add(where + x.text() + ": emu exited with status " + status);
                    }
                }
            }
        }
        return new Report(List.copyOf(failures));
    }

    private static int find(List<String> lines, int from, java.util.function.Predicate<String> p) {
        for (int i = from; i < lines.size(); i++) {
            if (p.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String nearest(List<String> lines, int from) {
        return from < lines.size() ? "\n      serial line " + (from + 1) + " is: " + lines.get(from)
                : "\n      (the serial log ends before that point)";
    }

    /** The report as printed by `emu run --expect`: the failures, then the log's tail. */
    public static String format(Expectation e, Report report, String serialLog, int tailLines) {
        StringBuilder sb = new StringBuilder("emu: the serial log does not match " + e.source() + ":\n");
        for (String f : report.failures()) {
            sb.append("  ").append(f).append('\n');
        }
        String[] lines = serialLog.split("\n");
        int from = Math.max(0, lines.length - tailLines);
        sb.append("--- serial log, lines ").append(from + 1).append('-').append(lines.length).append(" ---\n");
        for (int i = from; i < lines.length; i++) {
            sb.append(String.format("%5d | %s%n", i + 1, lines[i]));
        }
        return sb.toString();
    }
}
