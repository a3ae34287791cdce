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

    /** Readv implements Linux syscall readv(2). */
    static long readv(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) {
        if (iovcnt < 0 || iovcnt > IOV_MAX) {
            return Errno.EINVAL.ret();
        }
        AddressSpace mem = t.memory();
        long total = 0;
        for (int i = 0; i < iovcnt; i++) {
            long base = mem.readLong(iov + 16L * i);
            long len = mem.readLong(iov + 16L * i + 8);
            if (len == 0) {
                continue;
            }
            long n = read(t, fd, base, len, 0, 0, 0);
            if (n < 0) {
                return total > 0 ? total : n;
            }
            total += n;
            if (n < len) {
                break;
            }
        }
        return total;
    }

    /** Writev implements Linux syscall writev(2). */
    static long writev(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) {
        if (iovcnt < 0 || iovcnt > IOV_MAX) {
            return Errno.EINVAL.ret();
        }
        AddressSpace mem = t.memory();
        long total = 0;
        // Gather first: Linux validates every iovec before writing anything (import_iovec).
        long[] bases = new long[(int) iovcnt];
        long[] lens = new long[(int) iovcnt];
        for (int i = 0; i < iovcnt; i++) {
            bases[i] = mem.readLong(iov + 16L * i);
            lens[i] = mem.readLong(iov + 16L * i + 8);
            if (lens[i] < 0) {
                return Errno.EINVAL.ret();
            }
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < iovcnt; i++) {
            if (lens[i] > 0) {
                all.writeBytes(mem.read(bases[i], (int) Math.min(lens[i], MAX_RW_COUNT)));
            }
        }
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        byte[] b = all.toByteArray();
        if (b.length == 0) {
            return 0;
        }
        long w = f.write(t, b, 0, b.length);
        return w < 0 ? w : total + w;
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
