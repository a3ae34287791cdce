package dev.emu.kernel.trace;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.VfsFile;

/**
 * An open /sys/kernel/tracing/trace_pipe (tracing_read_pipe): a read consumes lines and blocks
 * while the buffer is empty (O_NONBLOCK: EAGAIN); readable for poll while a line is there.
 */
final class TracePipeFile extends VfsFile {
    private static final int O_NONBLOCK = 04000;
    private final TracePipe pipe;

    TracePipeFile(Dentry dentry, int flags, TracePipe pipe) {
        super(dentry, flags);
        this.pipe = pipe;
    }

    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (!pipe.readable()) {
            if ((statusFlags() & O_NONBLOCK) != 0) {
                return Errno.EAGAIN.ret();
            }
            pipe.readers().park(task);
            return SyscallResults.RESTART;
        }
        return pipe.read(dst, off, len);
    }

    @Override
    public long pread(Task task, byte[] dst, int off, int len, long position) {
        return Errno.ESPIPE.ret();
    }

    @Override
    public long seek(long off, int whence) {
        return Errno.ESPIPE.ret();
    }

    @Override
    public int poll(Task task, PollTable table) {
        table.wait(pipe.readers());
        return pipe.readable() ? PollEvents.POLLIN | PollEvents.POLLRDNORM : 0;
    }
}
