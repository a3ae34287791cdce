package dev.emu.kernel.vfs.kernfs;

import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.vfs.Attributes;
import dev.emu.kernel.vfs.Inode;

/** What every made-up node has: a fixed inode number, mode and the filesystem's time. */
public abstract class KernNode extends Inode {
    private final long ino;
    private final int mode;
    private final long time;

    protected KernNode(KernFilesystem fs, int mode) {
        this(fs, mode, fs.allocIno());
    }

    /** A node with a chosen inode number (per-process nodes derive theirs from the pid). */
    protected KernNode(KernFilesystem fs, int mode, long ino) {
        super(fs);
        this.ino = ino;
        this.mode = mode;
        this.time = fs.createdNanos();
    }

    /** The link count: 1, 2 for a directory. */
    protected int nlink() {
        return 1;
    }

    protected long size() {
        return 0;
    }

    protected long rdev() {
        return 0;
    }

    /** From the fixed mode, without attributes(): a directory's nlink asks every child, and a blob's size builds it. */
    @Override
    public int type() {
        return mode & FileStat.S_IFMT;
    }

    @Override
    public Attributes attributes() {
        return new Attributes(ino, mode, nlink(), 0, 0, rdev(), size(), 0, time, time, time);
    }
}
