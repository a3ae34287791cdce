package dev.emu.kernel.sched;

import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Round-robin over runnable tasks on one CPU; blocked tasks sit outside the queue and never
 * consume guest time. Deterministic: the order depends only on the order of events.
 */
public final class Scheduler {
    private final ArrayDeque<Task> runQueue = new ArrayDeque<>();
    private final List<Task> blocked = new ArrayList<>();

    /** Adds a new or woken task at the tail. */
    public void enqueue(Task t) {
        if (!runQueue.contains(t)) {
            runQueue.addLast(t);
        }
    }

    /** Takes the next runnable task off the head, or null. Tasks no longer runnable are sorted out. */
    public Task next() {
        while (!runQueue.isEmpty()) {
            Task t = runQueue.pollFirst();
            if (t.state() == TaskState.RUNNABLE) {
                return t;
            }
            if (t.state() == TaskState.BLOCKED && !blocked.contains(t)) {
                blocked.add(t);
            }
        }
        return null;
    }

    /** Files a task that stopped running: back on the queue if runnable, else with the blocked. */
    public void put(Task t) {
        switch (t.state()) {
            case RUNNABLE -> enqueue(t);
            case BLOCKED -> {
                if (!blocked.contains(t)) {
                    blocked.add(t);
                }
            }
            case EXITED, STOPPED -> blocked.remove(t);
        }
    }

    /** Makes blocked tasks whose deadline passed (or that were woken) runnable again. */
    public void wakeExpired(long now) {
        for (int i = 0; i < blocked.size(); i++) {
            Task t = blocked.get(i);
            if (t.state() == TaskState.BLOCKED && t.wakeDeadline() <= now) {
                t.wakeTimedOut();
            }
            if (t.state() != TaskState.BLOCKED) {
                blocked.remove(i--);
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
        } else if (t.state() == TaskState.BLOCKED && !blocked.contains(t)) {
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
