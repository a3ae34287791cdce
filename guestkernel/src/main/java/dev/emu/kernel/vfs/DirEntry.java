package dev.emu.kernel.vfs;

/**
 * One directory entry as getdents64 reports it (struct linux_dirent64 without the offsets).
 *
 * @param type the DT_* value (DT_DIR = 4, DT_REG = 8, DT_LNK = 10, …)
 */
public record DirEntry(String name, long ino, int type) {
    public static final int DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6,
            DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;

    /** The DT_* value for an S_IFMT file type (IFTODT in include/linux/fs_types.h). */
    public static int typeOf(int mode) {
        return (mode >>> 12) & 15;
    }
}
