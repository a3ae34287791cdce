package dev.emu.kernel.vfs.kernfs;

import dev.emu.kernel.vfs.Filesystem;
import dev.emu.kernel.vfs.Inode;

/**
 * A filesystem whose files the kernel makes up (Linux's kernfs and proc's generic dirs; gVisor's
 * fsimpl/kernfs): /proc, /sys and /dev are trees of {@link KernDir}, {@link KernFile},
 * {@link KernSymlink} and {@link KernDevice}. Inode numbers count up in creation order and every
 * node carries the filesystem's creation time, so listings are the same on every run.
 */
public class KernFilesystem extends Filesystem {
    private final long magic;
    private final long createdNanos;
    private long nextIno = 1;
    private KernDir root;

    /**
     * @param magic f_type for statfs (PROC_SUPER_MAGIC, SYSFS_MAGIC, TMPFS_MAGIC for devtmpfs)
     * @param createdNanos the timestamp every node reports (the kernel's realtime at boot)
     */
    public KernFilesystem(String type, long dev, long magic, long createdNanos) {
        super(type, dev);
        this.magic = magic;
        this.createdNanos = createdNanos;
    }

    /** Sets the root directory; called once while building the tree. */
    public final void setRoot(KernDir root) {
        this.root = root;
    }

    @Override
    public Inode root() {
        return root;
    }

    @Override
    protected long magic() {
        return magic;
    }

    long allocIno() {
        return nextIno++;
    }

    long createdNanos() {
        return createdNanos;
    }
}
