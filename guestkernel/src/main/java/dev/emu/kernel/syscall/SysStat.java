package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Filesystem;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.VfsFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Asking about files by name (fs/stat.c, fs/open.c, fs/statfs.c): the stat family, access, readlink, statfs. */
final class SysStat {
    private SysStat() {}

    /** Stat implements Linux syscall stat(2). */
    static long stat(Task t, long path, long statbuf, long a2, long a3, long a4, long a5) {
        return newfstatat(t, PathArgs.AT_FDCWD, path, statbuf, 0, 0, 0);
    }

    /** Lstat implements Linux syscall lstat(2). */
    static long lstat(Task t, long path, long statbuf, long a2, long a3, long a4, long a5) {
        return newfstatat(t, PathArgs.AT_FDCWD, path, statbuf, PathArgs.AT_SYMLINK_NOFOLLOW, 0, 0);
    }

    /** The file {@code dirfd}+path names for stat: an fd of any kind with AT_EMPTY_PATH. */
    private static Result<FileStat> statOf(Task t, int dirfd, String path, int flags) {
        if (path.isEmpty() && (flags & PathArgs.AT_EMPTY_PATH) != 0 && dirfd != PathArgs.AT_FDCWD) {
            File f = t.process().fds().get(dirfd);
            return f == null ? Result.err(Errno.EBADF) : Result.ok(f.stat());
        }
        Result<Dentry> d = PathArgs.resolve(t, dirfd, path, (flags & PathArgs.AT_SYMLINK_NOFOLLOW) == 0,
                (flags & PathArgs.AT_EMPTY_PATH) != 0);
        return d.failed() ? d.cast() : Result.ok(d.value().stat());
    }

    /** Newfstatat implements Linux syscall newfstatat(2) (vfs_fstatat). */
    static long newfstatat(Task t, long dirfd, long pathAddr, long statbuf, long flags, long a4, long a5) {
        int fl = (int) flags;
        if ((fl & ~(PathArgs.AT_SYMLINK_NOFOLLOW | PathArgs.AT_NO_AUTOMOUNT | PathArgs.AT_EMPTY_PATH)) != 0) {
            return Errno.EINVAL.ret();
        }
        Result<FileStat> s = statAt(t, dirfd, pathAddr, fl);
        if (s.failed()) {
            return s.ret();
        }
        t.memory().write(statbuf, s.value().toStructStat(t.kernel().clock().realtimeNanos()));
        return 0;
    }

    /**
     * Statx implements Linux syscall statx(2): the basic fields, the mount id, and the birth
     * time where the filesystem keeps one (tmpfs; host files do not pass theirs through).
     */
    static long statx(Task t, long dirfd, long pathAddr, long flags, long mask, long statxbuf, long a5) {
        int fl = (int) flags;
        if ((fl & ~(PathArgs.AT_SYMLINK_NOFOLLOW | PathArgs.AT_NO_AUTOMOUNT | PathArgs.AT_EMPTY_PATH
                | PathArgs.AT_STATX_SYNC_TYPE)) != 0 || (fl & PathArgs.AT_STATX_SYNC_TYPE) == PathArgs.AT_STATX_SYNC_TYPE) {
            return Errno.EINVAL.ret();
        }
        if (((int) mask & 0x80000000) != 0) {
            return Errno.EINVAL.ret(); // STATX__RESERVED
        }
        Result<String> path = PathArgs.path(t, pathAddr);
        if (path.failed()) {
            return path.ret();
        }
        Dentry d;
        FileStat st;
        if (path.value().isEmpty() && (fl & PathArgs.AT_EMPTY_PATH) != 0 && (int) dirfd != PathArgs.AT_FDCWD) {
            File f = t.process().fds().get((int) dirfd);
            if (f == null) {
                return Errno.EBADF.ret();
            }
            d = f instanceof dev.emu.kernel.vfs.VfsFile v ? v.dentry() : null;
            st = f.stat();
        } else {
            Result<Dentry> r = PathArgs.resolve(t, (int) dirfd, path.value(), (fl & PathArgs.AT_SYMLINK_NOFOLLOW) == 0,
                    (fl & PathArgs.AT_EMPTY_PATH) != 0);
            if (r.failed()) {
                return r.ret();
            }
            d = r.value();
            st = d.stat();
        }
        long btime = d == null ? FileStat.NO_BTIME : d.inode().birthTimeNanos();
        long mountId = d == null ? -1 : d.mount().id();
        t.memory().write(statxbuf, st.toStructStatx(t.kernel().clock().realtimeNanos(), btime, mountId));
        return 0;
    }

    /** The stat of the path at {@code pathAddr}, resolved from {@code dirfd} (vfs_statx's lookup). */
    private static Result<FileStat> statAt(Task t, long dirfd, long pathAddr, int flags) {
        Result<String> path = PathArgs.path(t, pathAddr);
        return path.failed() ? path.cast() : statOf(t, (int) dirfd, path.value(), flags);
    }

