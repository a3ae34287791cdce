package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
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
        if (count < 0) {
            return Errno.EINVAL.ret();
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
        if (count < 0) {
            return Errno.EINVAL.ret();
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
     * Reads a struct iovec array (import_iovec): {base0, len0, base1, len1, …}, or null when a
     * length is negative or the total overflows ssize_t (EINVAL).
     */
    private static long[] importIovec(AddressSpace mem, long iov, long iovcnt) {
        long[] v = new long[(int) iovcnt * 2];
        long total = 0;
        for (int i = 0; i < iovcnt; i++) {
            v[2 * i] = mem.readLong(iov + 16L * i);
            v[2 * i + 1] = mem.readLong(iov + 16L * i + 8);
            total += v[2 * i + 1];
            if (v[2 * i + 1] < 0 || total < 0) {
                return null;
            }
        }
        return v;
    }

    /** Readv implements Linux syscall readv(2). */
    static long readv(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) {
        if (iovcnt < 0 || iovcnt > IOV_MAX) {
            return Errno.EINVAL.ret();
        }
        long[] v = importIovec(t.memory(), iov, iovcnt);
        if (v == null) {
            return Errno.EINVAL.ret();
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
        if (iovcnt < 0 || iovcnt > IOV_MAX) {
            return Errno.EINVAL.ret();
        }
        AddressSpace mem = t.memory();
        long[] v = importIovec(mem, iov, iovcnt);
        if (v == null) {
            return Errno.EINVAL.ret();
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
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if (pos < 0) {
            return Errno.EINVAL.ret();
        }
        int len = (int) Math.min(Math.max(count, 0), CHUNK);
        byte[] b = new byte[len];
        long n = f.pread(t, b, 0, len, pos);
        if (n > 0) {
            t.memory().write(buf, b, 0, (int) n);
        }
        return n;
    }

    /** Pwrite64 implements Linux syscall pwrite64(2). */
    static long pwrite64(Task t, long fd, long buf, long count, long pos, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if (pos < 0) {
            return Errno.EINVAL.ret();
        }
        int len = (int) Math.min(Math.max(count, 0), CHUNK);
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
