package dev.emu.kernel.vfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import java.util.List;

/**
 * A file of some filesystem (Linux's struct inode with its inode_operations; gVisor's
 * vfs.DentryImpl): what the generic layer asks a filesystem to do with one name or one file.
 *
 * <p>Every operation defaults to the errno Linux returns when a filesystem lacks it (a missing
 * {@code ->mkdir} is EPERM, {@code ->lookup} on a non-directory ENOTDIR, {@code ->get_link} on a
 * non-symlink EINVAL), so a filesystem overrides only what it supports. Names passed in are
 * single components, never "", "." or ".."; the VFS resolved those, and symlinks, already:
 * no filesystem walks a path on its own. Permission, read-only-mount and type checks that Linux
 * makes in fs/namei.c are made by {@link Vfs} before these are called.
 */
public abstract class Inode {
    private final Filesystem fs;

    protected Inode(Filesystem fs) {
        this.fs = fs;
    }

    public final Filesystem fs() {
        return fs;
    }

    /** The inode's stat fields. */
    public abstract Attributes attributes();

    /** st_dev: the filesystem's device number, or the host's for a passed-through file. */
    public long dev() {
        return fs.dev();
    }

    /** S_IFMT bits of the mode. */
    public int type() {
        return attributes().mode() & FileStat.S_IFMT;
    }

    public final boolean isDirectory() {
        return type() == FileStat.S_IFDIR;
    }

    public final boolean isSymlink() {
        return type() == FileStat.S_IFLNK;
    }

    public final boolean isRegular() {
        return type() == FileStat.S_IFREG;
    }

    /** The child called {@code name}: ENOENT when there is none. */
    public Result<Inode> lookup(String name) {
        return Result.err(Errno.ENOTDIR);
    }

    /** The entries of a directory, without "." and "..", in the order getdents reports them. */
    public Result<List<DirEntry>> list() {
        return Result.err(Errno.ENOTDIR);
    }

    /** Creates a regular file {@code name} (the caller checked it does not exist). */
    public Result<Inode> create(String name, int mode) {
        return Result.err(Errno.EACCES);
    }

    public Result<Inode> mkdir(String name, int mode) {
        return Result.err(Errno.EPERM);
    }

    /**
     * Creates a regular file with no name in this directory (O_TMPFILE, the tmpfile inode
     * operation); {@code linkable}: linkat may give it a name later (O_TMPFILE without O_EXCL).
     */
    public Result<Inode> createUnnamed(int mode, boolean linkable) {
        return Result.err(Errno.EOPNOTSUPP);
    }

    /** The birth time (statx's stx_btime) in ns, or FileStat.NO_BTIME where none is kept. */
    public long birthTimeNanos() {
        return dev.emu.kernel.fs.FileStat.NO_BTIME;
    }

    /** Whether an inode with no names left may get one again by linkat (I_LINKABLE). */
    public boolean linkable() {
        return false;
    }

    /** The O_TMPFILE file got its first name: an unlink later makes it unlinkable as any file. */
    public void markLinked() {}

    /** Creates a FIFO or device node (mknod). */
    public Result<Inode> mknod(String name, int mode, long rdev) {
        return Result.err(Errno.EPERM);
    }

    public Result<Inode> symlink(String name, String target) {
        return Result.err(Errno.EPERM);
    }

    /** Adds a hard link {@code name} to {@code target}, an inode of the same filesystem. */
    public long link(String name, Inode target) {
        return Errno.EPERM.ret();
    }

    /** Removes the non-directory {@code name}. */
    public long unlink(String name) {
        return Errno.EPERM.ret();
    }

    /** Removes the empty directory {@code name}. */
    public long rmdir(String name) {
        return Errno.EPERM.ret();
    }

    /**
     * Moves {@code name} to {@code newName} in {@code newDir} (same filesystem), replacing what
     * is there; the VFS checked the Linux rules (types match, target directory empty, no loop).
     *
     * @param exchange RENAME_EXCHANGE: swap the two names
     */
    public long rename(String name, Inode newDir, String newName, boolean exchange) {
        return Errno.EPERM.ret();
    }

    /** The target of a symlink; {@code task} is the reader (/proc/self's text depends on it). */
    public Result<String> readlink(Task task) {
        return Result.err(Errno.EINVAL);
    }

    /**
     * For /proc's "magic" links (fd/N, exe, cwd, root): where following the link leads, bypassing
     * its text, or null for an ordinary symlink.
     */
    public Dentry magicLink(Task task) {
        return null;
    }

    /**
     * Opens this inode: a new open file description for {@code dentry}.
     *
     * @param flags the open flags (access mode, O_APPEND, O_NONBLOCK…)
     */
    public Result<File> open(Task task, Dentry dentry, int flags) {
        return switch (type()) {
            case FileStat.S_IFDIR -> Result.ok(new DirectoryFile(dentry, flags));
            default -> Result.err(Errno.ENXIO);
        };
    }

    /** Sets the size (truncate): zero-filled when it grows. */
    public long truncate(long size) {
        return Errno.EINVAL.ret();
    }

    /** chmod: the permission bits (07777) change, the type stays. */
    public long setMode(int mode) {
        return Errno.EPERM.ret();
    }

    /** chown; -1 leaves an id unchanged. */
    public long setOwner(int uid, int gid) {
        return Errno.EPERM.ret();
    }

    /** utimensat; {@link #TIME_OMIT} leaves a time unchanged. */
    public long setTimes(long atimeNanos, long mtimeNanos) {
        return Errno.EPERM.ret();
    }

    /** A time argument of {@link #setTimes} that means "leave it" (UTIME_OMIT). */
    public static final long TIME_OMIT = Long.MIN_VALUE;

    /**
     * Whether the calling (root) task may access this inode with {@code mask} (R_OK 4, W_OK 2,
     * X_OK 1): root may read and write anything and execute what has an x bit or is a directory
     * (generic_permission with CAP_DAC_OVERRIDE).
     */
    public long access(int mask) {
        int mode = attributes().mode();
        if ((mask & 1) != 0 && !isDirectory() && (mode & 0111) == 0) {
            return Errno.EACCES.ret();
        }
        return 0;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "#" + attributes().ino();
    }
}
