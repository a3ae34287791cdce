package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Result;

/** Opening and closing files by name (fs/open.c): open, openat, creat, close_range. */
final class SysOpen {
    private SysOpen() {}

    static final int O_CLOEXEC = 02000000, O_LARGEFILE = 0100000;
    static final int O_CREAT_WRONLY_TRUNC = 01 | 0100 | 01000;
    static final int CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;

    /** Open implements Linux syscall open(2). */
    static long open(Task t, long path, long flags, long mode, long a3, long a4, long a5) {
        return openat(t, PathArgs.AT_FDCWD, path, flags, mode, 0, 0);
    }

    /** Creat implements Linux syscall creat(2): open with O_CREAT|O_WRONLY|O_TRUNC. */
    static long creat(Task t, long path, long mode, long a2, long a3, long a4, long a5) {
        return openat(t, PathArgs.AT_FDCWD, path, O_CREAT_WRONLY_TRUNC, mode, 0, 0);
    }

    /** Openat implements Linux syscall openat(2) (do_sys_openat2): resolve, open, install the fd. */
    static long openat(Task t, long dirfd, long pathAddr, long flags, long mode, long a4, long a5) {
        // build_open_how: a 64-bit kernel forces O_LARGEFILE (F_GETFL shows it); openat2 does not.
        return open(t, dirfd, pathAddr, (int) flags | O_LARGEFILE, (int) mode, 0);
    }

    private static long open(Task t, long dirfd, long pathAddr, int f, int mode, int resolve) {
        Result<String> path = PathArgs.path(t, pathAddr);
        if (path.failed()) {
            return path.ret();
        }
        // A scoped walk starts at the dirfd even for an absolute path ("/" means the dirfd there).
        boolean scoped = (resolve & (dev.emu.kernel.vfs.PathWalk.RESOLVE_BENEATH | dev.emu.kernel.vfs.PathWalk.RESOLVE_IN_ROOT)) != 0;
        Result<Dentry> start = PathArgs.start(t, (int) dirfd, scoped ? "" : path.value());
        if (start.failed()) {
            return start.ret();
        }
        Result<File> file = PathArgs.vfs(t).open(t, PathArgs.fs(t), start.value(), path.value(), f & ~O_CLOEXEC, mode, resolve);
        if (file.failed() && file.error() == Errno.ERESTARTSYS) {
            return SyscallResults.RESTART; // a FIFO open waiting for its partner re-executes when woken
        }
        dev.emu.kernel.vfs.Fifo.abandonWaiting(t);
        if (file.failed()) {
            return file.ret();
        }
        int fd = t.process().fds().install(file.value(), 0, (f & O_CLOEXEC) != 0);
        if (fd < 0) {
            file.value().release();
        }
        return fd;
    }

    /** VALID_OPEN_FLAGS (include/linux/fcntl.h): what openat2 accepts. */
    static final long VALID_OPEN_FLAGS = 03 | 0100 | 0200 | 0400 | 01000 | 02000 | 04000 | 010000 | 020000 | 040000
            | 0100000 | 0200000 | 0400000 | 01000000 | 02000000 | 04000000 | 010000000 | 020000000;
    /** sizeof(struct open_how) in its first version: flags, mode, resolve. */
    static final int OPEN_HOW_SIZE_VER0 = 24;

    /**
     * Openat2 implements Linux syscall openat2(2) (fs/open.c build_open_flags): strict flag
     * checks and the RESOLVE_* restrictions, which the path walk applies. RESOLVE_CACHED is
     * always EAGAIN: there is no lookup cache to answer from.
     */
    static long openat2(Task t, long dirfd, long pathAddr, long howAddr, long size, long a4, long a5) {
        if (size < OPEN_HOW_SIZE_VER0) {
            return Errno.EINVAL.ret();
        }
        if (size > 4096) {
            return Errno.E2BIG.ret();
        }
        for (long at = OPEN_HOW_SIZE_VER0; at < size; at++) {
            if (t.memory().read(howAddr + at, 1)[0] != 0) {
                return Errno.E2BIG.ret(); // a newer struct with fields this kernel does not know
            }
        }
        long flags = t.memory().readLong(howAddr);
        long mode = t.memory().readLong(howAddr + 8);
        long resolve = t.memory().readLong(howAddr + 16);
        if ((flags & ~VALID_OPEN_FLAGS) != 0 || (mode & ~07777L) != 0
                || mode != 0 && (flags & (0100 | 020000000)) == 0
                || (resolve & ~0x3fL) != 0
                || (resolve & 0x18) == 0x18) {
            return Errno.EINVAL.ret();
        }
        if ((resolve & dev.emu.kernel.vfs.PathWalk.RESOLVE_CACHED) != 0) {
            return Errno.EAGAIN.ret();
        }
        return open(t, dirfd, pathAddr, (int) flags, (int) mode, (int) resolve);
    }

    /** Close_range implements Linux syscall close_range(2) (fs/file.c __close_range). */
    static long closeRange(Task t, long first, long last, long flags, long a3, long a4, long a5) {
        int lo = (int) first;
        int hi = (int) last;
        int fl = (int) flags;
        if ((fl & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) != 0 || Integer.compareUnsigned(lo, hi) > 0) {
            return Errno.EINVAL.ret();
        }
        FdTable fds = t.process().fds();
        int end = Integer.compareUnsigned(hi, fds.capacity() - 1) > 0 ? fds.capacity() - 1 : hi;
        for (int fd = lo; fd >= 0 && fd <= end; fd++) {
            if (fds.get(fd) != null) {
                if ((fl & CLOSE_RANGE_CLOEXEC) != 0) {
                    fds.setCloseOnExec(fd, true);
                } else {
                    fds.close(fd);
                }
            }
        }
        return 0;
    }
}
