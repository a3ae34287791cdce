package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.RegularFile;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.VfsFile;

/**
 * Changing the tree (fs/namei.c, fs/open.c): mkdir, mknod, rmdir, unlink, rename, link, symlink,
 * truncate. Each decodes its arguments and leaves Linux's rules to {@link dev.emu.kernel.vfs.Vfs}.
 */
final class SysPath {
    private SysPath() {}

    /** A path argument and the directory it starts from. */
    private record At(Dentry start, String path) {}

    private static Result<At> at(Task t, long dirfd, long pathAddr) {
        Result<String> p = PathArgs.path(t, pathAddr);
        if (p.failed()) {
            return p.cast();
        }
        Result<Dentry> s = PathArgs.start(t, (int) dirfd, p.value());
        return s.failed() ? s.cast() : Result.ok(new At(s.value(), p.value()));
    }

    /** Mkdir implements Linux syscall mkdir(2). */
    static long mkdir(Task t, long path, long mode, long a2, long a3, long a4, long a5) {
        return mkdirat(t, PathArgs.AT_FDCWD, path, mode, 0, 0, 0);
    }

    /** Mkdirat implements Linux syscall mkdirat(2). */
    static long mkdirat(Task t, long dirfd, long path, long mode, long a3, long a4, long a5) {
        Result<At> a = at(t, dirfd, path);
        return a.failed() ? a.ret() : PathArgs.vfs(t).mkdir(t, PathArgs.fs(t), a.value().start(), a.value().path(), (int) mode);
    }

    /** Mknod implements Linux syscall mknod(2). */
    static long mknod(Task t, long path, long mode, long dev, long a3, long a4, long a5) {
        return mknodat(t, PathArgs.AT_FDCWD, path, mode, dev, 0, 0);
    }

    /** Mknodat implements Linux syscall mknodat(2): regular files and FIFOs (on tmpfs). */
    static long mknodat(Task t, long dirfd, long path, long mode, long dev, long a4, long a5) {
        Result<At> a = at(t, dirfd, path);
        return a.failed() ? a.ret()
                : PathArgs.vfs(t).mknod(t, PathArgs.fs(t), a.value().start(), a.value().path(), (int) mode, dev & 0xffffffffL);
    }

    /** Rmdir implements Linux syscall rmdir(2). */
    static long rmdir(Task t, long path, long a1, long a2, long a3, long a4, long a5) {
        Result<At> a = at(t, PathArgs.AT_FDCWD, path);
        return a.failed() ? a.ret() : PathArgs.vfs(t).rmdir(t, PathArgs.fs(t), a.value().start(), a.value().path());
    }

    /** Unlink implements Linux syscall unlink(2). */
    static long unlink(Task t, long path, long a1, long a2, long a3, long a4, long a5) {
        return unlinkat(t, PathArgs.AT_FDCWD, path, 0, 0, 0, 0);
    }

    /** Unlinkat implements Linux syscall unlinkat(2): AT_REMOVEDIR makes it rmdir. */
    static long unlinkat(Task t, long dirfd, long path, long flags, long a3, long a4, long a5) {
        if (((int) flags & ~PathArgs.AT_REMOVEDIR) != 0) {
            return Errno.EINVAL.ret();
        }
        Result<At> a = at(t, dirfd, path);
        if (a.failed()) {
            return a.ret();
        }
        return ((int) flags & PathArgs.AT_REMOVEDIR) != 0
                ? PathArgs.vfs(t).rmdir(t, PathArgs.fs(t), a.value().start(), a.value().path())
                : PathArgs.vfs(t).unlink(t, PathArgs.fs(t), a.value().start(), a.value().path());
    }

    /** Rename implements Linux syscall rename(2). */
    static long rename(Task t, long oldPath, long newPath, long a2, long a3, long a4, long a5) {
        return renameat2(t, PathArgs.AT_FDCWD, oldPath, PathArgs.AT_FDCWD, newPath, 0, 0);
    }

