package dev.emu.kernel.sync;

import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.task.Task;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The futex hash table (kernel/futex/core.c, waitwake.c, requeue.c): FIFO queues of parked tasks
 * keyed by (address space, user address).
 *
 * <p>Keys are looked up, never iterated, so the hash map does not make scheduling depend on
 * hash order. A waiter that left by timeout or signal is dropped lazily: its task is no longer
 * blocked on its {@link Waiter} object.
 */
public final class Futexes {
    /** Matches every waiter's bitset (FUTEX_BITSET_MATCH_ANY). */
    public static final int MATCH_ANY = -1;

    private record Key(Object space, long addr) {}

    /** One parked task; the task's {@code blockedOn} is this object while it waits. */
    private static final class Waiter {
        final Task task;
        final int bitset;

        Waiter(Task task, int bitset) {
            this.task = task;
            this.bitset = bitset;
        }

        boolean live() {
            return task.blockedOn() == this;
        }
    }

    private final Map<Key, ArrayDeque<Waiter>> queues = new HashMap<>();

    /**
     * Parks {@code t} on the futex at {@code addr} of {@code space} until woken or {@code deadline}
     * (then the syscall returns {@code timeoutResult}). The caller has checked the value.
     */
    public void park(Task t, Object space, long addr, int bitset, long deadline, long timeoutResult) {
        Waiter w = new Waiter(t, bitset);
        queues.computeIfAbsent(new Key(space, addr), k -> new ArrayDeque<>()).addLast(w);
        t.blockOn(w, deadline, "futex 0x" + Long.toHexString(addr), timeoutResult);
    }

    /** Wakes up to {@code n} waiters whose bitset intersects {@code bitset}; returns how many. */
    public int wake(Scheduler s, Object space, long addr, int n, int bitset) {
        Key k = new Key(space, addr);
        ArrayDeque<Waiter> q = queues.get(k);
        int woken = 0;
        if (q == null) {
            return 0;
        }
        for (Iterator<Waiter> it = q.iterator(); it.hasNext() && woken < n; ) {
            Waiter w = it.next();
            if (!w.live()) {
                it.remove();
            } else if ((w.bitset & bitset) != 0) {
                it.remove();
                s.wake(w.task);
                woken++;
            }
        }
        if (q.isEmpty()) {
            queues.remove(k);
        }
        return woken;
    }

    /**
     * Wakes up to {@code nWake} waiters on {@code addr} and moves up to {@code nRequeue} of the
     * rest to {@code addr2} (FUTEX_REQUEUE); returns woken + requeued.
     */
    public int requeue(Scheduler s, Object space, long addr, int nWake, long addr2, int nRequeue) {
        int woken = wake(s, space, addr, nWake, MATCH_ANY);
        ArrayDeque<Waiter> q = queues.get(new Key(space, addr));
        int moved = 0;
        if (q != null) {
            ArrayDeque<Waiter> dst = queues.computeIfAbsent(new Key(space, addr2), k -> new ArrayDeque<>());
            for (Iterator<Waiter> it = q.iterator(); it.hasNext() && moved < nRequeue; ) {
                Waiter w = it.next();
                it.remove();
                if (w.live()) {
                    dst.addLast(w);
                    moved++;
                }
            }
            if (q.isEmpty()) {
                queues.remove(new Key(space, addr));
            }
        }
        return woken + moved;
    }

    /** Number of live waiters on a futex (for tests and deadlock reports). */
    public int waiters(Object space, long addr) {
        ArrayDeque<Waiter> q = queues.get(new Key(space, addr));
        return q == null ? 0 : (int) q.stream().filter(Waiter::live).count();
    }
}
