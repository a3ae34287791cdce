package dev.emu.kernel.time;

/** The kernel's monotonic clock in nanoseconds since boot. */
public interface Clock {
    long nanos();
}
