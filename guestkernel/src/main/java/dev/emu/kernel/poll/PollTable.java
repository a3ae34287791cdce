package dev.emu.kernel.poll;

import dev.emu.kernel.sched.WaitQueue;

/**
 * What a file's {@code poll} operation is handed (Linux's poll_table): the file names each
 * wait queue that is woken when its readiness may change, as {@code poll_wait(file, queue, pt)}
 * does. The poller (poll, select, epoll) decides what waiting on those queues means.
 */
@FunctionalInterface
public interface PollTable {
    /** Registers {@code queue}: a wake-up on it may change this file's readiness. */
    void wait(WaitQueue queue);

    /**
     * Tells the poller that this file's readiness changes by itself at {@code nanos} on the
     * kernel clock (a timer's expiry, which Linux's hrtimer callback would signal): a poller
     * that waits should wake then and poll again. Ignored by default.
     */
    default void wakeAt(long nanos) {}

    /** A table that registers nothing: for a caller that wants only the current mask. */
    PollTable NONE = queue -> { };
}
