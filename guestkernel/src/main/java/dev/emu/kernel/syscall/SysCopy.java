package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.DirectoryFile;
import dev.emu.kernel.vfs.RegularFile;
import dev.emu.kernel.vfs.VfsFile;

/** Copying and sizing in the kernel (fs/read_write.c, fs/open.c): sendfile, copy_file_range, fallocate. */
final class SysCopy {
    private SysCopy() {}

    private static final int CHUNK = 1 << 16;
    private static final long MAX_RW_COUNT = Integer.MAX_VALUE & ~4095L;

    /**
     * Sendfile implements Linux syscall sendfile(2): from a regular file (at *offset if given,
     * which is then updated, else at and advancing its own offset) to any writable fd.
     */
    static long sendfile(Task t, long outFd, long inFd, long offsetPtr, long count, long a4, long a5) {
        File in = t.process().fds().get((int) inFd);
        File out = t.process().fds().get((int) outFd);
        if (in == null || out == null || (in.statusFlags() & 3) == 1 || (out.statusFlags() & 3) == 0) {
            return Errno.EBADF.ret();
        }
        if (!(in instanceof RegularFile src)) {
            return Errno.EINVAL.ret();
        }
        long pos = offsetPtr != 0 ? t.memory().readLong(offsetPtr) : src.offset();
        if (pos < 0) {
            return Errno.EINVAL.ret();
        }
        long total = Math.min(count, MAX_RW_COUNT);
        long done = 0;
        byte[] b = new byte[(int) Math.min(CHUNK, Math.max(total, 1))];
        while (done < total) {
            long n = src.pread(t, b, 0, (int) Math.min(b.length, total - done), pos + done);
            if (n <= 0) {
                if (n < 0 && done == 0) {
                    return n;
                }
                break;
            }
            long w = out.write(t, b, 0, (int) n);
            if (w < 0) {
                if (done == 0) {
                    return w;
                }
                break;
            }
            done += w;
            if (w < n || t.mustStopKernelWork()) {
                break; // mustStop: a guard or SIGKILL ends a long copy short, as filemap_read
            }
        }
        if (offsetPtr != 0) {
            t.memory().writeLong(offsetPtr, pos + done);
        } else {
            src.seek(pos + done, VfsFile.SEEK_SET);
        }
        return done;
    }

    /** Copy_file_range implements Linux syscall copy_file_range(2) between regular files. */
    static long copyFileRange(Task t, long fdIn, long offInPtr, long fdOut, long offOutPtr, long len, long flags) {
        if ((int) flags != 0) {
            return Errno.EINVAL.ret();
        }
        File in = t.process().fds().get((int) fdIn);
        File out = t.process().fds().get((int) fdOut);
        if (in == null || out == null || (in.statusFlags() & 3) == 1 || (out.statusFlags() & 3) == 0
                || (out.statusFlags() & RegularFile.O_APPEND) != 0) {
            return Errno.EBADF.ret();
        }
        if (in instanceof DirectoryFile || out instanceof DirectoryFile) {
            return Errno.EISDIR.ret();
        }
        if (!(in instanceof RegularFile src) || !(out instanceof RegularFile dst)) {
            return Errno.EINVAL.ret();
        }
        long inPos = offInPtr != 0 ? t.memory().readLong(offInPtr) : src.offset();
        long outPos = offOutPtr != 0 ? t.memory().readLong(offOutPtr) : dst.offset();
        if (inPos < 0 || outPos < 0) {
            return Errno.EINVAL.ret();
        }
        long total = Math.min(len, MAX_RW_COUNT);
        if (src.dentry().inode() == dst.dentry().inode() && inPos < outPos + total && outPos < inPos + total) {
            return Errno.EINVAL.ret(); // overlapping ranges of one file
        }
        long done = 0;
        byte[] b = new byte[(int) Math.min(CHUNK, Math.max(total, 1))];
        while (done < total) {
            long n = src.pread(t, b, 0, (int) Math.min(b.length, total - done), inPos + done);
            if (n <= 0) {
                if (n < 0 && done == 0) {
                    return n;
                }
                break;
            }
            long w = dst.pwrite(t, b, 0, (int) n, outPos + done);
            if (w < 0) {
                if (done == 0) {
                    return w;
                }
                break;
            }
            done += w;
            if (t.mustStopKernelWork()) {
                break; // a guard or SIGKILL ends a long copy short, as filemap_read
            }
        }
        if (offInPtr != 0) {
            t.memory().writeLong(offInPtr, inPos + done);
        } else {
            src.seek(inPos + done, VfsFile.SEEK_SET);
        }
        if (offOutPtr != 0) {
            t.memory().writeLong(offOutPtr, outPos + done);
        } else {
            dst.seek(outPos + done, VfsFile.SEEK_SET);
        }
        return done;
    }

    /** Fallocate implements Linux syscall fallocate(2) for mode 0: the file grows to cover the range. */
    static long fallocate(Task t, long fd, long mode, long offset, long len, long a4, long a5) {
        File f = t.process().fds().get((int) fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if (offset < 0 || len <= 0) {
            return Errno.EINVAL.ret();
        }
        if ((int) mode != 0) {
            return Errno.EOPNOTSUPP.ret();
        }
        int acc = f.statusFlags() & 3;
        if (acc != 1 && acc != 2) {
            return Errno.EBADF.ret();
        }
        if (f instanceof DirectoryFile) {
            return Errno.EISDIR.ret();
        }
        if (!(f instanceof RegularFile file)) {
            return f instanceof VfsFile ? Errno.ENODEV.ret() : Errno.ESPIPE.ret();
        }
        if (offset + len < 0) {
            return Errno.EFBIG.ret();
        }
        long size = file.dentry().inode().attributes().size();
        return offset + len > size ? PathArgs.vfs(t).truncate(file.dentry(), offset + len) : 0;
    }
}
