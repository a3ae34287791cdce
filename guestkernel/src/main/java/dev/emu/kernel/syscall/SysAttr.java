package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Inode;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.VfsFile;

/** Changing a file's attributes (fs/open.c, fs/utimes.c): the chmod and chown families and utimensat. */
final class SysAttr {
    private SysAttr() {}

    static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

    private static Result<Dentry> byPath(Task t, long dirfd, long pathAddr, boolean follow, boolean emptyOk) {
        Result<String> p = PathArgs.path(t, pathAddr);
        return p.failed() ? p.cast() : PathArgs.resolve(t, (int) dirfd, p.value(), follow, emptyOk);
    }

    private static Result<Dentry> byFd(Task t, long fd) {
        File f = t.process().fds().get((int) fd);
        if (f == null) {
            return Result.err(Errno.EBADF);
        }
        return f instanceof VfsFile v ? Result.ok(v.dentry()) : Result.err(Errno.EPERM);
    }

    /** Chmod implements Linux syscall chmod(2). */
    static long chmod(Task t, long path, long mode, long a2, long a3, long a4, long a5) {
        return fchmodat(t, PathArgs.AT_FDCWD, path, mode, 0, 0, 0);
    }

    /** Fchmod implements Linux syscall fchmod(2). */
    static long fchmod(Task t, long fd, long mode, long a2, long a3, long a4, long a5) {
        Result<Dentry> d = byFd(t, fd);
        return d.failed() ? d.ret() : PathArgs.vfs(t).chmod(d.value(), (int) mode);
    }

    /** Fchmodat implements Linux syscall fchmodat(2) (no flags argument: symlinks are followed). */
    static long fchmodat(Task t, long dirfd, long path, long mode, long a3, long a4, long a5) {
        Result<Dentry> d = byPath(t, dirfd, path, true, false);
        return d.failed() ? d.ret() : PathArgs.vfs(t).chmod(d.value(), (int) mode);
    }

    /** Chown implements Linux syscall chown(2). */
    static long chown(Task t, long path, long uid, long gid, long a3, long a4, long a5) {
        return fchownat(t, PathArgs.AT_FDCWD, path, uid, gid, 0, 0);
    }

    /** Lchown implements Linux syscall lchown(2). */
    static long lchown(Task t, long path, long uid, long gid, long a3, long a4, long a5) {
        return fchownat(t, PathArgs.AT_FDCWD, path, uid, gid, PathArgs.AT_SYMLINK_NOFOLLOW, 0);
    }

    /** Fchown implements Linux syscall fchown(2). */
    static long fchown(Task t, long fd, long uid, long gid, long a3, long a4, long a5) {
        Result<Dentry> d = byFd(t, fd);
        return d.failed() ? d.ret() : PathArgs.vfs(t).chown(d.value(), (int) uid, (int) gid);
    }

    /** Fchownat implements Linux syscall fchownat(2). */
    static long fchownat(Task t, long dirfd, long path, long uid, long gid, long flags, long a5) {
        int fl = (int) flags;
        if ((fl & ~(PathArgs.AT_SYMLINK_NOFOLLOW | PathArgs.AT_EMPTY_PATH)) != 0) {
            return Errno.EINVAL.ret();
        }
        Result<Dentry> d = byPath(t, dirfd, path, (fl & PathArgs.AT_SYMLINK_NOFOLLOW) == 0,
                (fl & PathArgs.AT_EMPTY_PATH) != 0);
        return d.failed() ? d.ret() : PathArgs.vfs(t).chown(d.value(), (int) uid, (int) gid);
    }

    /**
     * Utimensat implements Linux syscall utimensat(2) (do_utimes): a NULL path means the dirfd
     * itself; NULL times means now; UTIME_NOW and UTIME_OMIT per field.
     */
    static long utimensat(Task t, long dirfd, long pathAddr, long times, long flags, long a4, long a5) {
        int fl = (int) flags;
        if ((fl & ~(PathArgs.AT_SYMLINK_NOFOLLOW | PathArgs.AT_EMPTY_PATH)) != 0) {
            return Errno.EINVAL.ret();
        }
        long now = t.kernel().clock().realtimeNanos();
        long atime = now;
        long mtime = now;
        if (times != 0) {
            long[] v = {t.memory().readLong(times), t.memory().readLong(times + 8),
                t.memory().readLong(times + 16), t.memory().readLong(times + 24)};
            long[] out = new long[2];
            for (int i = 0; i < 2; i++) {
                long sec = v[2 * i];
                long nsec = v[2 * i + 1];
                if (nsec == UTIME_NOW) {
                    out[i] = now;
                } else if (nsec == UTIME_OMIT) {
                    out[i] = Inode.TIME_OMIT;
                } else if (nsec < 0 || nsec >= 1_000_000_000L) {
                    return Errno.EINVAL.ret();
                } else {
                    out[i] = sec * 1_000_000_000L + nsec;
                }
            }
            atime = out[0];
            mtime = out[1];
        }
        Result<Dentry> d;
        if (pathAddr == 0) {
            if ((int) dirfd == PathArgs.AT_FDCWD) {
                return Errno.EFAULT.ret();
            }
            d = byFd(t, dirfd);
        } else {
            d = byPath(t, dirfd, pathAddr, (fl & PathArgs.AT_SYMLINK_NOFOLLOW) == 0, (fl & PathArgs.AT_EMPTY_PATH) != 0);
        }
        return d.failed() ? d.ret() : PathArgs.vfs(t).setTimes(d.value(), atime, mtime);
    }
}
