package dev.emu.kernel.fs;

import dev.emu.abi.Errno;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.Task;

/**
 * An anonymous pipe (fs/pipe.c): a 64 KiB ring buffer with a read end and a write end.
 *
 * <p>Reads block while the pipe is empty and a writer exists, and return 0 (EOF) once the last
 * writer is gone. Writes of at most PIPE_BUF bytes are atomic (they block until all fit); larger
 * writes take what fits. Writing with no reader left raises SIGPIPE and fails with EPIPE.
 * O_NONBLOCK turns blocking into EAGAIN. A blocked end parks the task and returns RESTART.
 */
public final class Pipe {
    public static final int CAPACITY = 65536;
    public static final int PIPE_BUF = 4096;
    public static final int O_NONBLOCK = 04000;

    private final byte[] ring = new byte[CAPACITY];
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
    /** Run once both ends are closed (returns the buffer's memory charge). */
    private final Runnable onFree;

    /** A new pipe; {@code ino} names it ("pipe:[ino]"), {@code scheduler} runs woken tasks. */
    public Pipe(Scheduler scheduler, int ino, int flags) {
        this(scheduler, ino, flags, () -> { });
    }

    /** A new pipe whose {@code onFree} runs when its last end is closed (free_pipe_info). */
    public Pipe(Scheduler scheduler, int ino, int flags, Runnable onFree) {
        this.scheduler = scheduler;
        this.ino = ino;
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

    public int available() {
        return count;
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
        for (int i = 0; i < n; i++) {
            dst[off + i] = ring[(head + i) % CAPACITY];
        }
        head = (head + n) % CAPACITY;
        count -= n;
        writeWait.wakeAll(scheduler);
        return n;
    }

    /** Pipe_write in fs/pipe.c. */
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
        int free = CAPACITY - count;
        if ((len <= PIPE_BUF && free < len) || free == 0) {
            if (nonblock) {
                return Errno.EAGAIN.ret();
            }
            writeWait.park(t);
            return SyscallResults.RESTART;
        }
        int n = Math.min(len, free);
        int tail = (head + count) % CAPACITY;
        for (int i = 0; i < n; i++) {
            ring[(tail + i) % CAPACITY] = src[off + i];
        }
        count += n;
        readWait.wakeAll(scheduler);
        return n;
    }

    private FileStat stat() {
        return new FileStat(12, ino, FileStat.S_IFIFO | 0600, 1, 0, 0, 0, 0, 4096, 0);
    }

    /** What both ends share: the pipe's stat and name. */
    private abstract class End extends File {
        End(int flags) {
            super(flags);
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
        protected void onRelease() {
            readers--;
            writeWait.wakeAll(scheduler);
            if (writers == 0) {
                onFree.run();
            }
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

        @Override
        protected void onRelease() {
            writers--;
            readWait.wakeAll(scheduler);
            if (readers == 0) {
                onFree.run();
            }
        }
    }
}
