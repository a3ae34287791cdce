package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.FsContext;
import dev.emu.kernel.vfs.PathWalk;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.Vfs;
import dev.emu.kernel.vfs.VfsFile;

/**
 * Decoding shared by the path syscalls: a path string from guest memory (getname) and the
 * directory a relative path starts from, given a dirfd (the start of path_init).
 */
final class PathArgs {
    private PathArgs() {}

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200,
            AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000,
            AT_STATX_SYNC_TYPE = 0x6000;

    /**
     * The path at {@code addr}: ENAMETOOLONG when it has no NUL within PATH_MAX bytes; a bad
     * pointer surfaces as EFAULT through the dispatcher.
     */
    static Result<String> path(Task t, long addr) {
        byte[] b = UserMemory.readCString(t.memory(), addr, PathWalk.PATH_MAX);
        if (b == null) {
            return Result.err(Errno.ENAMETOOLONG);
        }
        return Result.ok(new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }

    static FsContext fs(Task t) {
        return t.process().fs();
    }

    static Vfs vfs(Task t) {
        return t.kernel().vfs();
    }

    /**
     * Where {@code path} starts: the cwd for AT_FDCWD, else the directory open at {@code dirfd}
     * (EBADF, ENOTDIR). An absolute path ignores the dirfd, as Linux does.
     */
    static Result<Dentry> start(Task t, int dirfd, String path) {
        if (path.startsWith("/") || dirfd == AT_FDCWD) {
            return Result.ok(fs(t).cwd());
        }
        File f = t.process().fds().get(dirfd);
        if (f == null) {
            return Result.err(Errno.EBADF);
        }
        if (!(f instanceof VfsFile v) || !v.dentry().inode().isDirectory()) {
            return Result.err(Errno.ENOTDIR);
        }
        return Result.ok(v.dentry());
    }

    /**
     * Resolves {@code dirfd}+path for a *at call: an empty path with AT_EMPTY_PATH names the
     * dirfd itself (ENOENT without it).
     */
    static Result<Dentry> resolve(Task t, int dirfd, String path, boolean follow, boolean emptyPathAllowed) {
        if (path.isEmpty()) {
            if (!emptyPathAllowed) {
                return Result.err(Errno.ENOENT);
            }
            if (dirfd == AT_FDCWD) {
                return Result.ok(fs(t).cwd());
            }
            File f = t.process().fds().get(dirfd);
            if (f == null) {
                return Result.err(Errno.EBADF);
            }
            return f instanceof VfsFile v ? Result.ok(v.dentry()) : Result.err(Errno.ENOTDIR);
        }
        Result<Dentry> start = start(t, dirfd, path);
        if (start.failed()) {
            return start;
        }
        return vfs(t).lookup(t, fs(t), start.value(), path, follow);
    }
}
