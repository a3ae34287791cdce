package dev.emu.emulator;

/**
 * Start-up phase marks for measuring where {@code emu run} spends its time before and after the
 * guest runs (docs/performance.md, "startup"). Off unless the environment variable
 * {@code EMU_STARTUP_TRACE} is set; then each {@link #mark} records the time and {@link #report}
 * (at exit) prints one line per mark on stderr: {@code emu: startup: 123.4 ms  what}, the time
 * since the JVM started (its own start-up before {@code main} included; with
 * {@code EMU_STARTUP_TRACE=cpu} also the marking thread's CPU time) and, when the launcher
 * exported {@code EMU_LAUNCH_EPOCH} (bash's {@code $EPOCHREALTIME}), since {@code scripts/emu}
 * started.
 *
 * <p>Marks only record {@link System#nanoTime}: formatting and the management bean that gives the
 * JVM's start wait until the report, so tracing does not move the marks it measures (the first
 * {@code printf} of a JVM alone costs tens of milliseconds of cold code).
 */
public final class StartupTrace {
    private static final boolean ON = System.getenv("EMU_STARTUP_TRACE") != null;
    private static final int MAX_MARKS = 64;
    private static final long[] NANOS = ON ? new long[MAX_MARKS] : null;
    private static final String[] WHAT = ON ? new String[MAX_MARKS] : null;
    /** EMU_STARTUP_TRACE=cpu: also the marking thread's CPU time (what a loaded machine distorts least). */
    private static final java.lang.management.ThreadMXBean CPU =
            ON && "cpu".equals(System.getenv("EMU_STARTUP_TRACE")) ? java.lang.management.ManagementFactory.getThreadMXBean() : null;
    private static final long[] CPU_NANOS = CPU != null ? new long[MAX_MARKS] : null;
    private static final String[] THREAD = ON ? new String[MAX_MARKS] : null;
    private static int count;

    private StartupTrace() {}

    public static boolean enabled() {
        return ON;
    }

    /** Records the time of {@code what}, when tracing is on. */
    public static void mark(String what) {
        if (ON) {
            synchronized (StartupTrace.class) {
                if (count < MAX_MARKS) {
                    NANOS[count] = System.nanoTime();
                    THREAD[count] = Thread.currentThread().getName();
                    if (CPU != null) {
                        CPU_NANOS[count] = CPU.getCurrentThreadCpuTime();
                    }
                    WHAT[count++] = what;
                }
            }
        }
    }

    /** Prints the recorded marks on stderr, when tracing is on. */
    public static synchronized void report() {
        if (!ON) {
            return;
        }
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        long uptimeMillis = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        long jvmStart = nowNanos - uptimeMillis * 1_000_000;
        long launch = launchNanos(nowNanos, nowMillis);
        StringBuilder out = new StringBuilder();
        if (launch != 0) {
            out.append(String.format("emu: startup: %7.1f ms  JVM started (%.1f ms since scripts/emu started)%n",
                    0.0, (jvmStart - launch) / 1e6));
        }
        for (int i = 0; i < count; i++) {
            String thread = THREAD[i].equals("main") ? "" : " [" + THREAD[i] + "]";
            String cpu = CPU == null ? "" : String.format(" (%.1f ms CPU of its thread)", CPU_NANOS[i] / 1e6);
            out.append(String.format("emu: startup: %7.1f ms  %s%s%s%n", (NANOS[i] - jvmStart) / 1e6, WHAT[i], thread, cpu));
        }
        if (launch != 0) {
            out.append(String.format("emu: startup: %7.1f ms  since scripts/emu started%n", (nowNanos - launch) / 1e6));
        }
        count = 0;
        System.err.print(out);
        System.err.flush();
    }

    /** scripts/emu's start in nanoTime terms, from EMU_LAUNCH_EPOCH ("seconds.micros"), or 0. */
    private static long launchNanos(long nowNanos, long nowMillis) {
        String epoch = System.getenv("EMU_LAUNCH_EPOCH");
        if (epoch == null) {
            return 0;
        }
        try {
            long launchMicros = new java.math.BigDecimal(epoch.replace(',', '.')).movePointRight(6).longValue();
            return nowNanos - (nowMillis * 1000 - launchMicros) * 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
