package dev.emu.emulator;

/**
 * Start-up phase marks for measuring where {@code emu run} spends its time before and after the
 * guest runs (docs/performance.md, "startup"). Off unless the environment variable
 * {@code EMU_STARTUP_TRACE} is set; then each {@link #mark} prints one line on stderr:
 * {@code emu: startup: 123.4 ms  what}, the time since the JVM started (the JVM's own start-up
 * before {@code main} included).
 */
public final class StartupTrace {
    private static final boolean ON = System.getenv("EMU_STARTUP_TRACE") != null;
    /** JVM start in System.nanoTime terms, read once when tracing is on. */
    private static final long JVM_START_NANOS = ON ? jvmStartNanos() : 0;

    private StartupTrace() {}

    public static boolean enabled() {
        return ON;
    }

    /** Prints the time since the JVM started and {@code what}, when tracing is on. */
    public static void mark(String what) {
        if (ON) {
            System.err.printf("emu: startup: %7.1f ms  %s%n", (System.nanoTime() - JVM_START_NANOS) / 1e6, what);
        }
    }

    private static long jvmStartNanos() {
        // Only when tracing: the management classes cost start-up time themselves.
        long uptimeMillis = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        return System.nanoTime() - uptimeMillis * 1_000_000;
    }
}
