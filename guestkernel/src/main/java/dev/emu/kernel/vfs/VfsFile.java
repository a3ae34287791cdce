package dev.emu.kernel.vfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;

/**
 * An open file description of a name in the guest's tree (Linux's struct file with f_path and
 * f_pos): dup and fork share it, and with it the offset.
 */
public abstract class VfsFile extends File {
    public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

    private final Dentry dentry;
    protected long offset;

    protected VfsFile(Dentry dentry, int flags) {
        super(flags);
        this.dentry = dentry;
    }

    /** The name this file was opened by; fstat, fchdir and the *at dirfd use it. */
    public Dentry dentry() {
        return dentry;
    }

    public long offset() {
        return offset;
    }

    @Override
    public FileStat stat() {
        return dentry.stat();
    }

    /** The path, as /proc/self/fd shows it; " (deleted)" once the last name is gone. */
    @Override
    public String describe() {
        Attributes a = dentry.inode().attributes();
        return dentry.path() + (a.nlink() == 0 && !dentry.inode().isDirectory() ? " (deleted)" : "");
    }

    /** lseek for files with a size (generic_file_llseek): the whole file is data, no holes. */
    @Override
    public long seek(long off, int whence) {
        long size = dentry.inode().attributes().size();
        long base = switch (whence) {
            case SEEK_SET -> 0;
            case SEEK_CUR -> offset;
            case SEEK_END -> size;
            case SEEK_DATA, SEEK_HOLE -> {
                if (off < 0 || off >= size) {
                    yield Long.MIN_VALUE;
                }
                yield whence == SEEK_DATA ? 0 : size - off;
            }
            default -> Long.MIN_VALUE + 1;
        };
        if (base == Long.MIN_VALUE) {
            return Errno.ENXIO.ret();
        }
        if (base == Long.MIN_VALUE + 1) {
            return Errno.EINVAL.ret();
        }
        long pos = base + off;
        if (pos < 0 || (off > 0 && pos < base)) {
            return Errno.EINVAL.ret();
        }
        offset = pos;
        return pos;
    }

    /** Whether the access mode allows reading (O_RDONLY or O_RDWR). */
    protected boolean readable() {
        return (statusFlags() & 3) != 1;
    }

    /** Whether the access mode allows writing (O_WRONLY or O_RDWR). */
    protected boolean writable() {
        int acc = statusFlags() & 3;
        return acc == 1 || acc == 2;
    }
}
