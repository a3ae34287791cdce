package dev.emu.kernel.log;

import dev.emu.kernel.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * printk: timestamped kernel messages on the serial log, "[    1.234567] message", the
 * timestamp being the kernel's clock (virtual and so deterministic by default).
 */
public final class KernelLog {
    private final SerialLog serial;
    private final Clock clock;
    private final Set<String> onceKeys = new HashSet<>();
    private Consumer<String> mirror;

    public KernelLog(SerialLog serial, Clock clock) {
        this.serial = serial;
        this.clock = clock;
    }

    /** Also sends every kernel line to {@code mirror} (e.g. stderr with --verbose), or null. */
    public void mirrorTo(Consumer<String> mirror) {
        this.mirror = mirror;
    }

    public void info(String message) {
        long ns = clock.nanos();
        String line = timestamp(ns) + message;
        serial.kernelLine(line);
        if (mirror != null) {
            mirror.accept(line);
        }
    }

    /**
     * printk's "[%5lu.%06lu] " prefix. Built by hand: the first String.format of a run costs
     * milliseconds of cold Formatter code, on the start-up path (docs/performance.md).
     */
    static String timestamp(long ns) {
        if (ns < 0) {
            return String.format("[%5d.%06d] ", ns / 1_000_000_000L, (ns / 1000) % 1_000_000);
        }
        StringBuilder sb = new StringBuilder(24).append('[');
        String seconds = Long.toString(ns / 1_000_000_000L);
        for (int i = seconds.length(); i < 5; i++) {
            sb.append(' ');
        }
        sb.append(seconds).append('.');
        String micros = Long.toString((ns / 1000) % 1_000_000);
        for (int i = micros.length(); i < 6; i++) {
            sb.append('0');
        }
        return sb.append(micros).append("] ").toString();
    }

    /** Logs {@code message} the first time {@code key} is seen, like printk_once per key. */
    public void once(String key, String message) {
        if (onceKeys.add(key)) {
            info(message);
        }
    }

    public SerialLog serial() {
        return serial;
    }
}
