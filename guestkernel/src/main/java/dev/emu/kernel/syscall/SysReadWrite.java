package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.task.Task;

/** read(2), write(2) and their vectored and positioned forms (fs/read_write.c). */
final class SysReadWrite {
    private SysReadWrite() {}

    /** MAX_RW_COUNT: Linux caps one read or write at INT_MAX rounded down to a page. */
    static final int MAX_RW_COUNT = Integer.MAX_VALUE & ~4095;
    /** Largest chunk copied through the host in one step. */
    private static final int CHUNK = 1 << 16;
    static final int IOV_MAX = 1024;

    /** Read implements Linux syscall read(2). */
    static long read(Task t, long fd, long buf, long count, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if ((f.statusFlags() & 3) == 1) {
            return Errno.EBADF.ret();
        }
        if (!UserMemory.accessOk(buf, count)) {
            return Errno.EFAULT.ret(); // count is a size_t: "negative" is huge (vfs_read)
        }
        int len = (int) Math.min(Math.min(count, MAX_RW_COUNT), CHUNK);
        byte[] b = new byte[len];
        long n = f.read(t, b, 0, len);
        if (n > 0) {
            t.memory().write(buf, b, 0, (int) n);
        }
        return n;
    }

    /** Write implements Linux syscall write(2). */
    static long write(Task t, long fd, long buf, long count, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null || (f.statusFlags() & 3) == 0) {
            return Errno.EBADF.ret();
        }
        if (!UserMemory.accessOk(buf, count)) {
            return Errno.EFAULT.ret(); // vfs_write
        }
        long total = Math.min(count, MAX_RW_COUNT);
        long done = 0;
        byte[] b = new byte[(int) Math.min(total, CHUNK)];
        while (done < total) {
            int n = (int) Math.min(b.length, total - done);
            t.memory().read(buf + done, b, 0, n);
            long w = f.write(t, b, 0, n);
            if (w < 0) {
                return done > 0 ? done : w;
            }
            done += w;
            if (w < n) {
                break;
            }
        }
        return done;
    }

    /**
     * Reads a struct iovec array (lib/iov_iter.c __import_iovec) into {@code v}: {base0, len0,
     * base1, len1, …}, the lengths clamped so the total stays within MAX_RW_COUNT. Returns 0, or
     * -EINVAL for a negative (ssize_t) length, -EFAULT for a segment outside the user half.
     * Preconditions: {@code v.length == 2 * iovcnt}, iovcnt ≤ IOV_MAX.
     */
    private static long importIovec(AddressSpace mem, long iov, long[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = mem.readLong(iov + 8L * i);
        }
        long total = 0;
        for (int i = 0; i < v.length; i += 2) {
            if (v[i + 1] < 0) {
                return Errno.EINVAL.ret();
            }
            if (!UserMemory.accessOk(v[i], v[i + 1])) {
                return Errno.EFAULT.ret();
            }
            v[i + 1] = Math.min(v[i + 1], MAX_RW_COUNT - total);
            total += v[i + 1];
        }
        return 0;
    }

    /**
     * Readv implements Linux syscall readv(2). The vector count is declared unsigned long but
     * reaches import_iovec as an {@code unsigned nr_segs}: only its low 32 bits count (the table
     * declares it UINT for that reason).
     */
    static long readv(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null || (f.statusFlags() & 3) == 1) {
            return Errno.EBADF.ret();
        }
        if (Long.compareUnsigned(iovcnt, IOV_MAX) > 0) {
            return Errno.EINVAL.ret();
        }
        long[] v = new long[(int) iovcnt * 2];
        long err = importIovec(t.memory(), iov, v);
        if (err < 0) {
            return err;
        }
        long total = 0;
        for (int i = 0; i < v.length; i += 2) {
            if (v[i + 1] == 0) {
                continue;
            }
            long n = read(t, fd, v[i], v[i + 1], 0, 0, 0);
            if (n < 0) {
                return total > 0 ? total : n;
            }
            total += n;
            if (n < v[i + 1]) {
                break;
            }
        }
        return total;
    }

    /** Writev implements Linux syscall writev(2). */
    static long writev(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null || (f.statusFlags() & 3) == 0) {
            return Errno.EBADF.ret();
        }
        if (Long.compareUnsigned(iovcnt, IOV_MAX) > 0) {
            return Errno.EINVAL.ret();
        }
        AddressSpace mem = t.memory();
        long[] v = new long[(int) iovcnt * 2];
        long err = importIovec(mem, iov, v);
        if (err < 0) {
            return err;
        }
        // Gather into one write so a pipe or the console sees the vector as one unit, as Linux does.
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < v.length; i += 2) {
            if (v[i + 1] > 0) {
                all.writeBytes(mem.read(v[i], (int) Math.min(v[i + 1], MAX_RW_COUNT - all.size())));
            }
        }
        byte[] b = all.toByteArray();
        return b.length == 0 ? 0 : f.write(t, b, 0, b.length);
    }

    /** Pread64 implements Linux syscall pread64(2). */
    static long pread64(Task t, long fd, long buf, long count, long pos, long a4, long a5) {
        if (pos < 0) {
            return Errno.EINVAL.ret(); // ksys_pread64 checks the loff_t before the fd
        }
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        int len = (int) (Long.compareUnsigned(count, CHUNK) < 0 ? count : CHUNK);
        byte[] b = new byte[len];
        long n = f.pread(t, b, 0, len, pos);
        if (n > 0) {
            t.memory().write(buf, b, 0, (int) n);
        }
        return n;
    }

    /** Pwrite64 implements Linux syscall pwrite64(2). */
    static long pwrite64(Task t, long fd, long buf, long count, long pos, long a4, long a5) {
        if (pos < 0) {
            return Errno.EINVAL.ret(); // ksys_pwrite64 checks the loff_t before the fd
        }
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        int len = (int) (Long.compareUnsigned(count, CHUNK) < 0 ? count : CHUNK);
        byte[] b = t.memory().read(buf, len);
        return f.pwrite(t, b, 0, len, pos);
    }

    /** Lseek implements Linux syscall lseek(2). */
    static long lseek(Task t, long fd, long offset, long whence, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if (whence < 0 || whence > 4) {
            return Errno.EINVAL.ret();
        }
        return f.seek(offset, (int) whence);
    }
}
