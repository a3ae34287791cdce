package dev.emu.kernel.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The serial log's "[%5lu.%06lu] " prefix, built without String.format (start-up cost). */
class KernelLogTimestampTest {

    @Test
    void matchesPrintksFormatAtEveryWidth() {
        long[] samples = {0, 999, 1_000, 1_234_567, 999_999_999, 1_000_000_000L, 12_345_678_901L,
                99_999_999_999_999L, 123_456_000_000_000L, Long.MAX_VALUE, -1, -1_234_567_890L};
        for (long ns : samples) {
            assertThat(KernelLog.timestamp(ns)).as("ns=%d", ns)
                    .isEqualTo(String.format("[%5d.%06d] ", ns / 1_000_000_000L, (ns / 1000) % 1_000_000));
        }
        assertThat(KernelLog.timestamp(10_000_000L)).isEqualTo("[    0.010000] ");
        assertThat(KernelLog.timestamp(123_456_789_012L)).isEqualTo("[  123.456789] ");
    }
}
