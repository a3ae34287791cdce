package dev.emu.kernel.vfs.bpffs;

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
 * A BPF filesystem directory (bpf_dir_iops): lookup, mkdir, rmdir, unlink, rename and link as
 * simple_* do; no create and no mknod, so open(O_CREAT) and mknod here fail as on Linux
 * (EACCES from the VFS for a missing create, EPERM for mknod). Objects arrive by {@link #pin}.
 */
public final class BpfFsDirectory extends BpfFsNode {
    private final LinkedHashMap<String, BpfFsNode> entries = new LinkedHashMap<>();

    BpfFsDirectory(BpfFilesystem fs, int perm) {
        super(fs, FileStat.S_IFDIR | (perm & 07777));
        nlink = 2;
    }

    @Override
    public Result<Inode> lookup(String name) {
        BpfFsNode n = entries.get(name);
        return n == null ? Result.err(Errno.ENOENT) : Result.ok(n);
    }

    @Override
    public Result<List<DirEntry>> list() {
        List<DirEntry> out = new ArrayList<>(entries.size());
        for (Map.Entry<String, BpfFsNode> e : entries.entrySet()) {
            out.add(new DirEntry(e.getKey(), e.getValue().ino, DirEntry.typeOf(e.getValue().mode)));
        }
        return Result.ok(out);
    }

    /**
     * BPF_OBJ_PIN's bpf_mkobj: a new name {@code name} (the caller checked it is free) for the
     * object; {@code perm} is 0600 less the umask.
     */
    public Inode pin(String name, int perm, BpfFsObject.Pinned object) {
        BpfFsObject o = new BpfFsObject(bpffs, FileStat.S_IFREG | (perm & 07777), object);
        entries.put(name, o);
        modified();
        return o;
    }

    @Override
    public Result<Inode> create(String name, int mode) {
        return Result.err(Errno.EACCES);
    }

    @Override
    public Result<Inode> mknod(String name, int mode, long rdev) {
        return Result.err(Errno.EPERM);
    }

    @Override
    public Result<Inode> mkdir(String name, int mode) {
        BpfFsDirectory d = new BpfFsDirectory(bpffs, mode);
        nlink++;
        entries.put(name, d);
        modified();
        return Result.ok(d);
    }

    @Override
    public long link(String name, Inode target) {
        if (!(target instanceof BpfFsObject o)) {
            return Errno.EPERM.ret();
        }
        o.nlink++;
        o.ctime = bpffs.now();
        entries.put(name, o);
        modified();
        return 0;
    }

    @Override
    public long unlink(String name) {
        BpfFsNode n = entries.remove(name);
        if (n == null) {
            return Errno.ENOENT.ret();
        }
        n.dropLink();
        modified();
        return 0;
    }

    @Override
    public long rmdir(String name) {
        BpfFsNode n = entries.get(name);
        if (!(n instanceof BpfFsDirectory d)) {
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
        BpfFsDirectory to = (BpfFsDirectory) newDir;
        BpfFsNode moving = entries.get(name);
        BpfFsNode replaced = to.entries.get(newName);
        if (moving == null) {
            return Errno.ENOENT.ret();
        }
        if (exchange) {
            entries.put(name, replaced);
            to.entries.put(newName, moving);
        } else {
            entries.remove(name);
            if (replaced != null) {
                replaced.dropLink();
            }
            to.entries.put(newName, moving);
            if (moving instanceof BpfFsDirectory && this != to) {
                nlink--;
                to.nlink++;
            }
        }
        moving.ctime = bpffs.now();
        modified();
        to.modified();
        return 0;
    }
}
