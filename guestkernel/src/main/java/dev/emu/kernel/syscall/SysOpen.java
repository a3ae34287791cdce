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

    static final int O_CLOEXEC = 02000000;
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
        Result<String> path = PathArgs.path(t, pathAddr);
        if (path.failed()) {
            return path.ret();
        }
        Result<Dentry> start = PathArgs.start(t, (int) dirfd, path.value());
        if (start.failed()) {
            return start.ret();
        }
        int f = (int) flags;
        Result<File> file = PathArgs.vfs(t).open(t, PathArgs.fs(t), start.value(), path.value(), f & ~O_CLOEXEC, (int) mode);
        if (file.failed()) {
            return file.ret();
        }
        int fd = t.process().fds().install(file.value(), 0, (f & O_CLOEXEC) != 0);
        if (fd < 0) {
            file.value().release();
        }
        return fd;
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
        int end = Integer.compareUnsigned(hi, FdTable.MAX_FDS - 1) > 0 ? FdTable.MAX_FDS - 1 : hi;
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
