package dev.emu.kernel.vfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;

/**
 * An O_PATH file: it names a file without opening it. fstat, fchdir and *at calls use it; reading,
 * writing and seeking fail with EBADF (fs/open.c, do_dentry_open with FMODE_PATH).
 */
public final class PathFile extends VfsFile {
    public PathFile(Dentry dentry, int flags) {
        super(dentry, flags);
    }

    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        return Errno.EBADF.ret();
    }

    @Override
    public long write(Task task, byte[] src, int off, int len) {
        return Errno.EBADF.ret();
    }

    @Override
    public long pread(Task task, byte[] dst, int off, int len, long position) {
        return Errno.EBADF.ret();
    }

    @Override
    public long pwrite(Task task, byte[] src, int off, int len, long position) {
        return Errno.EBADF.ret();
    }

    @Override
    public long seek(long off, int whence) {
        return Errno.EBADF.ret();
    }

    @Override
    public long ioctl(Task task, int request, long arg) {
        return Errno.EBADF.ret();
    }
}
