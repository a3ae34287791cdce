package dev.emu.kernel.locks;

import dev.emu.kernel.fs.File;

/**
 * One byte-range record lock (struct file_lock with FL_POSIX or FL_OFDLCK): held by
 * {@code owner} over {@code start..end} inclusive ({@link #TO_EOF} for "to the end, however far
 * it grows"), of {@code type} {@link #F_RDLCK} or {@link #F_WRLCK}.
 *
 * <p>A process-associated (POSIX) lock is owned by the fd table (Linux's fl_owner, current->files)
 * and names the process's pid; an open-file-description (OFD) lock is owned by the {@link File}.
 *
 * @param pid the owning process for F_GETLK, or -1 for an OFD lock (as Linux reports it)
 */
public record FileLock(Object owner, int pid, int type, long start, long end) {
    public static final int F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    /** OFFSET_MAX: a lock whose l_len was 0. */
    public static final long TO_EOF = Long.MAX_VALUE;

    /** Whether this is an OFD lock (owned by an open file description). */
    public boolean ofd() {
        return owner instanceof File;
    }

    boolean overlaps(long s, long e) {
        return start <= e && s <= end;
    }

    /** posix_locks_conflict: another owner, overlapping, and at least one of the two writes. */
    boolean conflictsWith(FileLock request) {
        return owner != request.owner && overlaps(request.start, request.end)
                && (type == F_WRLCK || request.type == F_WRLCK);
    }
}
