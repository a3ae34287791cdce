package dev.emu.kernel.vfs;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.task.Task;

/**
 * An open FIFO: a name in the guest's tree (fstat and /proc/self/fd show the FIFO) whose reads
 * and writes go to the pipe's read end, write end, or both for O_RDWR. O_NONBLOCK set by F_SETFL
 * reaches the ends, which decide whether to block.
 */
final class FifoFile extends VfsFile {
    private static final int O_NONBLOCK = 04000;

    private final File reader;
    private final File writer;

    FifoFile(Dentry dentry, int flags, File reader, File writer) {
        super(dentry, flags);
        this.reader = reader;
        this.writer = writer;
    }

    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        return reader.read(task, dst, off, len);
    }

    @Override
    public long write(Task task, byte[] src, int off, int len) {
        return writer.write(task, src, off, len);
    }

    @Override
    public long seek(long off, int whence) {
        return dev.emu.abi.Errno.ESPIPE.ret();
    }

    @Override
    public int poll(Task task, PollTable table) {
        return (reader == null ? 0 : reader.poll(task, table)) | (writer == null ? 0 : writer.poll(task, table));
    }

    @Override
    public void setStatusFlags(int flags) {
        super.setStatusFlags(flags);
        for (File end : new File[] {reader, writer}) {
            if (end != null) {
                end.setStatusFlags((end.statusFlags() & ~O_NONBLOCK) | (flags & O_NONBLOCK));
            }
        }
    }

    @Override
    protected void onRelease() {
        if (reader != null) {
            reader.release();
        }
        if (writer != null) {
            writer.release();
        }
    }
}
