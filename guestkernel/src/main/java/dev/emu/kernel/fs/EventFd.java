package dev.emu.kernel.fs;

import static dev.emu.abi.PollEvents.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;

/**
 * An eventfd (fs/eventfd.c): a 64-bit counter. A read of 8 bytes or more takes the counter and
 * zeroes it (EFD_SEMAPHORE: takes 1), blocking while it is 0; a write of exactly 8 bytes adds its value,
 * blocking while the sum would pass 2^64 - 2; the value 2^64 - 1 is EINVAL. Readable while the
 * counter is not 0, writable while 1 more fits.
 */
public final class EventFd extends AnonInodeFile {
    public static final int EFD_SEMAPHORE = 1, EFD_NONBLOCK = 04000, EFD_CLOEXEC = 02000000;
    /** ULLONG_MAX as the counter's ceiling: the counter never reaches it. */
    private static final long MAX = -1L;

    private final Scheduler scheduler;
    private final boolean semaphore;
    private final WaitQueue queue = new WaitQueue("eventfd");
    /** Unsigned. */
    private long count;

    public EventFd(Scheduler scheduler, long initial, int flags) {
        super(2 | (flags & EFD_NONBLOCK), "eventfd"); // O_RDWR
        this.scheduler = scheduler;
        this.count = initial;
        this.semaphore = (flags & EFD_SEMAPHORE) != 0;
    }

    private boolean nonblocking() {
        return (statusFlags() & EFD_NONBLOCK) != 0;
    }

    /** Eventfd_read. */
    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        if (len < 8) {
            return Errno.EINVAL.ret();
        }
        if (count == 0) {
            if (nonblocking()) {
                return Errno.EAGAIN.ret();
            }
            queue.park(task);
            return SyscallResults.RESTART;
        }
        long value = semaphore ? 1 : count;
        count -= value;
        putLong(dst, off, value);
        queue.wake(scheduler, POLLOUT);
        return 8;
    }

    /** Eventfd_write: exactly 8 bytes (Linux 6.9+ checks count != sizeof(ucnt)). */
    @Override
    public long write(Task task, byte[] src, int off, int len) {
        if (len != 8) {
            return Errno.EINVAL.ret();
        }
        long value = getLong(src, off);
        if (value == MAX) {
            return Errno.EINVAL.ret();
        }
        if (Long.compareUnsigned(MAX - count, value) <= 0) {
            if (nonblocking()) {
                return Errno.EAGAIN.ret();
            }
            queue.park(task);
            return SyscallResults.RESTART;
        }
        count += value;
        if (value != 0) {
            queue.wake(scheduler, POLLIN);
        }
        return 8;
    }

    /** Eventfd_poll. */
    @Override
    public int poll(Task task, PollTable table) {
        table.wait(queue);
        int mask = 0;
        if (count != 0) {
            mask |= POLLIN;
        }
        if (count == MAX) {
            mask |= POLLERR;
        }
        if (Long.compareUnsigned(MAX - 1, count) > 0) {
            mask |= POLLOUT;
        }
        return mask;
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
