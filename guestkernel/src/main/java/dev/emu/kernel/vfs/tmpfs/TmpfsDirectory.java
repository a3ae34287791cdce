package dev.emu.kernel.vfs.tmpfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.vfs.DirEntry;
import dev.emu.kernel.vfs.Inode;
import dev.emu.kernel.vfs.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tmpfs directory: names in creation order, which is the order getdents reports (Linux 6.6+
 * tmpfs lists by a stable per-directory offset, i.e. creation order, too).
 */
final class TmpfsDirectory extends TmpfsNode {
    private final LinkedHashMap<String, TmpfsNode> entries = new LinkedHashMap<>();

    TmpfsDirectory(TmpfsFilesystem fs, int perm, TmpfsDirectory parent) {
        super(fs, FileStat.S_IFDIR | (perm & 07777));
        nlink = 2;
    }

    @Override
    long size() {
        return 40L + 20L * entries.size(); // what tmpfs reports: BOGO_DIRENT_SIZE per entry
    }

    @Override
    public Result<Inode> lookup(String name) {
        TmpfsNode n = entries.get(name);
        return n == null ? Result.err(Errno.ENOENT) : Result.ok(n);
    }

    @Override
    public Result<List<DirEntry>> list() {
        List<DirEntry> out = new ArrayList<>(entries.size());
        for (Map.Entry<String, TmpfsNode> e : entries.entrySet()) {
            out.add(new DirEntry(e.getKey(), e.getValue().ino, DirEntry.typeOf(e.getValue().mode)));
        }
        return Result.ok(out);
    }

    private <T extends TmpfsNode> Result<Inode> add(String name, T node) {
        entries.put(name, node);
        modified();
        return Result.ok(node);
    }

    @Override
    public Result<Inode> create(String name, int mode) {
        return add(name, new TmpfsRegular(tmpfs, mode));
    }

    @Override
    public Result<Inode> mkdir(String name, int mode) {
        nlink++;
        return add(name, new TmpfsDirectory(tmpfs, mode, this));
    }

    @Override
    public Result<Inode> mknod(String name, int mode, long rdev) {
        int type = mode & FileStat.S_IFMT;
        if (type != FileStat.S_IFIFO && type != FileStat.S_IFSOCK) {
            // Device nodes: the guest has no CAP_MKNOD (as in an unprivileged container); devfs
            // has the devices emu provides.
            return Result.err(Errno.EPERM);
        }
        return add(name, new TmpfsSpecial(tmpfs, mode));
    }

    @Override
    public Result<Inode> createUnnamed(int mode, boolean linkable) {
        TmpfsRegular f = new TmpfsRegular(tmpfs, mode);
        f.nlink = 0;
        f.linkable = linkable;
        return Result.ok(f);
    }

    @Override
    public Result<Inode> symlink(String name, String target) {
        return add(name, new TmpfsSymlink(tmpfs, target));
    }

    @Override
    public long link(String name, Inode target) {
        TmpfsNode t = (TmpfsNode) target;
        t.nlink++;
        t.ctime = tmpfs.now();
        add(name, t);
        return 0;
    }

    @Override
    public long unlink(String name) {
        TmpfsNode n = entries.remove(name);
        if (n == null) {
            return Errno.ENOENT.ret();
        }
        n.dropLink();
        if (n instanceof TmpfsRegular r) {
            r.releaseIfUnused();
        }
        modified();
        return 0;
    }

    @Override
    public long rmdir(String name) {
        TmpfsNode n = entries.get(name);
        if (!(n instanceof TmpfsDirectory d)) {
            return n == null ? Errno.ENOENT.ret() : Errno.ENOTDIR.ret();
        }
        if (!d.entries.isEmpty()) {
            return Errno.ENOTEMPTY.ret();
        }
        entries.remove(name);
        d.nlink = 0;
        nlink--;
        modified();
        return 0;
    }

    @Override
    public long rename(String name, Inode newDir, String newName, boolean exchange) {
        TmpfsDirectory to = (TmpfsDirectory) newDir;
        TmpfsNode moving = entries.get(name);
        TmpfsNode replaced = to.entries.get(newName);
        if (moving == null) {
            return Errno.ENOENT.ret();
        }
        if (exchange) {
            entries.put(name, replaced);
            to.entries.put(newName, moving);
            if (moving instanceof TmpfsDirectory != replaced instanceof TmpfsDirectory && this != to) {
                int delta = moving instanceof TmpfsDirectory ? 1 : -1;
                to.nlink += delta;
                nlink -= delta;
            }
        } else {
            entries.remove(name);
            if (replaced != null) {
                if (replaced instanceof TmpfsDirectory) {
                    replaced.nlink = 0;
                    to.nlink--;
                } else {
                    replaced.dropLink();
                    if (replaced instanceof TmpfsRegular r) {
                        r.releaseIfUnused();
                    }
                }
            }
            to.entries.put(newName, moving);
            if (moving instanceof TmpfsDirectory) {
                nlink--;
                to.nlink++;
            }
        }
        moving.ctime = tmpfs.now();
        modified();
        to.modified();
        return 0;
    }
}
