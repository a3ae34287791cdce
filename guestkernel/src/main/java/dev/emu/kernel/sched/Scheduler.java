package dev.emu.kernel.sched;

import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Round-robin over runnable tasks on one CPU; blocked tasks sit outside the queue and never
 * consume guest time. Deterministic: the order depends only on the order of events.
 *
 * <p>Both queues are insertion-ordered sets, so queueing, waking and removing a task cost the
 * same whatever the number of tasks (with lists, every one was a scan: 10000 threads blocked
 * on one pipe made thread creation O(N^2)).
 */
public final class Scheduler {
    private final LinkedHashSet<Task> runQueue = new LinkedHashSet<>();
    private final LinkedHashSet<Task> blocked = new LinkedHashSet<>();

    /** Adds a new or woken task at the tail. */
    public void enqueue(Task t) {
        runQueue.add(t); // at the tail if not queued yet; a queued task keeps its place
    }

    /** Takes the next runnable task off the head, or null. Tasks no longer runnable are sorted out. */
    public Task next() {
        while (!runQueue.isEmpty()) {
            Task t = runQueue.removeFirst();
            if (t.state() == TaskState.RUNNABLE) {
                return t;
            }
            if (t.state() == TaskState.BLOCKED) {
                blocked.add(t);
            }
        }
        return null;
    }

    /** Files a task that stopped running: back on the queue if runnable, else with the blocked. */
    public void put(Task t) {
        switch (t.state()) {
            case RUNNABLE -> enqueue(t);
            case BLOCKED -> blocked.add(t);
            case EXITED, STOPPED -> blocked.remove(t);
        }
    }

    /** Makes blocked tasks whose deadline passed (or that were woken) runnable again. */
    public void wakeExpired(long now) {
        for (Iterator<Task> it = blocked.iterator(); it.hasNext(); ) {
            Task t = it.next();
            if (t.state() == TaskState.BLOCKED && t.wakeDeadline() <= now) {
                t.wakeTimedOut();
            }
            if (t.state() != TaskState.BLOCKED) {
                it.remove();
                if (t.state() == TaskState.RUNNABLE) {
                    enqueue(t);
                }
            }
        }
    }

    /** Wakes a parked task now (its condition is met) and queues it at the tail. */
    public void wake(Task t) {
        t.wake();
        if (t.state() == TaskState.RUNNABLE) {
            blocked.remove(t);
            enqueue(t);
        }
    }

    /** A job-control stop: the task leaves the queues until {@link #resume}. */
    public void stop(Task t) {
        t.stop();
        blocked.remove(t);
        runQueue.remove(t);
    }

    /** SIGCONT for a stopped task: it runs again. */
    public void resume(Task t) {
        t.resumeFromStop();
        if (t.state() == TaskState.RUNNABLE) {
            enqueue(t);
        } else if (t.state() == TaskState.BLOCKED) {
            blocked.add(t);
        }
    }

    /** A signal for a parked task: wake it, marking its syscall interrupted. */
    public void interrupt(Task t) {
        t.wakeInterrupted();
        if (t.state() == TaskState.RUNNABLE) {
            blocked.remove(t);
            enqueue(t);
        }
    }

    /** Forgets an exited task. */
    public void remove(Task t) {
        blocked.remove(t);
        runQueue.remove(t);
    }

    /** The earliest wake deadline among blocked tasks, or Long.MAX_VALUE. */
    public long nextDeadline() {
        long d = Long.MAX_VALUE;
        for (Task t : blocked) {
            d = Math.min(d, t.wakeDeadline());
        }
        return d;
    }

    public List<Task> blockedTasks() {
        return List.copyOf(blocked);
    }

    @Override
    public String toString() {
        return "Scheduler{runnable=" + runQueue + ", blocked=" + blocked + "}";
    }
}
