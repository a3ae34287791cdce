package dev.emu.kernel.sync;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.sched.Scheduler;

/**
 * The robust futex list a thread registered with set_robust_list, walked when it exits or execs
 * (kernel/futex/core.c exit_robust_list, handle_futex_death): each lock the dead thread still
 * holds gets FUTEX_OWNER_DIED and one waiter is woken, so pthread robust mutexes report
 * EOWNERDEAD instead of hanging.
 *
 * <pre>
 *   struct robust_list_head {          struct robust_list { next }   (embedded in each lock)
 *     struct robust_list *list;   0    lock word = entry + futex_offset
 *     long futex_offset;          8    the low bit of an entry pointer marks a PI futex
 *     struct robust_list *list_op_pending; 16
 *   };
 * </pre>
 */
public final class RobustList {
    private RobustList() {}

    public static final int FUTEX_WAITERS = 0x8000_0000, FUTEX_OWNER_DIED = 0x4000_0000, FUTEX_TID_MASK = 0x3fff_ffff;
    /** ROBUST_LIST_LIMIT: a corrupt (circular) list cannot keep the kernel busy. */
    static final int LIMIT = 2048;

    /** Releases the locks of thread {@code tid} listed at {@code head}; a bad pointer ends the walk, as Linux's does. */
    public static void exit(Futexes futexes, Scheduler s, Object space, AddressSpace m, long head, int tid) {
        if (head == 0) {
            return;
        }
        try {
            long entry = m.readLong(head);
            long offset = m.readLong(head + 8);
            long pending = m.readLong(head + 16);
            for (int i = 0; i < LIMIT && (entry & ~1L) != head; i++) {
                long next = m.readLong(entry & ~1L);
                if (entry != pending) {
                    death(futexes, s, space, m, (entry & ~1L) + offset, tid, false);
                }
                entry = next;
            }
            if (pending != 0) {
                death(futexes, s, space, m, (pending & ~1L) + offset, tid, true);
            }
        } catch (BadAddressException e) {
            // exit_robust_list stops at the first fault.
        }
    }

    /** handle_futex_death: mark a lock the dead thread owns, and wake a waiter. */
    private static void death(Futexes futexes, Scheduler s, Object space, AddressSpace m, long uaddr, int tid, boolean pendingOp) {
        if ((uaddr & 3) != 0) {
            return;
        }
        int uval = m.readInt(uaddr);
        if (pendingOp && uval == 0) {
            futexes.wake(s, space, uaddr, 1, -1); // the thread died between taking and publishing the lock
            return;
        }
        if ((uval & FUTEX_TID_MASK) != tid) {
            return;
        }
        m.writeInt(uaddr, (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED);
        if ((uval & FUTEX_WAITERS) != 0) {
            futexes.wake(s, space, uaddr, 1, -1);
        }
    }
}
