package dev.emu.kernel.sched;

import dev.emu.kernel.task.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Tasks parked until a condition may have changed (Linux's wait_queue_head_t). Waking is FIFO;
 * a woken task whose syscall returned RESTART re-checks its condition when it runs again.
 * Entries of tasks that left the queue another way (timeout, signal, exit) are dropped lazily.
 */
public final class WaitQueue {
    private final String name;
    private final List<Task> waiters = new ArrayList<>();

    public WaitQueue(String name) {
        this.name = name;
    }

    /** Parks {@code t} on this queue until woken (or the deadline). */
    public void park(Task t, long deadline) {
        t.blockOn(this, deadline, name, null);
        waiters.add(t);
    }

    public void park(Task t) {
        park(t, Long.MAX_VALUE);
    }

    /** Wakes every task still parked here. */
    public void wakeAll(Scheduler s) {
        List<Task> w = List.copyOf(waiters);
        waiters.clear();
        for (Task t : w) {
            if (t.blockedOn() == this) {
                s.wake(t);
            }
        }
    }

    public boolean isEmpty() {
        waiters.removeIf(t -> t.blockedOn() != this);
        return waiters.isEmpty();
    }

    @Override
    public String toString() {
        return name;
    }
}
