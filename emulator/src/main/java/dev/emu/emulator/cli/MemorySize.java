package dev.emu.emulator.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The --memory option: a size with an optional K/M/G/T suffix (powers of 1024), and its default. */
final class MemorySize {
    private MemorySize() {}

    /** The smallest limit a guest can start in: one process's engine, image and stack. */
    static final long MINIMUM = 32L << 20;

    /**
     * "512M", "4G", "1048576" → bytes; -1 when the text is not a size.
     */
    static long parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("I")) {
            t = t.substring(0, t.length() - 1); // "Mi", "Gi"
        }
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> { }
            }
        }
        if (shift != 0) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t);
            if (n <= 0 || n > (Long.MAX_VALUE >> 2) >> shift) {
                return -1;
            }
            return n << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The default limit: a quarter of the host's RAM (MemTotal), the share the JVM itself takes
     * for its default heap, so that a few emu runs side by side fit; 1 GiB if RAM is unknown.
     */
    static long defaultLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return Math.max(MINIMUM, (kib << 10) / 4);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the fixed default
        }
        return 1L << 30;
    }

    /** "512 MiB", "6 GiB": for messages. */
    static String format(long bytes) {
        return (bytes & ((1L << 30) - 1)) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}
