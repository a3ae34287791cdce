package dev.emu.kernel.time;

import java.util.function.LongSupplier;

/**
 * The guest's time: deterministic by default, host monotonic time on request.
 *
 * <p>In {@link Mode#VIRTUAL} mode time is derived from the work the guest executed (basic blocks
 * counted by the platform) at a fixed {@link #NANOS_PER_BLOCK}, plus the jumps the scheduler
 * makes when every task sleeps ({@link #skipTo}). The same guest code and inputs therefore see
 * the same clock on every run and machine. In {@link Mode#HOST} mode it is
 * {@link System#nanoTime()} since boot, and {@link #skipTo} really waits.
 */
public final class VirtualClock implements Clock {

    /** The cost of one executed basic block in virtual time (about what Unicorn takes). */
    public static final long NANOS_PER_BLOCK = 10;

    /**
     * CLOCK_REALTIME at boot in virtual mode: 2026-01-01T00:00:00Z, so dates are the same on every
     * run. In host mode the host's real time at boot is used instead.
     */
    public static final long VIRTUAL_EPOCH_NANOS = 1_767_225_600L * 1_000_000_000L;

    /** Which source of time the guest sees. */
    public enum Mode { VIRTUAL, HOST }

    private final Mode mode;
    private final LongSupplier workDone;
    private final long hostBase = System.nanoTime();
    private final long realtimeAtBoot;
    private long skipped;

    public VirtualClock(Mode mode, LongSupplier workDone) {
        this.mode = mode;
        this.workDone = workDone;
        if (mode == Mode.VIRTUAL) {
            realtimeAtBoot = VIRTUAL_EPOCH_NANOS;
        } else {
            java.time.Instant now = java.time.Instant.now();
            realtimeAtBoot = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public long nanos() {
        return mode == Mode.VIRTUAL
                ? workDone.getAsLong() * NANOS_PER_BLOCK + skipped
                : System.nanoTime() - hostBase;
    }

    /** CLOCK_REALTIME in nanoseconds since the Unix epoch: the boot-time wall clock plus {@link #nanos()}. */
    public long realtimeNanos() {
        return realtimeAtBoot + nanos();
    }

    /** Work units (blocks) the guest may execute before the clock reaches {@code deadline}. */
    public long blocksUntil(long deadline) {
        long ns = deadline - nanos();
        if (ns <= 0) {
            return 1;
        }
        return mode == Mode.VIRTUAL ? Math.max(1, (ns + NANOS_PER_BLOCK - 1) / NANOS_PER_BLOCK)
                : Math.max(1, ns / NANOS_PER_BLOCK);
    }

    /**
     * Charges {@code nanos} of work the kernel did on the guest's behalf without executing guest
     * blocks (BPF test runs): virtual time moves on by that much; host time moves by itself.
     */
    public void charge(long nanos) {
        if (mode == Mode.VIRTUAL && nanos > 0) {
            skipped += nanos;
        }
    }

    /** Advances to {@code deadline} when nothing can run: a jump in virtual time, a wait in host time. */
    public void skipTo(long deadline) {
        long now = nanos();
        if (deadline <= now) {
            return;
        }
        if (mode == Mode.VIRTUAL) {
            skipped += deadline - now;
        } else {
            long ms = (deadline - now) / 1_000_000L;
            int ns = (int) ((deadline - now) % 1_000_000L);
            try {
                Thread.sleep(ms, ns);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
