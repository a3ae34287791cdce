package dev.emu.kernel.vfs.tmpfs;

/**
 * A file whose inode takes memfd seals (include/uapi/linux/fcntl.h, mm/memfd.c): fcntl's
 * F_ADD_SEALS and F_GET_SEALS reach it; any other file answers EINVAL.
 */
public interface Seals {
    int F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8, F_SEAL_FUTURE_WRITE = 16;
    /** F_ALL_SEALS of Linux 6.1 (no F_SEAL_EXEC yet). */
    int F_ALL_SEALS = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;

    int seals();

    /** Adds seals: 0, EINVAL for unknown bits, EPERM when not open for writing or sealed. */
    long addSeals(int seals);
}
