package dev.emu.kernel.vfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;

/**
 * The generic filesystem layer (Linux's fs/namei.c and fs/open.c; gVisor's vfs.VirtualFilesystem):
 * every path operation resolves through {@link PathWalk}, applies the checks Linux makes above
 * the filesystem (types, read-only mounts, "." and "..", renaming a directory into itself) and
 * only then calls the {@link Inode}. It knows no filesystem.
 */
public final class Vfs {
    public static final int O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200,
            O_TRUNC = 01000, O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000, O_PATH = 010000000,
            O_TMPFILE = 020000000;
    public static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
    public static final int R_OK = 4, W_OK = 2, X_OK = 1;

    private final MountTable mounts;
    /** The internal tmpfs memfd_create makes its files on (shm_mnt); reachable by no path. */
    private Mount shmMount;

    public Vfs(MountTable mounts) {
        this.mounts = mounts;
    }

    public MountTable mounts() {
        return mounts;
    }

    public Mount shmMount() {
        return shmMount;
    }

    public void setShmMount(Mount mount) {
        this.shmMount = mount;
    }

    /** A path walker for one syscall of {@code task} (null in kernel-internal lookups). */
    public PathWalk walker(Task task, FsContext ctx) {
        return new PathWalk(mounts, task, ctx);
    }

    /** The dentry {@code path} names. */
    public Result<Dentry> lookup(Task task, FsContext ctx, Dentry start, String path, boolean follow) {
        return walker(task, ctx).resolve(start, path, follow);
    }

    /** Whether a write to {@code d} is refused because its mount is read-only (sb_permission). */
    private static boolean readOnly(Dentry d) {
        int type = d.inode().type();
        return d.mount().readOnly()
                && (type == FileStat.S_IFREG || type == FileStat.S_IFDIR || type == FileStat.S_IFLNK);
    }

    /**
     * open/openat/creat (path_openat, open_last_lookups, do_open).
     *
     * @param mode the permission bits for O_CREAT (the umask is applied here)
     */
    public Result<File> open(Task task, FsContext ctx, Dentry start, String path, int flags, int mode) {
        return open(task, ctx, start, path, flags, mode, 0);
    }

