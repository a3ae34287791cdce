package dev.emu.kernel.locks;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.sched.WaitQueue;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The locks on one inode (struct file_lock_context): its record locks (POSIX and OFD in one
 * list, flc_posix), its whole-file flock locks by open file description (flc_flock), and the
 * tasks waiting for any of them to change.
 */
final class InodeLocks {
    final List<FileLock> records = new ArrayList<>();
    /** Open file description → {@link FileLock#F_RDLCK} (LOCK_SH) or {@link FileLock#F_WRLCK} (LOCK_EX). */
    final Map<File, Integer> flocks = new IdentityHashMap<>();
    final WaitQueue waiters = new WaitQueue("file lock");

    boolean isEmpty() {
        return records.isEmpty() && flocks.isEmpty() && waiters.isEmpty();
    }

    /** posix_test_lock: the first lock that conflicts with {@code request}, or null. */
    FileLock conflict(FileLock request) {
        for (FileLock l : records) {
            if (l.conflictsWith(request)) {
                return l;
            }
        }
        return null;
    }

    /**
     * posix_lock_inode's update once no conflict is left: the owner's locks overlapping the range
     * are cut back (split if the range is inside one), the new lock (unless {@code type} is
     * F_UNLCK) is added, and the owner's adjacent or overlapping locks of one type are merged.
     */
    void apply(FileLock request) {
        Object owner = request.owner();
        List<FileLock> mine = new ArrayList<>();
        records.removeIf(l -> {
            if (l.owner() != owner) {
                return false;
            }
            mine.add(l);
            return true;
        });
        List<FileLock> kept = new ArrayList<>();
        long s = request.start();
        long e = request.end();
        for (FileLock l : mine) {
            if (!l.overlaps(s, e)) {
                kept.add(l);
                continue;
            }
            if (l.start() < s) {
                kept.add(new FileLock(owner, l.pid(), l.type(), l.start(), s - 1));
            }
            if (l.end() > e) {
                kept.add(new FileLock(owner, l.pid(), l.type(), e + 1, l.end()));
            }
        }
        if (request.type() != FileLock.F_UNLCK) {
            kept.add(request);
        }
        kept.sort((a, b) -> Long.compare(a.start(), b.start()));
        List<FileLock> merged = new ArrayList<>();
        for (FileLock l : kept) {
            FileLock last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && last.type() == l.type() && last.end() != FileLock.TO_EOF && l.start() <= last.end() + 1) {
                merged.set(merged.size() - 1, new FileLock(owner, l.pid(), l.type(), last.start(), Math.max(last.end(), l.end())));
            } else {
                merged.add(l);
            }
        }
        records.addAll(merged);
    }
}
