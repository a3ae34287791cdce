package dev.emu.kernel.vfs.tmpfs;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Fifo;
import dev.emu.kernel.vfs.Result;

/**
 * A FIFO or a socket node made by mknod. Opening a FIFO connects to its named pipe
 * ({@link Fifo}); opening a socket node is ENXIO, as on Linux (sockets are reached by connect).
 */
final class TmpfsSpecial extends TmpfsNode {
    private final Fifo fifo;

    TmpfsSpecial(TmpfsFilesystem fs, int mode) {
        super(fs, mode);
        this.fifo = (mode & FileStat.S_IFMT) == FileStat.S_IFIFO ? new Fifo() : null;
    }

    @Override
    long size() {
        return 0;
    }

    @Override
    public Result<File> open(Task task, Dentry dentry, int flags) {
        return fifo != null ? fifo.open(task, dentry, flags) : super.open(task, dentry, flags);
    }
}
