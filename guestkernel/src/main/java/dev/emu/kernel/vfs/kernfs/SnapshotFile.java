package dev.emu.kernel.vfs.kernfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.VfsFile;

/** An open {@link KernFile}: the bytes generated at open, read and seeked like a regular file. */
final class SnapshotFile extends VfsFile {
    private final byte[] data;

    SnapshotFile(Dentry dentry, int flags, byte[] data) {
        super(dentry, flags);
        this.data = data;
    }

    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        long n = pread(task, dst, off, len, offset);
        if (n > 0) {
            offset += n;
        }
        return n;
    }

    @Override
    public long pread(Task task, byte[] dst, int off, int len, long position) {
        if (!readable()) {
            return Errno.EBADF.ret();
        }
        if (position >= data.length) {
            return 0;
        }
        int n = (int) Math.min(len, data.length - position);
        System.arraycopy(data, (int) position, dst, off, n);
        return n;
    }

    @Override
    public long seek(long off, int whence) {
        long base = switch (whence) {
            case SEEK_SET -> 0;
            case SEEK_CUR -> offset;
            case SEEK_END -> data.length;
            default -> -1;
        };
        if (base < 0 || base + off < 0) {
            return Errno.EINVAL.ret();
        }
        offset = base + off;
        return offset;
    }
}
