package dev.emu.kernel.vfs.tmpfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.vfs.Filesystem;
import dev.emu.kernel.vfs.Inode;
import java.util.function.LongSupplier;

/**
 * tmpfs (mm/shmem.c): files in memory, gone when the guest ends.
 *
 * <p>Inode numbers count up from 1 (the root) in creation order and times come from the
 * kernel's clock, so a run that creates the same files gets the same numbers and times. File
 * data lives in 4 KiB pages allocated on first write; the total is capped at {@code capacity}
 * bytes (ENOSPC beyond), so the guest cannot make the host allocate without bound.
 */
public final class TmpfsFilesystem extends Filesystem {
    /** TMPFS_MAGIC. */
    private static final long MAGIC = 0x01021994L;

    private final LongSupplier clock;
    private final long capacity;
    private long usedPages;
    private long nextIno = 1;
    private final TmpfsDirectory root;

    /**
     * @param dev the device number its files report
     * @param clock the kernel's realtime clock in nanoseconds, for timestamps
     * @param capacity the most bytes of file data it holds
     * @param rootMode the root directory's permission bits (01777 for /tmp)
     */
    public TmpfsFilesystem(long dev, LongSupplier clock, long capacity, int rootMode) {
        super("tmpfs", dev);
        this.clock = clock;
        this.capacity = capacity;
        this.root = new TmpfsDirectory(this, rootMode, null);
    }

    @Override
    public Inode root() {
        return root;
    }

    @Override
    protected long magic() {
        return MAGIC;
    }

    @Override
    public StatFs statfs() {
        long total = capacity / TmpfsData.PAGE;
        return new StatFs(MAGIC, TmpfsData.PAGE, total, total - usedPages, total - usedPages,
                total, total - nextIno + 1, 255);
    }

    long now() {
        return clock.getAsLong();
    }

    long allocIno() {
        return nextIno++;
    }

    /** Takes {@code pages} pages of the capacity; false (ENOSPC) when they do not fit. */
    boolean reserve(long pages) {
        if ((usedPages + pages) * TmpfsData.PAGE > capacity) {
            return false;
        }
        usedPages += pages;
        return true;
    }

    void unreserve(long pages) {
        usedPages -= pages;
    }

    static long enospc() {
        return Errno.ENOSPC.ret();
    }
}
