package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.net.SocketFile;
import dev.emu.kernel.net.SysSocketMessages;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.task.Task;

/**
 * read(2), write(2) and their vectored and positioned forms (fs/read_write.c).
 *
 * <p>Guest data moves through the host in chunks of at most {@link #CHUNK} bytes, so the size a
 * guest asks for (up to {@link #MAX_RW_COUNT} per call, as Linux caps it) never becomes a Java
 * array of that size. A bad buffer gives what Linux gives: EFAULT when the range is not user
 * space (access_ok) or nothing could be copied, else the count done before the first unmapped
 * page.
 */
final class SysReadWrite {
    private SysReadWrite() {}

    /** MAX_RW_COUNT: Linux caps one read or write at INT_MAX rounded down to a page. */
    static final int MAX_RW_COUNT = Integer.MAX_VALUE & ~4095;
    /** Largest chunk copied through the host in one step. */
    static final int CHUNK = 1 << 16;
    static final int IOV_MAX = 1024;

    /** Read implements Linux syscall read(2). */
    static long read(Task t, long fd, long buf, long count, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null || (f.statusFlags() & 3) == 1) {
            return Errno.EBADF.ret();
        }
        if (!UserMemory.accessOk(buf, count)) {
            return Errno.EFAULT.ret();
        }
        if (f instanceof SocketFile sock) {
            return SysSocketMessages.readv(t, sock, new long[] {buf, Math.min(count, MAX_RW_COUNT)});
        }
        return readInto(t, f, buf, count, -1);
    }

    /**
     * A file read into guest memory, {@link #CHUNK} bytes at a time and never more than the guest
     * buffer can take before its first unmapped page, so no byte is consumed that cannot be
     * delivered. A file whose reads may block (a pipe, a terminal) gets one chunk: a short read,
     * as those files give. One that never blocks (a regular file, /dev/zero) is read on until
     * {@code count}, end of file or the buffer's end, as Linux fills the whole buffer. Reads at
     * {@code pos} and on, or at the file position when {@code pos} is -1.
     */
    private static long readInto(Task t, File f, long buf, long count, long pos) {
        if (count == 0) {
            return pos < 0 ? f.read(t, new byte[0], 0, 0) : f.pread(t, new byte[0], 0, 0, pos);
        }
        long total = Math.min(count, MAX_RW_COUNT);
        byte[] b = new byte[(int) Math.min(total, CHUNK)];
        long done = 0;
        while (done < total) {
            int len = UserMemory.accessible(t.memory(), buf + done, (int) Math.min(total - done, b.length));
            if (len == 0) {
                return done > 0 ? done : Errno.EFAULT.ret();
            }
            long n = pos < 0 ? f.read(t, b, 0, len) : f.pread(t, b, 0, len, pos + done);
            if (n <= 0) {
                return done > 0 ? done : n;
            }
            t.memory().write(buf + done, b, 0, (int) n);
            done += n;
            if (n < len || !f.readNeverBlocks() || t.mustStopKernelWork()) {
                break; // mustStop: a guard or SIGKILL ends a long read short (filemap_read)
            }
        }
        return done;
    }

    /** Write implements Linux syscall write(2). */
    static long write(Task t, long fd, long buf, long count, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null || (f.statusFlags() & 3) == 0) {
            return Errno.EBADF.ret();
        }
        if (!UserMemory.accessOk(buf, count)) {
            return Errno.EFAULT.ret();
        }
        if (f instanceof SocketFile sock) {
            return SysSocketMessages.writev(t, sock, new long[] {buf, Math.min(count, MAX_RW_COUNT)});
        }
        return writeFrom(t, f, buf, Math.min(count, MAX_RW_COUNT), -1);
    }

    /**
     * A blocking write that wrote part of its buffer and parked for room (a large pipe write):
     * the same call resumes from {@code done} when it re-executes (Linux stays inside pipe_write).
     */
    private record WriteProgress(File file, long buf, long total, long done, long handlerFrames) {}

    /**
     * Writes {@code total} guest bytes at {@code buf} chunk by chunk (at {@code pos} and on, or
     * at the file position when {@code pos} is -1). A short write ends the call, except for a
     * file that {@linkplain File#writesUntilDone writes until done} (a pipe), which is called
     * again with the rest; the loop also stops at an error or at the first unmapped page. Returns the bytes
     * written, or the error if none were. A file that parks the task (RESTART) after part was
     * written leaves the progress in the task's resume state, and a signal then makes the call
     * return that count.
     */
    private static long writeFrom(Task t, File f, long buf, long total, long pos) {
        if (total == 0) {
            return pos < 0 ? f.write(t, new byte[0], 0, 0) : f.pwrite(t, new byte[0], 0, 0, pos);
        }
        long done = 0;
        if (pos < 0 && t.resumeState() instanceof WriteProgress p && p.file == f && p.buf == buf && p.total == total) {
            t.setResumeState(null);
            if (p.handlerFrames != t.handlerFrames()) {
                return p.done; // a signal handler ran before the rest could be written
            }
            done = p.done;
        }
        byte[] b = new byte[(int) Math.min(total, CHUNK)];
        while (done < total) {
            int n = UserMemory.copyFromUser(t.memory(), buf + done, b, 0, (int) Math.min(b.length, total - done));
            if (n == 0) {
                return done > 0 ? done : Errno.EFAULT.ret();
            }
            long w = pos < 0 ? f.write(t, b, 0, n) : f.pwrite(t, b, 0, n, pos + done);
            if (w == SyscallResults.RESTART && done > 0 && !t.runnable()) {
                t.setResumeState(new WriteProgress(f, buf, total, done, t.handlerFrames()));
                t.setInterruptResult(done);
                return w;
            }
            if (w < 0) {
                return done > 0 ? done : w;
            }
            done += w;
            if (w == 0 || (w < n && !f.writesUntilDone()) || t.mustStopKernelWork()) {
                break; // mustStop: a guard or SIGKILL ends a long write short
            }
        }
        return done;
    }

    /**
     * Reads a struct iovec array as import_iovec does: {base0, len0, base1, len1, …} with every
     * length ≥ 0 as ssize_t (else null: EINVAL) and the total capped at {@link #MAX_RW_COUNT}
     * by shortening the segment that crosses it. A segment outside user space is EFAULT
     * (access_ok), which the caller sees as a {@link dev.emu.kernel.platform.BadAddressException}.
     */
    private static long[] importIovec(AddressSpace mem, long iov, long iovcnt) {
        byte[] raw = new byte[(int) iovcnt * 16];
        mem.read(iov, raw, 0, raw.length);
        java.nio.LongBuffer in = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        long[] v = new long[(int) iovcnt * 2];
        long total = 0;
        for (int i = 0; i < iovcnt; i++) {
            long base = in.get(2 * i);
            long len = in.get(2 * i + 1);
            if (len < 0) {
                return null;
            }
            if (!UserMemory.accessOk(base, len)) {
                throw new dev.emu.kernel.platform.BadAddressException(base);
            }
            len = Math.min(len, MAX_RW_COUNT - total);
            total += len;
            v[2 * i] = base;
            v[2 * i + 1] = len;
        }
        return v;
    }

    /**
     * Readv implements Linux syscall readv(2): one read of up to {@link #CHUNK} bytes (no more
     * than the segments can take before the first unmapped page), scattered over the segments in
     * order, so a pipe or terminal is read once, as Linux's pipe_read fills an iov_iter. A file
     * whose reads never block fills every segment ({@link #readSegments}).
     */
    static long readv(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) {
        return readv(t, fd, iov, iovcnt, -1, 0);
    }

    /**
     * vfs_readv: a vectored read at {@code pos}, or at the file position when it is -1, with the
     * RWF_* {@code flags} (already checked against {@link #RWF_SUPPORTED}).
     */
    private static long readv(Task t, long fd, long iov, long iovcnt, long pos, int flags) {
        File f = t.process().fds().get(fd);
        if (f == null || (f.statusFlags() & 3) == 1) {
            return Errno.EBADF.ret();
        }
        if (pos >= 0) {
            long empty = f.pread(t, new byte[0], 0, 0, pos); // ESPIPE without FMODE_PREAD
            if (empty < 0) {
                return empty;
            }
        }
        if (iovcnt < 0 || iovcnt > IOV_MAX) {
            return Errno.EINVAL.ret();
        }
        AddressSpace mem = t.memory();
        long[] v = importIovec(mem, iov, iovcnt);
        if (v == null) {
            return Errno.EINVAL.ret();
        }
        long total = 0;
        for (int i = 1; i < v.length; i += 2) {
            total += v[i];
        }
        if (total > 0 && (flags & ~RWF_SUPPORTED) != 0) {
            return Errno.EOPNOTSUPP.ret(); // kiocb_set_rw_flags, reached only with bytes to move
        }
        if ((flags & RWF_NOWAIT) != 0 && !f.readNeverBlocks()) {
            return Errno.EOPNOTSUPP.ret(); // no FMODE_NOWAIT: only files that never block take it
        }
        if (f instanceof SocketFile sock) {
            return SysSocketMessages.readv(t, sock, v);
        }
        if (f.readNeverBlocks()) {
            return readSegments(t, f, v, pos);
        }
        long want = 0;
        boolean any = false;
        for (int i = 0; i < v.length && want < CHUNK; i += 2) {
            if (v[i + 1] == 0) {
                continue;
            }
            any = true;
            int n = (int) Math.min(v[i + 1], CHUNK - want);
            int ok = UserMemory.accessible(mem, v[i], n);
            want += ok;
            if (ok < n) {
                break;
            }
        }
        if (!any) {
            return f.read(t, new byte[0], 0, 0);
        }
        if (want == 0) {
            return Errno.EFAULT.ret();
        }
        byte[] b = new byte[(int) want];
        long n = f.read(t, b, 0, b.length);
        long put = 0;
        for (int i = 0; i < v.length && put < n; i += 2) {
            int k = (int) Math.min(v[i + 1], n - put);
            mem.write(v[i], b, (int) put, k);
            put += k;
        }
        return n;
    }

    /**
     * readv of a file whose reads never block (a regular file, /dev/zero): each segment filled in
     * turn, as do_loop_readv_writev does, stopping at the first short read.
     */
    private static long readSegments(Task t, File f, long[] v, long pos) {
        long done = 0;
        for (int i = 0; i < v.length; i += 2) {
            if (v[i + 1] == 0) {
                continue;
            }
            long n = readInto(t, f, v[i], v[i + 1], pos < 0 ? -1 : pos + done);
            if (n < 0) {
                return done > 0 ? done : n;
            }
            done += n;
            if (n < v[i + 1]) {
                break;
            }
        }
        return done;
    }

    /**
     * Writev implements Linux syscall writev(2). The vector is gathered into chunks of
     * {@link #CHUNK} bytes, so a pipe or the console sees a vector up to that size as one write
     * (atomic as Linux's for a pipe up to PIPE_BUF), and a bigger one as consecutive writes. As
     * with write(2), a pipe's short write is retried with the rest and a file that parks after part of
     * the vector was written resumes from there (see {@link #writeFrom}).
     */
    static long writev(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) {
        return writev(t, fd, iov, iovcnt, -1, 0);
    }

    /**
     * vfs_writev: a vectored write at {@code pos}, or at the file position when it is -1, with
     * the RWF_* {@code flags} (already checked against {@link #RWF_SUPPORTED}). RWF_APPEND makes
     * it append whatever the position, as O_APPEND.
     */
    private static long writev(Task t, long fd, long iov, long iovcnt, long pos, int flags) {
        File f = t.process().fds().get(fd);
        if (f == null || (f.statusFlags() & 3) == 0) {
            return Errno.EBADF.ret();
        }
        if (pos >= 0) {
            long empty = f.pwrite(t, new byte[0], 0, 0, pos); // ESPIPE without FMODE_PWRITE
            if (empty < 0) {
                return empty;
            }
        }
        if ((flags & RWF_APPEND) != 0) {
            pos = -2; // see put(): the file's size at each write
        }
        if (iovcnt < 0 || iovcnt > IOV_MAX) {
            return Errno.EINVAL.ret();
        }
        AddressSpace mem = t.memory();
        long[] v = importIovec(mem, iov, iovcnt);
        if (v == null) {
            return Errno.EINVAL.ret();
        }
        if (f instanceof SocketFile sock) {
            return SysSocketMessages.writev(t, sock, v);
        }
        long size = 0;
        for (int i = 1; i < v.length; i += 2) {
            size += v[i];
        }
        if (size == 0) {
            return 0;
        }
        if ((flags & ~RWF_SUPPORTED) != 0 || (flags & RWF_NOWAIT) != 0 && !f.readNeverBlocks()) {
            return Errno.EOPNOTSUPP.ret(); // kiocb_set_rw_flags; NOWAIT only where nothing blocks
        }
        long resumed = 0;
        if (t.resumeState() instanceof WriteProgress p && p.file == f && p.buf == iov && p.total == size) {
            t.setResumeState(null);
            if (p.handlerFrames != t.handlerFrames()) {
                return p.done; // a signal handler ran before the rest could be written
            }
            resumed = p.done;
        }
        byte[] chunk = new byte[(int) Math.min(size - resumed, CHUNK)];
        long[] done = {resumed};
        int fill = 0;
        boolean faulted = false;
        long skip = resumed;
        for (int i = 0; i < v.length && !faulted; i += 2) {
            long at = Math.min(skip, v[i + 1]);
            skip -= at;
            while (at < v[i + 1]) {
                int want = (int) Math.min(chunk.length - fill, v[i + 1] - at);
                int n = UserMemory.copyFromUser(mem, v[i] + at, chunk, fill, want);
                fill += n;
                at += n;
                if (n < want) {
                    faulted = true; // write what was gathered, then stop: a short writev
                    break;
                }
                if (fill == chunk.length) {
                    long r = flush(t, f, chunk, fill, pos, done, iov, size);
                    if (r != GO_ON) {
                        return r;
                    }
                    fill = 0;
                    if (t.mustStopKernelWork()) {
                        return done[0]; // a guard or SIGKILL ends a long write short
                    }
                }
            }
        }
        if (fill > 0) {
            long r = flush(t, f, chunk, fill, pos, done, iov, size);
            if (r != GO_ON) {
                return r;
            }
        }
        return done[0] == 0 && faulted ? Errno.EFAULT.ret() : done[0];
    }

    /** Flush's "the chunk is written, go on"; never a syscall result. */
    private static final long GO_ON = Long.MIN_VALUE;

    /**
     * Writes a gathered chunk of writev at {@code pos} (see {@link #put}), retrying a pipe's short
     * writes; adds to {@code done[0]}. Returns {@link #GO_ON}, or what writev returns now (the
     * count, an error, RESTART).
     */
    private static long flush(Task t, File f, byte[] chunk, int fill, long pos, long[] done, long iov, long size) {
        int off = 0;
        while (off < fill) {
            long w = put(t, f, chunk, off, fill - off, pos, done[0]);
            if (w == SyscallResults.RESTART && done[0] > 0 && !t.runnable()) {
                t.setResumeState(new WriteProgress(f, iov, size, done[0], t.handlerFrames()));
                t.setInterruptResult(done[0]);
                return w;
            }
            if (w < 0) {
                return done[0] > 0 ? done[0] : w;
            }
            done[0] += w;
            off += (int) w;
            if (w == 0 || (off < fill && !f.writesUntilDone())) {
                return done[0];
            }
        }
        return GO_ON;
    }

    /**
     * One gathered chunk written at the file position ({@code pos} -1), at {@code pos + done}, or
     * appended ({@code pos} -2, RWF_APPEND: the IOCB_APPEND that generic_write_checks honours).
     */
    private static long put(Task t, File f, byte[] chunk, int off, int len, long pos, long done) {
        if (pos == -1) {
            return f.write(t, chunk, off, len);
        }
        long at = pos == -2 ? f.stat().size() : pos + done;
        return f.pwrite(t, chunk, off, len, at);
    }

    static final int RWF_HIPRI = 1, RWF_DSYNC = 2, RWF_SYNC = 4, RWF_NOWAIT = 8, RWF_APPEND = 0x10;
    /** RWF_SUPPORTED of Linux 6.1 (the release emu reports). */
    static final int RWF_SUPPORTED = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND;

    /** Preadv implements Linux syscall preadv(2); on x86_64 pos_l is the whole offset. */
    static long preadv(Task t, long fd, long iov, long iovcnt, long posL, long posH, long a5) {
        return preadv2(t, fd, iov, iovcnt, posL, posH, 0);
    }

    /**
     * Preadv2 implements Linux syscall preadv2(2): pos -1 reads at the file position (do_readv),
     * another negative pos is EINVAL (do_preadv), flags outside RWF_SUPPORTED are EOPNOTSUPP.
     * HIPRI, DSYNC and SYNC change nothing here (no polled I/O, data is stored at once).
     */
    static long preadv2(Task t, long fd, long iov, long iovcnt, long posL, long posH, long flags) {
        if (posL < -1) {
            return Errno.EINVAL.ret();
        }
        return readv(t, fd, iov, iovcnt, posL, (int) flags);
    }

    /** Pwritev implements Linux syscall pwritev(2). */
    static long pwritev(Task t, long fd, long iov, long iovcnt, long posL, long posH, long a5) {
        return pwritev2(t, fd, iov, iovcnt, posL, posH, 0);
    }

    /** Pwritev2 implements Linux syscall pwritev2(2), with preadv2's rules and RWF_APPEND. */
    static long pwritev2(Task t, long fd, long iov, long iovcnt, long posL, long posH, long flags) {
        if (posL < -1) {
            return Errno.EINVAL.ret();
        }
        return writev(t, fd, iov, iovcnt, posL, (int) flags);
    }

    /** Pread64 implements Linux syscall pread64(2). */
    static long pread64(Task t, long fd, long buf, long count, long pos, long a4, long a5) {
        if (pos < 0) {
            return Errno.EINVAL.ret();
        }
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        long empty = f.pread(t, new byte[0], 0, 0, pos); // ESPIPE unless the file has positioned reads (FMODE_PREAD)
        if (empty < 0 || count == 0) {
            return empty;
        }
        if ((f.statusFlags() & 3) == 1) {
            return Errno.EBADF.ret();
        }
        if (!UserMemory.accessOk(buf, count)) {
            return Errno.EFAULT.ret();
        }
        return readInto(t, f, buf, count, pos);
    }

    /** Pwrite64 implements Linux syscall pwrite64(2). */
    static long pwrite64(Task t, long fd, long buf, long count, long pos, long a4, long a5) {
        if (pos < 0) {
            return Errno.EINVAL.ret();
        }
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        long empty = f.pwrite(t, new byte[0], 0, 0, pos); // ESPIPE unless the file has positioned writes (FMODE_PWRITE)
        if (empty < 0 || count == 0) {
            return empty;
        }
        if ((f.statusFlags() & 3) == 0) {
            return Errno.EBADF.ret();
        }
        if (!UserMemory.accessOk(buf, count)) {
            return Errno.EFAULT.ret();
        }
        return writeFrom(t, f, buf, Math.min(count, MAX_RW_COUNT), pos);
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
