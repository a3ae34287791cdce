package dev.emu.kernel.vfs.hostfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Attributes;
import dev.emu.kernel.vfs.DirEntry;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.DirectoryFile;
import dev.emu.kernel.vfs.Inode;
import dev.emu.kernel.vfs.Result;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A host file, directory or symlink, by its host path; every call is made without following links. */
final class HostInode extends Inode {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final HostFilesystem hostfs;
    private final Path path;
    /** The last attributes read, reported once the host file is gone (unlinked while open). */
    private Attributes last;
    private long lastDev;

    HostInode(HostFilesystem fs, Path path) {
        super(fs);
        this.hostfs = fs;
        this.path = path;
    }

    Path path() {
        return path;
    }

    @Override
    public Attributes attributes() {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:*", NOFOLLOW);
            long size = (Long) a.get("size");
            int mode = (Integer) a.get("mode");
            int type = mode & FileStat.S_IFMT;
            long blocks = type == FileStat.S_IFLNK ? 0 : (size + 4095) / 4096 * 8;
            last = new Attributes((Long) a.get("ino"), mode, (Integer) a.get("nlink"),
                    (Integer) a.get("uid"), (Integer) a.get("gid"), (Long) a.get("rdev"), size, blocks,
                    nanos(a.get("lastAccessTime")), nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")));
            lastDev = (Long) a.get("dev");
        } catch (IOException e) {
            if (last == null) {
                last = new Attributes(0, FileStat.S_IFREG, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            } else if (last.nlink() != 0) {
                last = new Attributes(last.ino(), last.mode(), 0, last.uid(), last.gid(), last.rdev(),
                        last.size(), last.blocks(), last.atimeNanos(), last.mtimeNanos(), last.ctimeNanos());
            }
        }
        return last;
    }

    @Override
    public long dev() {
        if (last == null) {
            attributes();
        }
        return lastDev;
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }

    /** The host path of child {@code name}; names are single components (no "/", ".", ".."). */
    private Path child(String name) {
        return path.resolve(name);
    }

    @Override
    public Result<Inode> lookup(String name) {
        if (!isDirectory()) {
            return Result.err(Errno.ENOTDIR);
        }
        Path p = child(name);
        SyntheticNode n = hostfs.synthetic(p);
        if (n != null) {
            return Result.ok(n);
        }
        if (!Files.exists(p, NOFOLLOW)) {
            return Result.err(Errno.ENOENT);
        }
        return Result.ok(hostfs.inode(p));
    }

    /** The entries in the host's readdir order (the JDK's directory stream reads readdir). */
    @Override
    public Result<List<DirEntry>> list() {
        if (!isDirectory()) {
            return Result.err(Errno.ENOTDIR);
        }
        List<DirEntry> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(path)) {
            for (Path p : dir) {
                try {
                    Map<String, Object> a = Files.readAttributes(p, "unix:ino,mode", NOFOLLOW);
                    out.add(new DirEntry(p.getFileName().toString(), (Long) a.get("ino"),
                            DirEntry.typeOf((Integer) a.get("mode"))));
                } catch (IOException gone) {
                    // removed on the host while listing: not listed, as with a racing unlink
                }
            }
        } catch (IOException e) {
            return Result.err(HostErrors.of(e));
        }
        out.addAll(hostfs.syntheticEntries(path)); // the guest's own nodes, after the host's
        return Result.ok(out);
    }

    /** Whether {@code name} is a synthetic node here (the host has no such file). */
    private boolean synthetic(String name) {
        return hostfs.synthetic(child(name)) != null;
    }

    /**
     * mknod of a FIFO or socket node (bind of an AF_UNIX path): the host is not asked to make one;
     * the node lives in the guest kernel's view of this directory ({@link SyntheticNode}).
     * Device nodes are EPERM, as on tmpfs (no CAP_MKNOD).
     */
    @Override
    public Result<Inode> mknod(String name, int mode, long rdev) {
        int type = mode & FileStat.S_IFMT;
        if (type != FileStat.S_IFIFO && type != FileStat.S_IFSOCK) {
            return Result.err(Errno.EPERM);
        }
        if (synthetic(name) || Files.exists(child(name), NOFOLLOW)) {
            return Result.err(Errno.EEXIST);
        }
        return Result.ok(hostfs.addSynthetic(child(name), mode, dev()));
    }

    @Override
    public Result<File> open(Task task, Dentry dentry, int flags) {
        int type = type();
        if (type == FileStat.S_IFDIR) {
            return Result.ok(new DirectoryFile(dentry, flags));
        }
        if (type != FileStat.S_IFREG) {
            return Result.err(Errno.ENXIO); // host devices, FIFOs and sockets are not passed through
        }
        Set<OpenOption> opts = new HashSet<>();
        opts.add(NOFOLLOW);
        int acc = flags & 3;
        if (acc != 1) {
            opts.add(StandardOpenOption.READ);
        }
        if (acc == 1 || acc == 2) {
            opts.add(StandardOpenOption.WRITE);
        }
        try {
            return Result.ok(new HostFile(dentry, flags, FileChannel.open(path, opts)));
        } catch (IOException e) {
            return Result.err(HostErrors.of(e));
        }
    }

    private Result<Inode> created(Path p, int mode) {
        try {
            Files.setPosixFilePermissions(p, permissions(mode));
        } catch (IOException e) {
            // the file exists; a permission the host refuses to set is not worth failing for
        }
        hostfs.forget(p);
        return Result.ok(hostfs.inode(p));
    }

