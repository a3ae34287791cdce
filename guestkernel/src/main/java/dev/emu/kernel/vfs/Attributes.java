package dev.emu.kernel.vfs;

/**
 * What an inode knows about itself (Linux's struct inode fields that stat reports); the device
 * number comes from the filesystem, not from here.
 *
 * @param mode file type and permission bits (st_mode)
 * @param rdev the device an S_IFCHR/S_IFBLK inode stands for (glibc's makedev encoding)
 * @param blocks 512-byte blocks allocated
 * @param atimeNanos access time, nanoseconds since the epoch (likewise mtime and ctime)
 */
public record Attributes(long ino, int mode, int nlink, int uid, int gid, long rdev, long size,
                         long blocks, long atimeNanos, long mtimeNanos, long ctimeNanos) {}
