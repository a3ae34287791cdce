package dev.emu.kernel.fs;

import static dev.emu.abi.PollEvents.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.Task;

/**
 * An anonymous pipe (fs/pipe.c): a ring buffer of 64 KiB by default (F_SETPIPE_SZ resizes it)
 * with a read end and a write end.
 *
 * <p>Reads block while the pipe is empty and a writer exists, and return 0 (EOF) once the last
 * writer is gone. A write of at most PIPE_BUF bytes is atomic: it blocks until all of it fits.
 * A larger write takes what fits and returns the count; write(2) then calls again for the rest,
 * which parks the writer while the pipe is full, so a blocking write returns only when all of it
 * is written (or a signal interrupts it: the count so far). Writing with no reader left raises
 * SIGPIPE and fails with EPIPE. O_NONBLOCK turns blocking into EAGAIN. A blocked end parks the
 * task on the pipe's read or write wait queue and returns RESTART.
 */
public final class Pipe {
    /** The default capacity (PIPE_DEF_BUFFERS pages). */
    public static final int CAPACITY = 65536;
    public static final int PIPE_BUF = 4096;
    public static final int PAGE_SIZE = 4096;
    /** /proc/sys/fs/pipe-max-size: the most F_SETPIPE_SZ grants without CAP_SYS_RESOURCE. */
    public static final int MAX_SIZE = 1 << 20;
    public static final int O_NONBLOCK = 04000;

    /** Charges and returns the guest memory a pipe's buffer takes. */
    public interface Accounting {
        boolean charge(long bytes);

        void uncharge(long bytes);

        /** No limit: for tests and callers that account elsewhere. */
        Accounting NONE = new Accounting() {
            @Override
            public boolean charge(long bytes) {
                return true;
            }

            @Override
            public void uncharge(long bytes) {}
        };
    }

    private byte[] ring = new byte[CAPACITY];
    private int head;
    private int count;
    private int readers = 1;
    private int writers = 1;
    private final int ino;
    private final Scheduler scheduler;
    private final WaitQueue readWait = new WaitQueue("pipe read");
    private final WaitQueue writeWait = new WaitQueue("pipe write");
    private final ReadEnd readEnd;
    private final WriteEnd writeEnd;
    /** Charged for every byte of capacity beyond the first {@link #CAPACITY} (the caller charged that). */
    private final Accounting accounting;
    /** Run once both ends are closed (returns the caller's charge for the first {@link #CAPACITY}). */
    private final Runnable onFree;

    /** A new pipe; {@code ino} names it ("pipe:[ino]"), {@code scheduler} runs woken tasks. */
    public Pipe(Scheduler scheduler, int ino, int flags) {
        this(scheduler, ino, flags, () -> { });
    }

    /** A new pipe whose {@code onFree} runs when its last end is closed (free_pipe_info). */
    public Pipe(Scheduler scheduler, int ino, int flags, Runnable onFree) {
        this(scheduler, ino, flags, Accounting.NONE, onFree);
    }

    /**
     * A new pipe whose growth past {@link #CAPACITY} (F_SETPIPE_SZ) is charged to {@code accounting},
     * and whose {@code onFree} runs when its last end is closed.
     */
    public Pipe(Scheduler scheduler, int ino, int flags, Accounting accounting, Runnable onFree) {
        this.scheduler = scheduler;
        this.ino = ino;
        this.accounting = accounting;
        this.onFree = onFree;
        readEnd = new ReadEnd(flags & O_NONBLOCK);
        writeEnd = new WriteEnd(1 | (flags & O_NONBLOCK));
    }

    /**
     * A named pipe's buffer (fifo_open's get_pipe_inode_info): no reader and no writer until
     * {@link #openReader} and {@link #openWriter} add them, one open file description each.
     */
    public static Pipe fifo(Scheduler scheduler, int ino, Runnable onFree) {
        Pipe p = new Pipe(scheduler, ino, 0, onFree);
        p.readers = 0;
        p.writers = 0;
        return p;
    }

    /** A new open file description reading this pipe (a FIFO opened for reading): readers++. */
    public File openReader(int flags) {
        readers++;
        writeWait.wakeAll(scheduler);
        return new ReadEnd(flags);
    }

    /** A new open file description writing this pipe (a FIFO opened for writing): writers++. */
    public File openWriter(int flags) {
        writers++;
        readWait.wakeAll(scheduler);
        return new WriteEnd(flags);
    }

    public int readers() {
        return readers;
    }

    public int writers() {
        return writers;
    }

    public File readEnd() {
        return readEnd;
    }

    public File writeEnd() {
        return writeEnd;
    }

    /** The pipe a file is an end of, or null (get_pipe_info). */
    public static Pipe of(File f) {
        return f instanceof End e ? e.pipe() : null;
    }

    public int available() {
        return count;
    }

    /** The capacity in bytes (F_GETPIPE_SZ). */
    public int capacity() {
        return ring.length;
    }

