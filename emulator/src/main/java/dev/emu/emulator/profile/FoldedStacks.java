package dev.emu.emulator.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folded stacks, the format of Brendan Gregg's stackcollapse scripts and flamegraph.pl: one line
 * per distinct stack, frames outermost first separated by ';', a space, the sample count.
 */
public final class FoldedStacks {
    private FoldedStacks() {}

    /** The text of {@code stacks} (in their map's order), one line each. */
    public static String format(Map<String, Long> stacks) {
        StringBuilder sb = new StringBuilder();
        stacks.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        return sb.toString();
    }

    public static void write(Path file, Map<String, Long> stacks) throws IOException {
        Files.writeString(file, format(stacks), StandardCharsets.UTF_8);
    }

    /** Parses folded text; a line without a count after its last space is an IllegalArgumentException. */
    public static Map<String, Long> parse(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            try {
                out.merge(line.substring(0, sp), Long.parseLong(line.substring(sp + 1).trim()), Long::sum);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + n + " is not 'frames count': " + line);
            }
        }
        return out;
    }
}
