package dev.emu.kernel.poll;

import dev.emu.abi.Errno;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sched.WaitEntry;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import java.util.ArrayList;
import java.util.List;

/**
 * One task waiting on many wait queues at once with a deadline (Linux's poll_wqueues in
 * fs/select.c): the {@link PollTable} poll and select hand to every file they scan. Each queue a
 * file names gets an entry; the first wake-up whose key meets what the caller asked of that
 * file wakes the task, which re-runs its syscall (RESTART) and scans again.
 *
 * <p>Life cycle: {@link #interest} before each file's poll, then {@link #park} if nothing was
 * ready, and {@link #finish} when the syscall is done (poll_freewait) — or the entries go stale
 * by themselves once the task stops waiting here (woken, timed out, interrupted, exited).
 */
public final class PollWait implements PollTable {
    private final Task task;
    private final List<WaitQueue> queues = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private int interest;
    /** The earliest time a polled file said its readiness changes by itself (PollTable.wakeAt). */
    private long wakeAt = Long.MAX_VALUE;
    private boolean parked;
    private boolean finished;

    public PollWait(Task task) {
        this.task = task;
    }

    /** The events the caller wants of the file polled next (pollwake's key filter); 0 = any. */
    public void interest(int events) {
        this.interest = events;
    }

    @Override
    public void wait(WaitQueue queue) {
        if (finished) {
            return;
        }
        Entry e = new Entry(interest);
        queues.add(queue);
        entries.add(e);
        queue.add(e);
    }

    @Override
    public void wakeAt(long nanos) {
        wakeAt = Math.min(wakeAt, nanos);
    }

    /**
     * Parks the task on every registered queue until one wakes it or {@code deadline} (kernel
     * clock; Long.MAX_VALUE for none) passes, or a polled file's own change time (wakeAt) comes. A signal makes the syscall return EINTR, never
     * restart (-ERESTARTNOHAND with a handler). The caller then returns RESTART.
     */
    public void park(long deadline, String what) {
        parked = true;
        task.blockOn(this, Math.min(deadline, wakeAt), what, null);
        task.setInterruptResult(Errno.EINTR.ret());
    }

    /** Leaves every queue (poll_freewait). */
    public void finish() {
        finished = true;
        for (int i = 0; i < queues.size(); i++) {
            queues.get(i).remove(entries.get(i));
        }
        queues.clear();
        entries.clear();
    }

    /** How many queues the files named (for tests and deadlock reports). */
    public int queueCount() {
        return queues.size();
    }

    private boolean waiting() {
        return !finished && (!parked || (task.blockedOn() == this && task.state() == TaskState.BLOCKED));
    }

    /** One queue's entry: pollwake. */
    private final class Entry implements WaitEntry {
        private final int key;

        Entry(int key) {
            this.key = key;
        }

        @Override
        public boolean wake(Scheduler s, int wakeKey) {
            if (wakeKey != 0 && key != 0 && (wakeKey & key) == 0) {
                return false; // not an event this file was polled for
            }
            if (parked && task.blockedOn() == PollWait.this) {
                s.wake(task);
            }
            return false; // stays until finish() or stale
        }

        @Override
        public boolean stale() {
            return !waiting();
        }
    }

    @Override
    public String toString() {
        return "poll on " + queues;
    }
}
