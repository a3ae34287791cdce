package dev.emu.kernel.fs;

/**
 * The fields of struct stat the kernel fills for a file.
 *
 * @param mode st_mode (type and permission bits)
 * @param rdev device number for character devices
 */
public record FileStat(long dev, long ino, int mode, int nlink, int uid, int gid, long rdev,
                       long size, int blksize, long blocks) {

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
        for (int t = 0; t < 3; t++) {
            b.putLong(72 + 16 * t, nowNanos / 1_000_000_000L).putLong(80 + 16 * t, nowNanos % 1_000_000_000L);
        }
        return b.array();
    }

    /** Writes this as struct statx (256 bytes, linux/stat.h) with STATX_BASIC_STATS. */
    public byte[] toStructStatx(long nowNanos) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(256).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x7ff); // stx_mask = STATX_BASIC_STATS
        b.putInt(4, blksize).putInt(16, nlink).putInt(20, uid).putInt(24, gid);
        b.putShort(28, (short) mode).putLong(32, ino).putLong(40, size).putLong(48, blocks);
        for (int off : new int[] {64, 80, 96, 112}) { // atime, btime, ctime, mtime
            b.putLong(off, nowNanos / 1_000_000_000L).putInt(off + 8, (int) (nowNanos % 1_000_000_000L));
        }
        b.putInt(128, (int) (rdev >>> 8) & 0xfff).putInt(132, (int) (rdev & 0xff));
        b.putInt(136, (int) (dev >>> 8) & 0xfff).putInt(140, (int) (dev & 0xff));
        return b.array();
    }
}
