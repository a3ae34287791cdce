package dev.emu.emulator.expect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A parsed expectation file for `emu run --expect` (format: docs/expect-format.md). Immutable.
 *
 * @param source where it came from, for messages
 * @param rules the rules in file order
 */
public record Expectation(String source, List<Rule> rules) {

    /** One rule; {@code fileLine} is its 1-based line in the expectation file. */
    public sealed interface Rule {
        int fileLine();

        /** The rule as written, for reports. */
        String text();
    }

    /** {@code line TEXT}: the next line equal to TEXT, after the previous ordered match. */
    public record ExactLine(int fileLine, String text, String line) implements Rule {}

    /** {@code match /RE/}: the next line containing a match of RE, after the previous ordered match. */
    public record Match(int fileLine, String text, Pattern pattern) implements Rule {}

    /** {@code at-least N /RE/}, {@code exactly N /RE/}: how many lines anywhere match RE. */
    public record Count(int fileLine, String text, Pattern pattern, int count, boolean exact) implements Rule {}

    /** {@code never /RE/}: no line matches RE. */
    public record Never(int fileLine, String text, Pattern pattern) implements Rule {}

    /** {@code exit N}: emu's exit status is N. */
    public record Exit(int fileLine, String text, int status) implements Rule {}

    /** A malformed expectation file: the message names the file and line. */
    public static final class FormatException extends Exception {
        public FormatException(String message) {
            super(message);
        }
    }

    private static final Pattern COUNT = Pattern.compile("(at-least|exactly)\\s+(\\d+)\\s+(/.*/)");

    /** Reads and parses {@code file}. */
    public static Expectation read(Path file) throws IOException, FormatException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Parses expectation text; {@code source} names it in error messages. */
    public static Expectation parse(String source, String text) throws FormatException {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String raw = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String l = raw.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            Matcher cm = COUNT.matcher(l);
            if (l.startsWith("line ")) {
                rules.add(new ExactLine(n, l, raw.substring(raw.indexOf("line ") + 5)));
            } else if (l.startsWith("match ")) {
                rules.add(new Match(n, l, regex(source, n, l.substring(6).strip())));
            } else if (l.startsWith("never ")) {
                rules.add(new Never(n, l, regex(source, n, l.substring(6).strip())));
            } else if (cm.matches()) {
                rules.add(new Count(n, l, regex(source, n, cm.group(3)), Integer.parseInt(cm.group(2)),
                        cm.group(1).equals("exactly")));
            } else if (l.startsWith("exit ")) {
                try {
                    rules.add(new Exit(n, l, Integer.parseInt(l.substring(5).strip())));
                } catch (NumberFormatException e) {
                    throw new FormatException(source + ":" + n + ": exit needs a number: " + l);
                }
            } else {
                throw new FormatException(source + ":" + n + ": unknown rule (expected line, match, at-least, exactly,"
                        + " never or exit): " + l);
            }
        }
        return new Expectation(source, List.copyOf(rules));
    }

    private static Pattern regex(String source, int n, String slashed) throws FormatException {
        if (slashed.length() < 2 || !slashed.startsWith("/") || !slashed.endsWith("/")) {
            throw new FormatException(source + ":" + n + ": a pattern is written /REGEX/, got: " + slashed);
        }
        try {
            return Pattern.compile(slashed.substring(1, slashed.length() - 1));
        } catch (PatternSyntaxException e) {
            throw new FormatException(source + ":" + n + ": bad regex: " + e.getDescription());
        }
    }
}
