package dev.emu.kernel.locks;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's advisory file locks (fs/locks.c): fcntl record locks, POSIX and OFD, and flock(2)
 * locks, per inode, with Linux's lifetimes:
 *
 * <ul>
 *   <li>a POSIX lock belongs to the fd table (the process and its threads): any close of an fd
 *       of that file by the process drops all its POSIX locks on the file (locks_remove_posix),
 *       and a fork child, having its own table, inherits none;
 *   <li>an OFD lock and a flock lock belong to the open file description: dup and fork share it,
 *       and it goes when the description's last reference does (locks_remove_file).
 * </ul>
 *
 * An inode is named by its (st_dev, st_ino), so two opens of one host file meet. A request that
 * conflicts either fails (EAGAIN, EWOULDBLOCK for flock) or parks the task on the inode's wait
 * queue and re-executes the syscall when any lock on the inode changes. A POSIX waiter whose
 * wait would close a cycle of POSIX owners waiting on each other gets EDEADLK
 * (posix_locks_deadlock).
 */
public final class FileLocks {
    /** How many owners posix_locks_deadlock follows at most (MAX_DEADLK_ITERATIONS). */
    static final int MAX_DEADLOCK_ITERATIONS = 10;

    private record Key(long dev, long ino) {}

    private final Scheduler scheduler;
    private final Map<Key, InodeLocks> byInode = new HashMap<>();
    /** A blocked POSIX owner → the POSIX owner whose lock it waits for (blocked_hash). */
    private final Map<Object, Object> waitsFor = new IdentityHashMap<>();
    /** Open file descriptions whose release already drops their locks. */
    private final Set<File> hooked = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Fd tables that hold at least one POSIX lock somewhere (so other closes cost nothing). */
    private final Set<FdTable> posixOwners = Collections.newSetFromMap(new IdentityHashMap<>());

    public FileLocks(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    private static Key key(File f) {
        FileStat st = f.stat();
        return new Key(st.dev(), st.ino());
    }

    /** F_GETLK / F_OFD_GETLK (posix_test_lock): the first lock in the way of {@code request}. */
    public FileLock test(File f, FileLock request) {
        InodeLocks locks = byInode.get(key(f));
        return locks == null ? null : locks.conflict(request);
    }

    /**
     * F_SETLK(W) / F_OFD_SETLK(W) (posix_lock_inode): sets, changes or (F_UNLCK) removes the
     * caller's lock on the range. Returns 0, EAGAIN on a conflict when not {@code wait}ing,
     * EDEADLK when waiting would deadlock, or RESTART after parking {@code t}.
     */
    public long setRecord(Task t, File f, FileLock request, boolean wait) {
        Key k = key(f);
        InodeLocks locks = byInode.computeIfAbsent(k, x -> new InodeLocks());
        if (request.type() != FileLock.F_UNLCK) {
            FileLock blocker = locks.conflict(request);
            if (blocker != null) {
                if (!wait) {
                    waitsFor.remove(request.owner());
                    forgetIfEmpty(k, locks);
                    return Errno.EAGAIN.ret();
                }
                if (!request.ofd() && !blocker.ofd() && wouldDeadlock(request.owner(), blocker.owner())) {
                    waitsFor.remove(request.owner());
                    forgetIfEmpty(k, locks);
                    return Errno.EDEADLK.ret();
                }
                if (!request.ofd()) {
                    waitsFor.put(request.owner(), blocker.owner());
                }
                locks.waiters.park(t);
                return SyscallResults.RESTART;
            }
        }
        waitsFor.remove(request.owner());
        locks.apply(request);
        if (request.owner() instanceof FdTable table && request.type() != FileLock.F_UNLCK) {
            posixOwners.add(table);
        } else if (request.ofd()) {
            dropOnRelease(f);
        }
        locks.waiters.wakeAll(scheduler);
        forgetIfEmpty(k, locks);
        return 0;
    }

    /** posix_locks_deadlock: following who-waits-for-whom from {@code blocker} leads back to {@code owner}. */
    private boolean wouldDeadlock(Object owner, Object blocker) {
        Object at = blocker;
        for (int i = 0; i < MAX_DEADLOCK_ITERATIONS && at != null; i++) {
            if (at == owner) {
                return true;
            }
            at = waitsFor.get(at);
        }
        return false;
    }

    /**
     * flock(2) (flock_lock_inode) for the open file description {@code f}: {@code type} is
     * F_RDLCK (LOCK_SH), F_WRLCK (LOCK_EX) or F_UNLCK (LOCK_UN). Converting a held lock removes
     * it first, so waiters may get in between, as on Linux. Returns 0, EWOULDBLOCK (EAGAIN), or RESTART
     * after parking {@code t}.
     */
    public long flock(Task t, File f, int type, boolean wait) {
        Key k = key(f);
        InodeLocks locks = byInode.computeIfAbsent(k, x -> new InodeLocks());
        Integer held = locks.flocks.get(f);
        if (held != null && held == type) {
            return 0;
        }
        if (held != null) {
            locks.flocks.remove(f);
            locks.waiters.wakeAll(scheduler);
        }
        if (type == FileLock.F_UNLCK) {
            forgetIfEmpty(k, locks);
            return 0;
        }
        for (Map.Entry<File, Integer> e : locks.flocks.entrySet()) {
            if (type == FileLock.F_WRLCK || e.getValue() == FileLock.F_WRLCK) {
                if (!wait) {
                    forgetIfEmpty(k, locks);
                    return Errno.EAGAIN.ret(); // EWOULDBLOCK is EAGAIN
                }
                locks.waiters.park(t);
                return SyscallResults.RESTART;
            }
        }
        locks.flocks.put(f, type);
        dropOnRelease(f);
        return 0;
    }

    /** {@link FdTable.CloseHook}: a close by {@code table} drops its POSIX locks on the file. */
    public void closing(FdTable table, File f) {
        if (!posixOwners.contains(table)) {
            return;
        }
        Key k = key(f);
        InodeLocks locks = byInode.get(k);
        if (locks == null) {
            return;
        }
        if (locks.records.removeIf(l -> l.owner() == table)) {
            locks.waiters.wakeAll(scheduler);
        }
        if (byInode.values().stream().noneMatch(l -> l.records.stream().anyMatch(r -> r.owner() == table))) {
            posixOwners.remove(table);
            waitsFor.remove(table);
        }
        forgetIfEmpty(k, locks);
    }

    /** Makes the last release of {@code f} drop its flock and OFD locks (once per description). */
    private void dropOnRelease(File f) {
        if (hooked.add(f)) {
            Key k = key(f);
            f.addReleaseHook(() -> {
                hooked.remove(f);
                InodeLocks locks = byInode.get(k);
                if (locks == null) {
                    return;
                }
                boolean changed = locks.flocks.remove(f) != null;
                changed |= locks.records.removeIf(l -> l.owner() == f);
                if (changed) {
                    locks.waiters.wakeAll(scheduler);
                }
                forgetIfEmpty(k, locks);
            });
        }
    }

    private void forgetIfEmpty(Key k, InodeLocks locks) {
        if (locks.isEmpty()) {
            byInode.remove(k);
        }
    }

    /** The locks held on {@code f}'s inode now, POSIX/OFD then flock (for /proc/locks and tests). */
    public int count(File f) {
        InodeLocks locks = byInode.get(key(f));
        return locks == null ? 0 : locks.records.size() + locks.flocks.size();
    }
}