    /** Renameat implements Linux syscall renameat(2). */
    static long renameat(Task t, long oldDir, long oldPath, long newDir, long newPath, long a4, long a5) {
        return renameat2(t, oldDir, oldPath, newDir, newPath, 0, 0);
    }

    /** Renameat2 implements Linux syscall renameat2(2): RENAME_NOREPLACE, RENAME_EXCHANGE (tmpfs). */
    static long renameat2(Task t, long oldDir, long oldPath, long newDir, long newPath, long flags, long a5) {
        Result<At> from = at(t, oldDir, oldPath);
        if (from.failed()) {
            return from.ret();
        }
        Result<At> to = at(t, newDir, newPath);
        if (to.failed()) {
            return to.ret();
        }
        return PathArgs.vfs(t).rename(t, PathArgs.fs(t), from.value().start(), from.value().path(),
                to.value().start(), to.value().path(), (int) flags);
    }

    /** Link implements Linux syscall link(2). */
    static long link(Task t, long oldPath, long newPath, long a2, long a3, long a4, long a5) {
        return linkat(t, PathArgs.AT_FDCWD, oldPath, PathArgs.AT_FDCWD, newPath, 0, 0);
    }

    /** Linkat implements Linux syscall linkat(2): AT_SYMLINK_FOLLOW follows a final symlink of the old name. */
    static long linkat(Task t, long oldDir, long oldPath, long newDir, long newPath, long flags, long a5) {
        int fl = (int) flags;
        if ((fl & ~(PathArgs.AT_SYMLINK_FOLLOW | PathArgs.AT_EMPTY_PATH)) != 0) {
            return Errno.EINVAL.ret();
        }
        Result<At> from = at(t, oldDir, oldPath);
        if (from.failed()) {
            return from.ret();
        }
        Result<At> to = at(t, newDir, newPath);
        if (to.failed()) {
            return to.ret();
        }
        return PathArgs.vfs(t).link(t, PathArgs.fs(t), from.value().start(), from.value().path(),
                (fl & PathArgs.AT_SYMLINK_FOLLOW) != 0, to.value().start(), to.value().path());
    }

    /** Symlink implements Linux syscall symlink(2). */
    static long symlink(Task t, long target, long linkPath, long a2, long a3, long a4, long a5) {
        return symlinkat(t, target, PathArgs.AT_FDCWD, linkPath, 0, 0, 0);
    }

    /** Symlinkat implements Linux syscall symlinkat(2). */
    static long symlinkat(Task t, long targetAddr, long dirfd, long linkPath, long a3, long a4, long a5) {
        Result<String> target = PathArgs.path(t, targetAddr);
        if (target.failed()) {
            return target.ret();
        }
        Result<At> a = at(t, dirfd, linkPath);
        return a.failed() ? a.ret()
                : PathArgs.vfs(t).symlink(t, PathArgs.fs(t), target.value(), a.value().start(), a.value().path());
    }

    /** Truncate implements Linux syscall truncate(2). */
    static long truncate(Task t, long pathAddr, long length, long a2, long a3, long a4, long a5) {
        Result<String> path = PathArgs.path(t, pathAddr);
        if (path.failed()) {
            return path.ret();
        }
        Result<Dentry> d = PathArgs.resolve(t, PathArgs.AT_FDCWD, path.value(), true, false);
        return d.failed() ? d.ret() : PathArgs.vfs(t).truncate(d.value(), length);
    }

    /** Ftruncate implements Linux syscall ftruncate(2): a regular file open for writing, else EINVAL. */
    static long ftruncate(Task t, long fd, long length, long a2, long a3, long a4, long a5) {
        File f = t.process().fds().get((int) fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        int acc = f.statusFlags() & 3;
        if (!(f instanceof RegularFile) || (acc != 1 && acc != 2)) {
            return Errno.EINVAL.ret();
        }
        if (length < 0) {
            return Errno.EINVAL.ret();
        }
        return PathArgs.vfs(t).truncate(((VfsFile) f).dentry(), length);
    }
}
