package dev.emu.kernel.vfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.Pipe;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.task.Task;

/**
 * The named-pipe side of a FIFO inode (fs/pipe.c fifo_open): a {@link Pipe} made at the first
 * open and dropped when the last reader and writer are gone (its data with it), and Linux's
 * open rules:
 *
 * <ul>
 *   <li>O_RDONLY waits until a writer opens (a change of the writer counter), unless O_NONBLOCK;
 *   <li>O_WRONLY waits until a reader opens; with O_NONBLOCK and no reader it is ENXIO;
 *   <li>O_RDWR never waits: it is a reader and a writer itself.
 * </ul>
 *
 * A waiting open parks the task and returns {@link Errno#ERESTARTSYS} (the open re-executes
 * when woken); the half-made open file description waits in the task's resume state, counted
 * as a reader or writer as Linux counts it, so two opens waiting for each other meet. A signal
 * handler that ran meanwhile ends the open with EINTR.
 */
public final class Fifo {
    static final int O_NONBLOCK = 04000, O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;

    private final WaitQueue openWait = new WaitQueue("fifo open");
    private Pipe pipe;
    /** How many opens for reading / writing there have been (r_counter, w_counter). */
    private long readCounter;
    private long writeCounter;

    /** An open waiting for its partner: the file made so far and the counter it waits to change. */
    private record Waiting(Fifo fifo, FifoFile file, long partnerCounter, long handlerFrames) {}

    /** Opens this FIFO for {@code dentry} (fifo_open). */
    public Result<File> open(Task task, Dentry dentry, int flags) {
        Waiting w = task.resumeState() instanceof Waiting x && x.fifo == this ? x : null;
        if (w != null) {
            task.setResumeState(null);
            if (w.handlerFrames != task.handlerFrames()) {
                w.file.release();
                return Result.err(Errno.EINTR);
            }
            return waitFor(task, w.file, w.partnerCounter, (flags & O_ACCMODE) == O_RDONLY);
        }
        int acc = flags & O_ACCMODE;
        boolean nonblock = (flags & O_NONBLOCK) != 0;
        if (acc == O_WRONLY && nonblock && (pipe == null || pipe.readers() == 0)) {
            return Result.err(Errno.ENXIO);
        }
        if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR) {
            return Result.err(Errno.EINVAL);
        }
        Pipe p = pipe(task);
        if (p == null) {
            return Result.err(Errno.ENOMEM);
        }
        File reader = acc == O_WRONLY ? null : p.openReader(flags & O_NONBLOCK);
        File writer = acc == O_RDONLY ? null : p.openWriter(flags & O_NONBLOCK);
        if (reader != null) {
            readCounter++;
        }
        if (writer != null) {
            writeCounter++;
        }
        openWait.wakeAll(task.kernel().scheduler());
        FifoFile file = new FifoFile(dentry, flags, reader, writer);
        if (acc == O_RDWR || nonblock) {
            return Result.ok(file);
        }
        if (acc == O_RDONLY && p.writers() == 0) {
            return waitFor(task, file, writeCounter, true);
        }
        if (acc == O_WRONLY && p.readers() == 0) {
            return waitFor(task, file, readCounter, false);
        }
        return Result.ok(file);
    }

    /**
     * Drops the half-made open a task was waiting with when its re-executed open did not reach
     * the FIFO again (the name was removed meanwhile, a signal): the reader or writer it counted
     * goes away.
     */
    public static void abandonWaiting(Task task) {
        if (task.resumeState() instanceof Waiting w) {
            task.setResumeState(null);
            w.file.release();
        }
    }

    /** wait_for_partner: done once the partner's counter moved from {@code seen}, else park. */
    private Result<File> waitFor(Task task, FifoFile file, long seen, boolean reading) {
        if ((reading ? writeCounter : readCounter) != seen) {
            return Result.ok(file);
        }
        task.setResumeState(new Waiting(this, file, seen, task.handlerFrames()));
        openWait.park(task);
        return Result.err(Errno.ERESTARTSYS);
    }

    /** The pipe, made at the first open with its buffer charged to the guest's memory. */
    private Pipe pipe(Task task) {
        if (pipe == null) {
            var memory = task.kernel().memory();
            if (!memory.tryChargeHeap(Pipe.CAPACITY)) {
                return null;
            }
            Pipe[] made = new Pipe[1];
            made[0] = Pipe.fifo(task.kernel().scheduler(), 0, () -> {
                memory.unchargeHeap(Pipe.CAPACITY);
                if (pipe == made[0]) {
                    pipe = null; // the last end closed: the next open starts an empty pipe
                }
            });
            pipe = made[0];
        }
        return pipe;
    }
}