    /**
     * F_SETPIPE_SZ (pipe_set_size): rounds {@code size} (an unsigned int) up to a power-of-two
     * number of pages, at least one; EINVAL past 2^31, EPERM to grow past {@link #MAX_SIZE},
     * EBUSY if the data does not fit, ENOMEM if the guest's memory does not allow it.
     * Returns the new capacity.
     */
    public long resize(long size) {
        // round_pipe_size: roundup_pow_of_two, at least a page.
        long rounded = size > (1L << 31) ? 0 : size <= PAGE_SIZE ? PAGE_SIZE : Long.highestOneBit(size - 1) << 1;
        if (rounded == 0) {
            return Errno.EINVAL.ret();
        }
        if (rounded > ring.length && rounded > MAX_SIZE) {
            return Errno.EPERM.ret();
        }
        long usedPages = (count + PAGE_SIZE - 1) / PAGE_SIZE;
        if (rounded / PAGE_SIZE < usedPages) {
            return Errno.EBUSY.ret();
        }
        long charged = Math.max(0, ring.length - CAPACITY);
        long needed = Math.max(0, rounded - CAPACITY);
        if (needed > charged && !accounting.charge(needed - charged)) {
            return Errno.ENOMEM.ret();
        }
        if (needed < charged) {
            accounting.uncharge(charged - needed);
        }
        byte[] next = new byte[(int) rounded];
        for (int i = 0; i < count; i++) {
            next[i] = ring[(head + i) % ring.length];
        }
        ring = next;
        head = 0;
        writeWait.wake(scheduler, POLLOUT | POLLWRNORM);
        return rounded;
    }

    /** Pipe_read in fs/pipe.c. */
    long read(Task t, byte[] dst, int off, int len, boolean nonblock) {
        if (len == 0) {
            return 0;
        }
        if (count == 0) {
            if (writers == 0) {
                return 0;
            }
            if (nonblock) {
                return Errno.EAGAIN.ret();
            }
            readWait.park(t);
            return SyscallResults.RESTART;
        }
        int n = Math.min(len, count);
        int first = Math.min(n, ring.length - head);
        System.arraycopy(ring, head, dst, off, first);
        System.arraycopy(ring, 0, dst, off + first, n - first);
        head = (head + n) % ring.length;
        count -= n;
        writeWait.wake(scheduler, POLLOUT | POLLWRNORM);
        return n;
    }

    /** Pipe_write in fs/pipe.c: one round; the caller calls again for what a large write left. */
    long write(Task t, byte[] src, int off, int len, boolean nonblock) {
        if (readers == 0) {
            if (t.kernel() != null) {
                Signals.sendToTask(t.kernel(), t, Signals.SIGPIPE,
                    new SigInfo(Signals.SIGPIPE, SigInfo.SI_USER, t.process().pid(), 0, 0));
            }
            return Errno.EPIPE.ret();
        }
        if (len == 0) {
            return 0;
        }
        int free = ring.length - count;
        if ((len <= PIPE_BUF && free < len) || free == 0) {
            if (nonblock) {
                return Errno.EAGAIN.ret();
            }
            writeWait.park(t);
            return SyscallResults.RESTART;
        }
        int n = Math.min(len, free);
        int tail = (head + count) % ring.length;
        int first = Math.min(n, ring.length - tail);
        System.arraycopy(src, off, ring, tail, first);
        System.arraycopy(src, off + first, ring, 0, n - first);
        count += n;
        readWait.wake(scheduler, POLLIN | POLLRDNORM);
        return n;
    }

    /**
     * Pipe_poll: the read end is readable with data and hung up with no writer; the write end is
     * writable while a page is free (a PIPE_BUF write then never blocks) and in error with no
     * reader.
     */
    int poll(boolean readSide, PollTable table) {
        table.wait(readSide ? readWait : writeWait);
        int mask = 0;
        if (readSide) {
            if (count > 0) {
                mask |= POLLIN | POLLRDNORM;
            }
            if (writers == 0) {
                mask |= POLLHUP;
            }
        } else {
            if (ring.length - count >= Math.min(PIPE_BUF, ring.length)) {
                mask |= POLLOUT | POLLWRNORM;
            }
            if (readers == 0) {
                mask |= POLLERR;
            }
        }
        return mask;
    }

    private void released() {
        // pipe_release wakes both queues, without a key: readers see EOF, writers EPIPE, pollers HUP/ERR.
        readWait.wakeAll(scheduler);
        writeWait.wakeAll(scheduler);
        if (readers == 0 && writers == 0) {
            accounting.uncharge(Math.max(0, ring.length - CAPACITY));
            onFree.run();
        }
    }

    private FileStat stat() {
        return new FileStat(12, ino, FileStat.S_IFIFO | 0600, 1, 0, 0, 0, 0, 4096, 0);
    }

    /** What both ends share: the pipe's stat and name. */
    private abstract class End extends File {
        End(int flags) {
            super(flags);
        }

        Pipe pipe() {
            return Pipe.this;
        }

        @Override
        public FileStat stat() {
            return Pipe.this.stat();
        }

        @Override
        public String describe() {
            return "pipe:[" + ino + "]";
        }
    }

    private final class ReadEnd extends End {
        ReadEnd(int flags) {
            super(flags);
        }

        @Override
        public long read(Task task, byte[] dst, int off, int len) {
            return Pipe.this.read(task, dst, off, len, (statusFlags() & O_NONBLOCK) != 0);
        }

        @Override
        public int poll(Task task, PollTable table) {
            return Pipe.this.poll(true, table);
        }

        @Override
        protected void onRelease() {
            readers--;
            released();
        }
    }

    private final class WriteEnd extends End {
        WriteEnd(int flags) {
            super(flags);
        }

        @Override
        public long write(Task task, byte[] src, int off, int len) {
            return Pipe.this.write(task, src, off, len, (statusFlags() & O_NONBLOCK) != 0);
        }

        /** Pipe_write loops until everything is written (O_NONBLOCK: until the pipe is full). */
        @Override
        public boolean writesUntilDone() {
            return true;
        }

        @Override
        public int poll(Task task, PollTable table) {
            return Pipe.this.poll(false, table);
        }

        @Override
        protected void onRelease() {
            writers--;
            released();
        }
    }
}