    /** Access implements Linux syscall access(2). */
    static long access(Task t, long path, long mode, long a2, long a3, long a4, long a5) {
        return faccessat2(t, PathArgs.AT_FDCWD, path, mode, 0, 0, 0);
    }

    /** Faccessat implements Linux syscall faccessat(2), which has no flags argument. */
    static long faccessat(Task t, long dirfd, long path, long mode, long a3, long a4, long a5) {
        return faccessat2(t, dirfd, path, mode, 0, 0, 0);
    }

    /** Faccessat2 implements Linux syscall faccessat2(2) (do_faccessat); the guest is root. */
    static long faccessat2(Task t, long dirfd, long pathAddr, long mode, long flags, long a4, long a5) {
        int fl = (int) flags;
        if (((int) mode & ~7) != 0
                || (fl & ~(PathArgs.AT_EACCESS | PathArgs.AT_SYMLINK_NOFOLLOW | PathArgs.AT_EMPTY_PATH)) != 0) {
            return Errno.EINVAL.ret();
        }
        Result<String> path = PathArgs.path(t, pathAddr);
        if (path.failed()) {
            return path.ret();
        }
        Result<Dentry> d = PathArgs.resolve(t, (int) dirfd, path.value(), (fl & PathArgs.AT_SYMLINK_NOFOLLOW) == 0,
                (fl & PathArgs.AT_EMPTY_PATH) != 0);
        if (d.failed()) {
            return d.ret();
        }
        return (int) mode == 0 ? 0 : PathArgs.vfs(t).access(d.value(), (int) mode);
    }

    /** Readlink implements Linux syscall readlink(2). */
    static long readlink(Task t, long path, long buf, long size, long a3, long a4, long a5) {
        return readlinkat(t, PathArgs.AT_FDCWD, path, buf, size, 0, 0);
    }

    /** Readlinkat implements Linux syscall readlinkat(2) (do_readlinkat): the text, not NUL-terminated, truncated to bufsiz. */
    static long readlinkat(Task t, long dirfd, long pathAddr, long buf, long size, long a4, long a5) {
        if ((int) size <= 0) {
            return Errno.EINVAL.ret(); // bufsiz is checked before the path (do_readlinkat)
        }
        Result<String> path = PathArgs.path(t, pathAddr);
        if (path.failed()) {
            return path.ret();
        }
        Result<Dentry> d = PathArgs.resolve(t, (int) dirfd, path.value(), false, true);
        if (d.failed()) {
            return d.ret();
        }
        if (!d.value().inode().isSymlink()) {
            return Errno.EINVAL.ret();
        }
        Result<String> target = d.value().inode().readlink(t);
        if (target.failed()) {
            return target.ret();
        }
        byte[] b = target.value().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = Math.min(b.length, (int) size);
        t.memory().write(buf, b, 0, n);
        return n;
    }

    /** Statfs implements Linux syscall statfs(2). */
    static long statfs(Task t, long pathAddr, long buf, long a2, long a3, long a4, long a5) {
        Result<String> path = PathArgs.path(t, pathAddr);
        if (path.failed()) {
            return path.ret();
        }
        Result<Dentry> d = PathArgs.resolve(t, PathArgs.AT_FDCWD, path.value(), true, false);
        if (d.failed()) {
            return d.ret();
        }
        t.memory().write(buf, structStatfs(d.value()));
        return 0;
    }

    /** Fstatfs implements Linux syscall fstatfs(2); files outside the tree (pipes) report pipefs. */
    static long fstatfs(Task t, long fd, long buf, long a2, long a3, long a4, long a5) {
        File f = t.process().fds().get((int) fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if (f instanceof VfsFile v) {
            t.memory().write(buf, structStatfs(v.dentry()));
        } else {
            t.memory().write(buf, encode(new Filesystem.StatFs(0x50495045L, 4096, 0, 0, 0, 0, 0, 255), 0, false));
        }
        return 0;
    }

    private static byte[] structStatfs(Dentry d) {
        return encode(d.inode().fs().statfs(), d.inode().fs().dev(), d.mount().readOnly());
    }

    /** x86_64 struct statfs (120 bytes, asm-generic/statfs.h with 64-bit words). */
    private static byte[] encode(Filesystem.StatFs s, long dev, boolean readOnly) {
        ByteBuffer b = ByteBuffer.allocate(120).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, s.type()).putLong(8, s.bsize()).putLong(16, s.blocks()).putLong(24, s.bfree())
                .putLong(32, s.bavail()).putLong(40, s.files()).putLong(48, s.ffree())
                .putInt(56, (int) dev).putInt(60, (int) (dev >>> 32)).putLong(64, s.namelen())
                .putLong(72, s.bsize()).putLong(80, (readOnly ? 1 : 0) | 0x400 | 0x20); // ST_RDONLY, ST_RELATIME, ST_VALID
        return b.array();
    }
}