    /** openat2: {@link #open} with RESOLVE_* restrictions on the walk. */
    public Result<File> open(Task task, FsContext ctx, Dentry start, String path, int flags, int mode, int resolve) {
        PathWalk walk = walker(task, ctx).restrict(resolve, start);
        if ((flags & O_TMPFILE) == O_TMPFILE) {
            return openTmpfile(task, ctx, walk, start, path, flags, mode);
        }
        Dentry d;
        boolean created = false;
        if ((flags & O_CREAT) != 0 && (flags & O_PATH) == 0) {
            Result<PathWalk.Parent> p = walk.resolveParent(start, path);
            if (p.failed()) {
                return p.cast();
            }
            PathWalk.Parent parent = p.value();
            if (parent.isDots() || parent.trailingSlash()) {
                return Result.err(Errno.EISDIR);
            }
            Result<Dentry> existing = walk.child(parent.dir(), parent.name());
            if (existing.failed() && existing.error() != Errno.ENOENT) {
                return existing.cast();
            }
            if (existing.failed()) {
                if (parent.dir().mount().readOnly()) {
                    return Result.err(Errno.EROFS);
                }
                Result<Inode> made = parent.dir().inode().create(parent.name(), FileStat.S_IFREG | (mode & 07777 & ~ctx.umask()));
                if (made.failed()) {
                    return made.cast();
                }
                d = new Dentry(parent.dir().mount(), made.value(), parent.dir(), parent.name());
                created = true;
            } else {
                if ((flags & O_EXCL) != 0) {
                    return Result.err(Errno.EEXIST);
                }
                d = existing.value();
                if (d.inode().isSymlink()) {
                    if ((flags & O_NOFOLLOW) != 0) {
                        return Result.err(Errno.ELOOP);
                    }
                    Result<Dentry> target = walk.resolve(parent.dir(), parent.name(), true);
                    if (target.failed() && target.error() == Errno.ENOENT) {
                        return Result.err(Errno.ENOENT); // a dangling link is not created through
                    }
                    if (target.failed()) {
                        return target.cast();
                    }
                    d = target.value();
                }
                if (d.inode().isDirectory()) {
                    return Result.err(Errno.EISDIR);
                }
            }
        } else {
            Result<Dentry> r = walk.resolve(start, path, (flags & O_NOFOLLOW) == 0);
            if (r.failed()) {
                return r.cast();
            }
            d = r.value();
            if (d.inode().isSymlink() && (flags & O_PATH) == 0) {
                return Result.err(Errno.ELOOP);
            }
        }
        if ((flags & O_DIRECTORY) != 0 && !d.inode().isDirectory()) {
            return Result.err(Errno.ENOTDIR);
        }
        if ((flags & O_PATH) != 0) {
            return Result.ok(new PathFile(d, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW)));
        }
        int acc = flags & O_ACCMODE;
        boolean write = acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC) != 0 && !created;
        if (d.inode().isDirectory() && (acc != 0 || (flags & O_CREAT) != 0 && !created)) {
            return Result.err(Errno.EISDIR);
        }
        if (write && !created && readOnly(d)) {
            return Result.err(Errno.EROFS);
        }
        if (!created) {
            long ok = d.inode().access((acc == 0 || acc == O_RDWR ? R_OK : 0) | (write ? W_OK : 0));
            if (ok < 0) {
                return Result.err(Errno.of((int) -ok));
            }
        }
        if ((flags & O_TRUNC) != 0 && d.inode().isRegular() && !created) {
            long t = d.inode().truncate(0);
            if (t < 0) {
                return Result.err(Errno.of((int) -t));
            }
        }
        return d.inode().open(task, d, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW));
    }

    /**
     * O_TMPFILE (do_tmpfile): an unnamed regular file in the directory {@code path} names, open
     * for writing (build_open_flags made O_RDONLY EINVAL), linkable by linkat unless O_EXCL.
     */
    private Result<File> openTmpfile(Task task, FsContext ctx, PathWalk walk, Dentry start, String path, int flags, int mode) {
        int acc = flags & O_ACCMODE;
        if (acc != O_WRONLY && acc != O_RDWR) {
            return Result.err(Errno.EINVAL);
        }
        Result<Dentry> r = walk.resolve(start, path, (flags & O_NOFOLLOW) == 0);
        if (r.failed()) {
            return r.cast();
        }
        Dentry dir = r.value();
        if (!dir.inode().isDirectory()) {
            return Result.err(Errno.ENOTDIR);
        }
        if (dir.mount().readOnly()) {
            return Result.err(Errno.EROFS);
        }
        Result<Inode> made = dir.inode().createUnnamed(FileStat.S_IFREG | (mode & 07777 & ~ctx.umask()), (flags & O_EXCL) == 0);
        if (made.failed()) {
            return made.cast();
        }
        Dentry d = new Dentry(dir.mount(), made.value(), dir, "#" + made.value().attributes().ino());
        return made.value().open(task, d, flags & ~(O_TMPFILE | O_EXCL | O_TRUNC | O_NOFOLLOW | O_CREAT));
    }

    /** mkdir/mkdirat (do_mkdirat with filename_create). */
    public long mkdir(Task task, FsContext ctx, Dentry start, String path, int mode) {
        PathWalk walk = walker(task, ctx);
        Result<PathWalk.Parent> p = walk.resolveParent(start, path);
        if (p.failed()) {
            return p.ret();
        }
        PathWalk.Parent parent = p.value();
        Result<Dentry> existing = parent.isDots() ? null : walk.child(parent.dir(), parent.name());
        if (parent.isDots() || !existing.failed()) {
            return Errno.EEXIST.ret();
        }
        if (existing.error() != Errno.ENOENT) {
            return existing.ret();
        }
        if (parent.dir().mount().readOnly()) {
            return Errno.EROFS.ret();
        }
        Result<Inode> made = parent.dir().inode().mkdir(parent.name(), FileStat.S_IFDIR | (mode & 07777 & ~ctx.umask()));
        return made.failed() ? made.ret() : 0;
    }

    /**
     * The parent directory of a name to be created by mknod, symlink or link (filename_create):
     * EEXIST when the last component exists or is "." or "..", ENOENT for a trailing slash.
     */
    private static Result<PathWalk.Parent> resolveNew(PathWalk walk, Dentry start, String path) {
        Result<PathWalk.Parent> p = walk.resolveParent(start, path);
        if (p.failed()) {
            return p;
        }
        PathWalk.Parent parent = p.value();
        if (parent.isDots() || !walk.child(parent.dir(), parent.name()).failed()) {
            return Result.err(Errno.EEXIST);
        }
        if (parent.trailingSlash()) {
            return Result.err(Errno.ENOENT);
        }
        return p;
    }

    /** mknod/mknodat for FIFOs and regular files (device nodes need a driver: EPERM). */
    public long mknod(Task task, FsContext ctx, Dentry start, String path, int mode, long dev) {
        Result<PathWalk.Parent> p = resolveNew(walker(task, ctx), start, path);
        if (p.failed()) {
            return p.ret();
        }
        PathWalk.Parent parent = p.value();
        if (parent.dir().mount().readOnly()) {
            return Errno.EROFS.ret();
        }
        int type = mode & FileStat.S_IFMT;
        int perm = mode & 07777 & ~ctx.umask();
        Result<Inode> made = switch (type) {
            case 0, FileStat.S_IFREG -> parent.dir().inode().create(parent.name(), FileStat.S_IFREG | perm);
            case FileStat.S_IFIFO, FileStat.S_IFCHR, FileStat.S_IFBLK, FileStat.S_IFSOCK ->
                    parent.dir().inode().mknod(parent.name(), type | perm, dev);
            default -> Result.err(type == FileStat.S_IFDIR ? Errno.EPERM : Errno.EINVAL);
        };
        return made.failed() ? made.ret() : 0;
    }

    /** rmdir (do_rmdir). */
    public long rmdir(Task task, FsContext ctx, Dentry start, String path) {
        PathWalk walk = walker(task, ctx);
        Result<PathWalk.Parent> p = walk.resolveParent(start, path);
        if (p.failed()) {
            return p.ret();
        }
        PathWalk.Parent parent = p.value();
        if (parent.name().equals(".")) {
            return Errno.EINVAL.ret();
        }
        if (parent.name().equals("..")) {
            return Errno.ENOTEMPTY.ret();
        }
        if (parent.dir().mount().readOnly()) {
            return Errno.EROFS.ret();
        }
        Result<Dentry> victim = walk.child(parent.dir(), parent.name());
        if (victim.failed()) {
            return victim.ret();
        }
        Dentry v = victim.value();
        if (!v.inode().isDirectory()) {
            return Errno.ENOTDIR.ret();
        }
        if (v.isMountRoot() && v.mount() != parent.dir().mount() || v.sameAs(ctx.root())) {
            return Errno.EBUSY.ret();
        }
        return parent.dir().inode().rmdir(parent.name());
    }

    /** unlink/unlinkat without AT_REMOVEDIR (do_unlinkat). */
    public long unlink(Task task, FsContext ctx, Dentry start, String path) {
        PathWalk walk = walker(task, ctx);
        Result<PathWalk.Parent> p = walk.resolveParent(start, path);
        if (p.failed()) {
            return p.ret();
        }
        PathWalk.Parent parent = p.value();
        if (parent.isDots()) {
            return Errno.EISDIR.ret();
        }
        if (parent.dir().mount().readOnly()) {
            return Errno.EROFS.ret();
        }
        Result<Dentry> victim = walk.child(parent.dir(), parent.name());
        if (victim.failed()) {
            return victim.ret();
        }
        Dentry v = victim.value();
        if (parent.trailingSlash()) {
            return v.inode().isDirectory() ? Errno.EISDIR.ret() : Errno.ENOTDIR.ret();
        }
        if (v.inode().isDirectory()) {
            return Errno.EISDIR.ret();
        }
        return parent.dir().inode().unlink(parent.name());
    }

    /** symlink/symlinkat (do_symlinkat): the target is stored as given, never resolved here. */
    public long symlink(Task task, FsContext ctx, String target, Dentry start, String path) {
        if (target.isEmpty()) {
            return Errno.ENOENT.ret();
        }
        Result<PathWalk.Parent> p = resolveNew(walker(task, ctx), start, path);
        if (p.failed()) {
            return p.ret();
        }
        PathWalk.Parent parent = p.value();
        if (parent.dir().mount().readOnly()) {
            return Errno.EROFS.ret();
        }
        Result<Inode> made = parent.dir().inode().symlink(parent.name(), target);
        return made.failed() ? made.ret() : 0;
    }

    /** link/linkat (do_linkat): no hard links to directories, none across mounts. */
    public long link(Task task, FsContext ctx, Dentry oldStart, String oldPath, boolean followOld,
                     Dentry newStart, String newPath) {
        PathWalk walk = walker(task, ctx);
        Result<Dentry> old = walk.resolve(oldStart, oldPath, followOld);
        if (old.failed()) {
            return old.ret();
        }
        Result<PathWalk.Parent> p = resolveNew(walk, newStart, newPath);
        if (p.failed()) {
            return p.ret();
        }
        PathWalk.Parent parent = p.value();
        if (old.value().mount() != parent.dir().mount()) {
            return Errno.EXDEV.ret();
        }
        if (parent.dir().mount().readOnly()) {
            return Errno.EROFS.ret();
        }
        if (old.value().inode().isDirectory()) {
            return Errno.EPERM.ret();
        }
        Inode target = old.value().inode();
        if (target.attributes().nlink() == 0 && !target.linkable()) {
            return Errno.ENOENT.ret(); // vfs_link: an unlinked file cannot be named again
        }
        if (target.linkable()) {
            target.markLinked();
        }
        return parent.dir().inode().link(parent.name(), old.value().inode());
    }

    /** rename/renameat/renameat2 (do_renameat2 and vfs_rename). */
    public long rename(Task task, FsContext ctx, Dentry oldStart, String oldPath, Dentry newStart,
                       String newPath, int flags) {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0
                || (flags & RENAME_NOREPLACE) != 0 && (flags & RENAME_EXCHANGE) != 0
                || (flags & RENAME_WHITEOUT) != 0 && (flags & RENAME_EXCHANGE) != 0) {
            return Errno.EINVAL.ret();
        }
        if ((flags & RENAME_WHITEOUT) != 0) {
            return Errno.EINVAL.ret(); // whiteouts are for overlay filesystems, which emu has none of
        }
        PathWalk walk = walker(task, ctx);
        Result<PathWalk.Parent> po = walk.resolveParent(oldStart, oldPath);
        if (po.failed()) {
            return po.ret();
        }
        Result<PathWalk.Parent> pn = walk.resolveParent(newStart, newPath);
        if (pn.failed()) {
            return pn.ret();
        }
        PathWalk.Parent from = po.value();
        PathWalk.Parent to = pn.value();
        if (from.dir().mount() != to.dir().mount()) {
            return Errno.EXDEV.ret();
        }
        if (from.isDots()) {
            return Errno.EBUSY.ret();
        }
        if (to.isDots()) {
            return (flags & RENAME_NOREPLACE) != 0 ? Errno.EEXIST.ret() : Errno.EBUSY.ret();
        }
        if (from.dir().mount().readOnly()) {
            return Errno.EROFS.ret();
        }
        Result<Dentry> src = walk.child(from.dir(), from.name());
        if (src.failed()) {
            return src.ret();
        }
        Dentry s = src.value();
        boolean exchange = (flags & RENAME_EXCHANGE) != 0;
        if (!s.inode().isDirectory() && (from.trailingSlash() || to.trailingSlash() && !exchange)) {
            return Errno.ENOTDIR.ret();
        }
        Result<Dentry> dst = walk.child(to.dir(), to.name());
        if (dst.failed() && dst.error() != Errno.ENOENT) {
            return dst.ret();
        }
        Dentry t = dst.failed() ? null : dst.value();
        if (exchange && t == null) {
            return Errno.ENOENT.ret();
        }
        if ((flags & RENAME_NOREPLACE) != 0 && t != null) {
            return Errno.EEXIST.ret();
        }
        if (isMountpoint(s) || t != null && isMountpoint(t)) {
            return Errno.EBUSY.ret();
        }
        // A directory may not move below itself (EINVAL), nor may the target be an ancestor of
        // the source (ENOTEMPTY): lock_rename's trap checks.
        if (s.inode().isDirectory() && isAncestor(s, to.dir())) {
            return Errno.EINVAL.ret();
        }
        if (t != null && t.inode().isDirectory() && isAncestor(t, from.dir())) {
            return exchange ? Errno.EINVAL.ret() : Errno.ENOTEMPTY.ret();
        }
        if (t != null && t.inode() == s.inode()) {
            return 0; // two names of one inode: POSIX says do nothing
        }
        if (t != null && !exchange) {
            if (s.inode().isDirectory() && !t.inode().isDirectory()) {
                return Errno.ENOTDIR.ret();
            }
            if (!s.inode().isDirectory() && t.inode().isDirectory()) {
                return Errno.EISDIR.ret();
            }
            if (t.inode().isDirectory()) {
                Result<java.util.List<DirEntry>> entries = t.inode().list();
                if (!entries.failed() && !entries.value().isEmpty()) {
                    return Errno.ENOTEMPTY.ret();
                }
            }
        }
        return from.dir().inode().rename(from.name(), to.dir().inode(), to.name(), exchange);
    }

    private boolean isMountpoint(Dentry d) {
        return mounts.mountedOn(d.mount(), d.inode()) != null || d.isMountRoot() && d.mount().mountpoint() != null;
    }

    /** Whether {@code ancestor} is {@code d} or one of the directories above it. */
    private static boolean isAncestor(Dentry ancestor, Dentry d) {
        for (Dentry x = d; x != null; x = x.parent()) {
            if (x.inode() == ancestor.inode()) {
                return true;
            }
        }
        return false;
    }

    /** truncate(2) of a resolved name (do_truncate with the checks of vfs_truncate). */
    public long truncate(Dentry d, long length) {
        if (length < 0) {
            return Errno.EINVAL.ret();
        }
        if (d.inode().isDirectory()) {
            return Errno.EISDIR.ret();
        }
        if (!d.inode().isRegular()) {
            return Errno.EINVAL.ret();
        }
        if (d.mount().readOnly()) {
            return Errno.EROFS.ret();
        }
        return d.inode().truncate(length);
    }

    /** chmod family: the permission bits change; EROFS on a read-only mount. */
    public long chmod(Dentry d, int mode) {
        if (readOnly(d)) {
            return Errno.EROFS.ret();
        }
        return d.inode().setMode(mode & 07777);
    }

    /** chown family. */
    public long chown(Dentry d, int uid, int gid) {
        if (readOnly(d)) {
            return Errno.EROFS.ret();
        }
        return d.inode().setOwner(uid, gid);
    }

    /** utimensat: times in nanoseconds or {@link Inode#TIME_OMIT}. */
    public long setTimes(Dentry d, long atime, long mtime) {
        if (readOnly(d)) {
            return Errno.EROFS.ret();
        }
        if (atime == Inode.TIME_OMIT && mtime == Inode.TIME_OMIT) {
            return 0;
        }
        return d.inode().setTimes(atime, mtime);
    }

    /** access/faccessat: EROFS for W_OK on a read-only mount, then the inode's permission check. */
    public long access(Dentry d, int mode) {
        if ((mode & W_OK) != 0 && readOnly(d)) {
            return Errno.EROFS.ret();
        }
        return d.inode().access(mode);
    }
}
