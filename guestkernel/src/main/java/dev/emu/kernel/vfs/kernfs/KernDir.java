package dev.emu.kernel.vfs.kernfs;

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
 * A made-up directory: fixed children in insertion order, plus the children a subclass computes
 * ({@link #dynamicNames}, {@link #dynamicLookup}) such as /proc's per-process directories.
 * Creating or removing anything in it is refused with the errno Linux's proc and sysfs give.
 */
public class KernDir extends KernNode {
    private final Map<String, Inode> children = new LinkedHashMap<>();

    public KernDir(KernFilesystem fs, int perm) {
        super(fs, FileStat.S_IFDIR | perm);
    }

    /** A directory with a chosen inode number. */
    public KernDir(KernFilesystem fs, long ino, int perm) {
        super(fs, FileStat.S_IFDIR | perm, ino);
    }

    /** Adds a fixed child; returns it, for building trees. */
    public <T extends Inode> T add(String name, T child) {
        children.put(name, child);
        return child;
    }

    /** A fixed sub-directory, made on first use. */
    public KernDir dir(String name) {
        Inode c = children.get(name);
        if (c instanceof KernDir d) {
            return d;
        }
        return add(name, new KernDir((KernFilesystem) fs(), 0555));
    }

    /**
     * The errno of creating a name here: EPERM (kernfs has no such operation); proc's
     * directories answer ENOENT because their lookup fails before any create is tried.
     */
    protected Errno createError() {
        return Errno.EPERM;
    }

    @Override
    public Result<Inode> create(String name, int mode) {
        return Result.err(createError() == Errno.EPERM ? Errno.EACCES : createError());
    }

    @Override
    public Result<Inode> mkdir(String name, int mode) {
        return Result.err(createError());
    }

    @Override
    public Result<Inode> mknod(String name, int mode, long rdev) {
        return Result.err(createError());
    }

    @Override
    public Result<Inode> symlink(String name, String target) {
        return Result.err(createError());
    }

    @Override
    public long link(String name, Inode target) {
        return createError().ret();
    }

    /** Names computed when listed (after the fixed ones). */
    protected List<String> dynamicNames() {
        return List.of();
    }

    /** A computed child, or null. */
    protected Inode dynamicLookup(String name) {
        return null;
    }

    @Override
    protected int nlink() {
        int n = 2;
        for (Inode c : children.values()) {
            if (c.isDirectory()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Result<Inode> lookup(String name) {
        Inode c = children.get(name);
        if (c == null) {
            c = dynamicLookup(name);
        }
        return c == null ? Result.err(Errno.ENOENT) : Result.ok(c);
    }

    @Override
    public Result<List<DirEntry>> list() {
        List<DirEntry> out = new ArrayList<>();
        for (Map.Entry<String, Inode> e : children.entrySet()) {
            out.add(new DirEntry(e.getKey(), e.getValue().attributes().ino(), DirEntry.typeOf(e.getValue().attributes().mode())));
        }
        for (String name : dynamicNames()) {
            Inode c = dynamicLookup(name);
            if (c != null) {
                out.add(new DirEntry(name, c.attributes().ino(), DirEntry.typeOf(c.attributes().mode())));
            }
        }
        return Result.ok(out);
    }
}