    @Override
    public Result<Inode> create(String name, int mode) {
        if (synthetic(name)) {
            return Result.err(Errno.EEXIST);
        }
        try {
            Files.createFile(child(name));
            return created(child(name), mode);
        } catch (IOException e) {
            return Result.err(HostErrors.of(e));
        }
    }

    @Override
    public Result<Inode> mkdir(String name, int mode) {
        if (synthetic(name)) {
            return Result.err(Errno.EEXIST);
        }
        try {
            Files.createDirectory(child(name));
            return created(child(name), mode);
        } catch (IOException e) {
            return Result.err(HostErrors.of(e));
        }
    }

    @Override
    public Result<Inode> symlink(String name, String target) {
        if (synthetic(name)) {
            return Result.err(Errno.EEXIST);
        }
        try {
            Files.createSymbolicLink(child(name), path.getFileSystem().getPath(target));
            hostfs.forget(child(name));
            return Result.ok(hostfs.inode(child(name)));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return Result.err(e instanceof IOException io ? HostErrors.of(io) : Errno.EINVAL);
        }
    }

    @Override
    public long link(String name, Inode target) {
        if (synthetic(name)) {
            return Errno.EEXIST.ret();
        }
        if (target instanceof SyntheticNode) {
            return Errno.EPERM.ret(); // a second name would need the host to hold the node
        }
        try {
            Files.createLink(child(name), ((HostInode) target).path);
            return 0;
        } catch (IOException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long unlink(String name) {
        SyntheticNode n = hostfs.synthetic(child(name));
        if (n != null) {
            if (n.isDirectory()) {
                return Errno.EISDIR.ret();
            }
            hostfs.removeSynthetic(child(name));
            return 0;
        }
        try {
            Files.delete(child(name));
            hostfs.forget(child(name));
            return 0;
        } catch (IOException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long rmdir(String name) {
        SyntheticNode n = hostfs.synthetic(child(name));
        if (n != null) {
            if (!n.isDirectory()) {
                return Errno.ENOTDIR.ret();
            }
            if (hostfs.hasSyntheticChildren(child(name))) {
                return Errno.ENOTEMPTY.ret();
            }
            hostfs.removeSynthetic(child(name));
            return 0;
        }
        if (hostfs.hasSyntheticChildren(child(name))) {
            return Errno.ENOTEMPTY.ret(); // the host directory is empty, the guest's view is not
        }
        return unlink(name);
    }

    @Override
    public long rename(String name, Inode newDir, String newName, boolean exchange) {
        if (exchange) {
            return Errno.EINVAL.ret(); // renameat2(RENAME_EXCHANGE) is not reachable through the JDK
        }
        if (!(newDir instanceof HostInode target)) {
            return Errno.EXDEV.ret(); // a synthetic directory holds only mountpoints
        }
        Path to = target.child(newName);
        SyntheticNode moving = hostfs.synthetic(child(name));
        if (moving != null) {
            // the guest's own node takes the new name, replacing what is there (the host file too)
            if (hostfs.synthetic(to) == null && Files.exists(to, NOFOLLOW)) {
                try {
                    Files.delete(to);
                    hostfs.forget(to);
                } catch (IOException e) {
                    return HostErrors.ret(e);
                }
            }
            hostfs.removeSynthetic(to);
            hostfs.removeSynthetic(child(name));
            hostfs.moveSynthetic(child(name), to);
            moving.movedTo(to);
            hostfs.putSynthetic(to, moving);
            return 0;
        }
        try {
            Files.move(child(name), to, StandardCopyOption.ATOMIC_MOVE);
            hostfs.removeSynthetic(to); // a host file replaced the guest's node of that name
            hostfs.moveSynthetic(child(name), to);
            hostfs.forget(child(name));
            hostfs.forget(to);
            return 0;
        } catch (IOException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public Result<String> readlink(Task task) {
        if (!isSymlink()) {
            return Result.err(Errno.EINVAL);
        }
        try {
            return Result.ok(Files.readSymbolicLink(path).toString());
        } catch (IOException e) {
            return Result.err(HostErrors.of(e));
        }
    }

    @Override
    public long truncate(long size) {
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(size);
            return 0;
        } catch (IOException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long setMode(int mode) {
        try {
            Files.setPosixFilePermissions(path, permissions(mode));
            return 0;
        } catch (IOException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long setOwner(int uid, int gid) {
        try {
            if (uid != -1) {
                Files.setAttribute(path, "unix:uid", uid, NOFOLLOW);
            }
            if (gid != -1) {
                Files.setAttribute(path, "unix:gid", gid, NOFOLLOW);
            }
            return 0;
        } catch (IOException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    public long setTimes(long atime, long mtime) {
        try {
            Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW).setTimes(
                    mtime == TIME_OMIT ? null : FileTime.from(mtime, TimeUnit.NANOSECONDS),
                    atime == TIME_OMIT ? null : FileTime.from(atime, TimeUnit.NANOSECONDS), null);
            return 0;
        } catch (IOException e) {
            return HostErrors.ret(e);
        }
    }

    /** Root's access check, then the host's: a host file the emu process cannot read is EACCES. */
    @Override
    public long access(int mask) {
        long own = super.access(mask);
        if (own < 0) {
            return own;
        }
        if ((mask & 4) != 0 && !Files.isReadable(path) || (mask & 2) != 0 && !Files.isWritable(path)) {
            return Errno.EACCES.ret();
        }
        return 0;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }
}
