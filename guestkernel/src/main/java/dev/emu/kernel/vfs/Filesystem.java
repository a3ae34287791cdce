package dev.emu.kernel.vfs;

/**
 * One filesystem instance (Linux's struct super_block): its type name, the device number every
 * inode reports, and what statfs says about it.
 */
public abstract class Filesystem {
    private final String type;
    private final long dev;

    /**
     * @param type the name /proc/mounts shows ("tmpfs", "proc", "hostfs"…)
     * @param dev st_dev of its inodes (glibc's makedev encoding)
     */
    protected Filesystem(String type, long dev) {
        this.type = type;
        this.dev = dev;
    }

    public final String type() {
        return type;
    }

    /** The device number its inodes report. */
    public long dev() {
        return dev;
    }

    public abstract Inode root();

    /** struct statfs of this filesystem (f_type, sizes, counts). */
    public StatFs statfs() {
        return new StatFs(magic(), 4096, 0, 0, 0, 0, 0, 255);
    }

    /** f_type: the filesystem's magic number (include/uapi/linux/magic.h). */
    protected abstract long magic();

    /**
     * The numbers statfs(2) reports.
     *
     * @param blocks total blocks of {@code bsize} bytes (likewise free, avail, files, ffree)
     */
    public record StatFs(long type, long bsize, long blocks, long bfree, long bavail, long files,
                         long ffree, long namelen) {}
}
