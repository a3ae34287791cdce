package dev.emu.kernel.vfs.hostfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Attributes;
import dev.emu.kernel.vfs.DirEntry;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Fifo;
import dev.emu.kernel.vfs.Inode;
import dev.emu.kernel.vfs.Result;
import java.nio.file.Path;
import java.util.List;

/**
 * A node that lives only in the guest kernel's view of a host directory, as gVisor's gofer keeps
 * synthetic children of host directories: a FIFO or AF_UNIX socket node a guest made with mknod
 * or bind (the host cannot be asked to create one), or a directory made as the mountpoint of a
 * --mount under a read-only tree (as bwrap and Docker make one). The host never sees it; it is
 * gone when emu exits.
 */
final class SyntheticNode extends Inode {
    private final HostFilesystem hostfs;
    private Path path;
    private final long ino;
    private final long dev;
    private int mode;
    private int uid, gid;
    private long atime, mtime, ctime;
    private final Fifo fifo;

    SyntheticNode(HostFilesystem fs, Path path, int mode, long ino, long dev) {
        super(fs);
        this.hostfs = fs;
        this.path = path;
        this.mode = mode;
        this.ino = ino;
        this.dev = dev;
        this.fifo = (mode & FileStat.S_IFMT) == FileStat.S_IFIFO ? new Fifo() : null;
        atime = mtime = ctime = now();
    }

    private static long now() {
        java.time.Instant i = java.time.Instant.now(); // host time, as the host files around it have
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    Path path() {
        return path;
    }

    void movedTo(Path p) {
        path = p;
        ctime = now();
    }

    @Override
    public Attributes attributes() {
        boolean dir = (mode & FileStat.S_IFMT) == FileStat.S_IFDIR;
        return new Attributes(ino, mode, dir ? 2 : 1, uid, gid, 0, 0, 0, atime, mtime, ctime);
    }

    @Override
    public long dev() {
        return dev;
    }

    @Override
    public Result<File> open(Task task, Dentry dentry, int flags) {
        return fifo != null ? fifo.open(task, dentry, flags) : super.open(task, dentry, flags);
    }

    /** A synthetic directory holds only the synthetic nodes below it (further mountpoints). */
    @Override
    public Result<Inode> lookup(String name) {
        if (!isDirectory()) {
            return Result.err(Errno.ENOTDIR);
        }
        Inode n = hostfs.synthetic(path.resolve(name));
        return n == null ? Result.err(Errno.ENOENT) : Result.ok(n);
    }

    @Override
    public Result<List<DirEntry>> list() {
        if (!isDirectory()) {
            return Result.err(Errno.ENOTDIR);
        }
        return Result.ok(hostfs.syntheticEntries(path));
    }

    @Override
    public long setMode(int perm) {
        mode = (mode & FileStat.S_IFMT) | (perm & 07777);
        ctime = now();
        return 0;
    }

    @Override
    public long setOwner(int newUid, int newGid) {
        if (newUid != -1) {
            uid = newUid;
        }
        if (newGid != -1) {
            gid = newGid;
        }
        ctime = now();
        return 0;
    }

    @Override
    public long setTimes(long a, long m) {
        if (a != TIME_OMIT) {
            atime = a;
        }
        if (m != TIME_OMIT) {
            mtime = m;
        }
        ctime = now();
        return 0;
    }
}
