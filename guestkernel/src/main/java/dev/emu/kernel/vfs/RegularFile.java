package dev.emu.kernel.vfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;

/**
 * An open regular file: read, write, their positioned forms and O_APPEND over a filesystem's
 * two positioned primitives (what generic_file_read_iter / generic_perform_write do over the
 * page cache).
 */
public abstract class RegularFile extends VfsFile {
    /** A regular file's read returns what it has at once. */
    @Override
    public boolean readNeverBlocks() {
        return true;
    }

    public static final int O_APPEND = 02000;

    /** Disk and tmpfs files have no poll operation: always ready, not for epoll (EPERM). */
    @Override
    public boolean pollable() {
        return false;
    }

    protected RegularFile(Dentry dentry, int flags) {
        super(dentry, flags);
    }

    /** Reads up to {@code len} bytes at {@code pos}; 0 at or past the end. */
    protected abstract long readAt(byte[] dst, int off, int len, long pos);

    /** Writes {@code len} bytes at {@code pos}, growing the file; ENOSPC/EFBIG as the filesystem says. */
    protected abstract long writeAt(byte[] src, int off, int len, long pos);

    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        if (!readable()) {
            return Errno.EBADF.ret();
        }
        long n = readAt(dst, off, len, offset);
        if (n > 0) {
            offset += n;
        }
        return n;
    }

    @Override
    public long write(Task task, byte[] src, int off, int len) {
        if (!writable()) {
            return Errno.EBADF.ret();
        }
        if ((statusFlags() & O_APPEND) != 0) {
            offset = dentry().inode().attributes().size();
        }
        long n = writeAt(src, off, len, offset);
        if (n > 0) {
            offset += n;
        }
        return n;
    }

    @Override
    public long pread(Task task, byte[] dst, int off, int len, long position) {
        return readable() ? readAt(dst, off, len, position) : Errno.EBADF.ret();
    }

    /** pwrite: with O_APPEND Linux appends anyway (a documented bug it keeps). */
    @Override
    public long pwrite(Task task, byte[] src, int off, int len, long position) {
        if (!writable()) {
            return Errno.EBADF.ret();
        }
        long at = (statusFlags() & O_APPEND) != 0 ? dentry().inode().attributes().size() : position;
        return writeAt(src, off, len, at);
    }

    /**
     * The file as a shared mapping's backing store: positioned writes that ignore O_APPEND (page
     * write-back does not append) and reads, whatever the open mode.
     */
    public dev.emu.kernel.mm.SharedFileMapping.Backing mappingBacking() {
        return new dev.emu.kernel.mm.SharedFileMapping.Backing() {
            @Override
            public long writeBack(byte[] src, int off, int len, long pos) {
                return writeAt(src, off, len, pos);
            }

            @Override
            public long readAt(byte[] dst, int off, int len, long pos) {
                return RegularFile.this.readAt(dst, off, len, pos);
            }

            @Override
            public long size() {
                return dentry().inode().attributes().size();
            }
        };
    }

    /**
     * The pages a MAP_SHARED mapping of [offset, offset + length) maps (at byte {@code offset})
     * for a filesystem whose file data can live in shared pages (tmpfs, as shmem's page cache),
     * or the errno; null when the filesystem's shared mappings are write-back copies instead
     * ({@link dev.emu.kernel.mm.SharedFileMapping}: hostfs).
     */
    public Result<dev.emu.kernel.platform.SharedPages> sharedPages(dev.emu.kernel.platform.Platform platform,
                                                                   long offset, long length) {
        return null;
    }

    /** fsync/fdatasync: data reaches its store at once, so there is nothing to flush. */
    public long sync() {
        return 0;
    }
}
