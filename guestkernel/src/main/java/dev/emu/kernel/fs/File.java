package dev.emu.kernel.fs;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.task.Task;

/**
 * An open file description (Linux's struct file): what an fd refers to, shared by dup and fork.
 *
 * <p>Every operation has the default Linux gives a file type that lacks it (read/write →
 * EINVAL, seek → ESPIPE, ioctl → ENOTTY), so a new file type overrides only what it supports.
 * Operations return a count or a negative errno; a blocking operation that cannot proceed parks
 * the task and returns {@link dev.emu.kernel.syscall.SyscallResults#RESTART}.
 */
public abstract class File {
    private int references = 1;
    private int statusFlags;
    /** Run once when the last reference goes, before {@link #onRelease} (locks_remove_file). */
    private Runnable beforeRelease;

    protected File(int statusFlags) {
        this.statusFlags = statusFlags;
    }

    /** Reads up to {@code len} bytes into {@code dst}; returns the count or -errno. */
    public long read(Task task, byte[] dst, int off, int len) {
        return Errno.EINVAL.ret();
    }

    /**
     * True when a read never waits, so a read(2) bigger than the kernel's copy chunk may go on
     * reading after a full chunk and return everything asked for, as Linux does for regular
     * files and /dev/zero. False (the default) for pipes, terminals and anything else whose next
     * read could block: there one chunk is one read, a short count as those files give.
     */
    public boolean readNeverBlocks() {
        return false;
    }

    /** Writes {@code len} bytes from {@code src}; returns the count or -errno. */
    public long write(Task task, byte[] src, int off, int len) {
        return Errno.EINVAL.ret();
    }

    public long pread(Task task, byte[] dst, int off, int len, long position) {
        return Errno.ESPIPE.ret();
    }

    public long pwrite(Task task, byte[] src, int off, int len, long position) {
        return Errno.ESPIPE.ret();
    }

    public long seek(long offset, int whence) {
        return Errno.ESPIPE.ret();
    }

    /** Handles an ioctl; {@code arg} is a guest pointer or value. */
    public long ioctl(Task task, int request, long arg) {
        return Errno.ENOTTY.ret();
    }

    /**
     * Readiness now (file_operations.poll): the {@link PollEvents} bits that hold,
     * after naming to {@code table} every wait queue woken when they may change. A file type
     * that can block (pipe, socket, eventfd, ringbuf map…) overrides it; the default is Linux's
     * DEFAULT_POLLMASK for files without poll: always readable and writable.
     */
    public int poll(Task task, PollTable table) {
        return PollEvents.DEFAULT_POLLMASK;
    }

    /** The stat(2) fields of this file. */
    public abstract FileStat stat();

    /** What /proc/self/fd/N would link to, e.g. "pipe:[3]" or "/dev/pts/0". */
    public abstract String describe();

    /** O_APPEND, O_NONBLOCK… as set by open or F_SETFL. */
    public int statusFlags() {
        return statusFlags;
    }

    public void setStatusFlags(int flags) {
        this.statusFlags = flags;
    }

    /** Takes another reference (dup, fork). */
    public final File retain() {
        references++;
        return this;
    }

    /** Drops a reference; the last one calls {@link #onRelease}. */
    public final void release() {
        if (--references == 0) {
            if (beforeRelease != null) {
                beforeRelease.run();
            }
            onRelease();
        }
    }

    /**
     * Adds {@code action} to what runs when the last reference goes (the flock and OFD locks of
     * this open file description are dropped then, as locks_remove_file does from __fput).
     */
    public final void whenReleased(Runnable action) {
        Runnable before = beforeRelease;
        beforeRelease = before == null ? action : () -> {
            before.run();
            action.run();
        };
    }

    public final int references() {
        return references;
    }

    /** Called when the last fd referring to this file is closed. */
    protected void onRelease() {}

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + describe() + ", refs=" + references + "]";
    }
}
