package dev.emu.kernel.sched;

import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import java.util.ArrayList;
import java.util.List;

/**
 * Tasks and pollers waiting until a condition may have changed (Linux's wait_queue_head_t).
 * Wake-ups run the entries in the order they were added, so the order in which tasks become
 * runnable depends only on the order of events. A task woken from {@link #park} whose syscall
 * returned RESTART re-checks its condition when it runs again. Entries of waiters that left
 * another way (timeout, signal, exit) are dropped lazily.
 */
public final class WaitQueue {
    private final String name;
    private final List<WaitEntry> entries = new ArrayList<>();

    public WaitQueue(String name) {
        this.name = name;
    }

    /** Parks {@code t} on this queue alone until woken (or the deadline). */
    public void park(Task t, long deadline) {
        t.blockOn(this, deadline, name, null);
        entries.add(new Parked(t));
    }

    public void park(Task t) {
        park(t, Long.MAX_VALUE);
    }

    /** Adds an entry (add_wait_queue); it stays until it reports itself done, stale, or is removed. */
    public void add(WaitEntry entry) {
        entries.add(entry);
    }

    /** Removes an entry (remove_wait_queue); by identity. */
    public void remove(WaitEntry entry) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) == entry) {
                entries.remove(i);
                return;
            }
        }
    }

    /** Wakes every waiter (wake_up_all). */
    public void wakeAll(Scheduler s) {
        wake(s, 0);
    }

    /**
     * Wakes every waiter with {@code key}, the poll events that may have changed
     * (wake_up_poll); an entry may ignore a key it does not wait for.
     */
    public void wake(Scheduler s, int key) {
        if (entries.isEmpty()) {
            return;
        }
        // A copy: an entry's wake-up may add to or remove from this queue (nested epoll).
        for (WaitEntry e : List.copyOf(entries)) {
            if (e.stale() || e.wake(s, key)) {
                remove(e);
            }
        }
    }

    public boolean isEmpty() {
        entries.removeIf(WaitEntry::stale);
        return entries.isEmpty();
    }

    @Override
    public String toString() {
        return name;
    }

    /** A task parked on this queue alone: woken once, then gone (autoremove_wake_function). */
    private final class Parked implements WaitEntry {
        private final Task task;

        Parked(Task task) {
            this.task = task;
        }

        @Override
        public boolean wake(Scheduler s, int key) {
            if (task.blockedOn() == WaitQueue.this) {
                s.wake(task);
            }
            return true;
        }

        @Override
        public boolean stale() {
            return task.blockedOn() != WaitQueue.this || task.state() != TaskState.BLOCKED; // woken, or exited
        }
    }
}
