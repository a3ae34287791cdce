package dev.emu.kernel.fs;

/**
 * The fields of struct stat the kernel fills for a file.
 *
 * @param mode st_mode (type and permission bits)
 * @param rdev device number for character devices
 */
public record FileStat(long dev, long ino, int mode, int nlink, int uid, int gid, long rdev,
                       long size, int blksize, long blocks, long atimeNanos, long mtimeNanos,
                       long ctimeNanos) {

    /** A timestamp field meaning "the time of the stat call" (anonymous files: pipes, console). */
    public static final long NOW = Long.MIN_VALUE;

    /** A stat whose three timestamps are the time of the call. */
    public FileStat(long dev, long ino, int mode, int nlink, int uid, int gid, long rdev, long size,
                    int blksize, long blocks) {
        this(dev, ino, mode, nlink, uid, gid, rdev, size, blksize, blocks, NOW, NOW, NOW);
    }

    public static final int S_IFLNK = 0120000;
    public static final int S_IFBLK = 0060000;

    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFMT = 0170000;

    /**
     * Writes this as x86_64 struct stat (144 bytes, asm/stat.h) into {@code out}; timestamps are
     * {@code nowNanos}.
     */
    public byte[] toStructStat(long nowNanos) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(144).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, dev).putLong(8, ino).putLong(16, nlink).putInt(24, mode).putInt(28, uid)
                .putInt(32, gid).putLong(40, rdev).putLong(48, size).putLong(56, blksize)
                .putLong(64, blocks);
        long[] times = {at(atimeNanos, nowNanos), at(mtimeNanos, nowNanos), at(ctimeNanos, nowNanos)};
        for (int t = 0; t < 3; t++) {
            b.putLong(72 + 16 * t, Math.floorDiv(times[t], 1_000_000_000L)).putLong(80 + 16 * t, Math.floorMod(times[t], 1_000_000_000L));
        }
        return b.array();
    }

    /**
     * Writes this as struct statx (256 bytes, linux/stat.h) with STATX_BASIC_STATS; stx_btime is
     * not known, so its mask bit stays clear and the field zero, as on filesystems without it.
     */
    public byte[] toStructStatx(long nowNanos) {
        return toStructStatx(nowNanos, NO_BTIME, -1);
    }

    /** A birth time the filesystem does not keep: statx leaves STATX_BTIME out of stx_mask. */
    public static final long NO_BTIME = Long.MIN_VALUE;
    public static final int STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800, STATX_MNT_ID = 0x1000;

    /**
     * struct statx with the birth time {@code btimeNanos} (STATX_BTIME) unless it is
     * {@link #NO_BTIME}, and the mount id (STATX_MNT_ID, stx_mnt_id) unless {@code mountId} is -1.
     */
    public byte[] toStructStatx(long nowNanos, long btimeNanos, long mountId) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(256).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int mask = STATX_BASIC_STATS;
        if (btimeNanos != NO_BTIME) {
            mask |= STATX_BTIME;
            b.putLong(80, Math.floorDiv(btimeNanos, 1_000_000_000L)).putInt(88, (int) Math.floorMod(btimeNanos, 1_000_000_000L));
        }
        if (mountId >= 0) {
            mask |= STATX_MNT_ID;
            b.putLong(144, mountId);
        }
        b.putInt(0, mask);
        b.putInt(4, blksize).putInt(16, nlink).putInt(20, uid).putInt(24, gid);
        b.putShort(28, (short) mode).putLong(32, ino).putLong(40, size).putLong(48, blocks);
        long[] offsets = {64, 96, 112}; // atime, ctime, mtime (btime at 80 above)
        long[] times = {at(atimeNanos, nowNanos), at(ctimeNanos, nowNanos), at(mtimeNanos, nowNanos)};
        for (int i = 0; i < 3; i++) {
            int off = (int) offsets[i];
            b.putLong(off, Math.floorDiv(times[i], 1_000_000_000L)).putInt(off + 8, (int) Math.floorMod(times[i], 1_000_000_000L));
        }
        b.putInt(128, major(rdev)).putInt(132, minor(rdev));
        b.putInt(136, major(dev)).putInt(140, minor(dev));
        return b.array();
    }

    /** MAJOR() of a glibc-encoded dev_t (new_decode_dev for 64-bit values). */
    public static int major(long dev) {
        return (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
    }

    /** MINOR() of a glibc-encoded dev_t. */
    public static int minor(long dev) {
        return (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
    }

    /** makedev(major, minor) as glibc encodes it. */
    public static long makedev(long major, long minor) {
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
    }

    private static long at(long time, long now) {
        return time == NOW ? now : time;
    }

    /** The file type bits of st_mode (S_IFMT). */
    public int type() {
        return mode & S_IFMT;
    }
}
