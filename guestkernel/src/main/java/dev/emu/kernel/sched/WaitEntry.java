package dev.emu.kernel.sched;

/**
 * One entry on a {@link WaitQueue} (Linux's wait_queue_entry): what a wake-up of the queue does
 * for one waiter. A task parked on a single queue is one kind; poll, select and epoll add
 * entries whose wake-up wakes a task parked on many queues at once, or marks an epoll item
 * ready (pollwake and ep_poll_callback in fs/select.c and fs/eventpoll.c).
 */
public interface WaitEntry {
    /**
     * A wake-up of the queue. {@code key} holds the {@link dev.emu.abi.PollEvents} the waker says
     * may have changed (0: unspecified, any), as wake_up_poll passes it. Returns true when this
     * entry is done and leaves the queue.
     */
    boolean wake(Scheduler scheduler, int key);

    /** True once the waiter went away another way (timeout, signal, exit); the queue drops it lazily. */
    boolean stale();
}
