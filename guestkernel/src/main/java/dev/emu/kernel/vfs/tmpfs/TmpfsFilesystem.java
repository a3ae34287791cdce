package dev.emu.kernel.vfs.tmpfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.vfs.Filesystem;
import dev.emu.kernel.vfs.Inode;
import java.util.function.LongSupplier;

/**
 * tmpfs (mm/shmem.c): files in memory, gone when the guest ends.
 *
 * <p>Inode numbers count up from 1 (the root) in creation order and times come from the
 * kernel's clock, so a run that creates the same files gets the same numbers and times. File
 * data lives in 4 KiB pages allocated on first write; the total is capped at {@code capacity}
 * bytes (ENOSPC beyond), and each page is charged to the guest's memory as Linux charges shmem
 * pages to the memory cgroup (ENOMEM when the guest's limit cannot take it).
 */
public final class TmpfsFilesystem extends Filesystem {
    /** TMPFS_MAGIC. */
    private static final long MAGIC = 0x01021994L;

    private final LongSupplier clock;
    private final long capacity;
    /** The guest's memory, charged for every page held (null: uncharged, in VFS unit tests). */
    private final MemoryAccountant memory;
    private long usedPages;
    private long nextIno = 1;
    private final TmpfsDirectory root;

    /**
     * @param dev the device number its files report
     * @param clock the kernel's realtime clock in nanoseconds, for timestamps
     * @param capacity the most bytes of file data it holds
     * @param rootMode the root directory's permission bits (01777 for /tmp)
     * @param memory the guest's memory accountant, or null
     */
    public TmpfsFilesystem(long dev, LongSupplier clock, long capacity, int rootMode, MemoryAccountant memory) {
        super("tmpfs", dev);
        this.clock = clock;
        this.capacity = capacity;
        this.memory = memory;
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

    /**
     * Opens a new memfd on this (the kernel's internal) tmpfs mounted as {@code mount}: an
     * O_RDWR file named "memfd:NAME" that no directory holds (memfd_create's shmem_file_setup).
     */
    public dev.emu.kernel.vfs.Result<dev.emu.kernel.fs.File> openMemfd(dev.emu.kernel.task.Task task,
            dev.emu.kernel.vfs.Mount mount, String name, boolean sealing) {
        TmpfsRegular f = TmpfsRegular.memfd(this, sealing);
        dev.emu.kernel.vfs.Dentry d = new dev.emu.kernel.vfs.Dentry(mount, f, mount.rootDentry(), "memfd:" + name);
        return f.open(task, d, 2 | 0100000); // O_RDWR | O_LARGEFILE
    }

    long now() {
        return clock.getAsLong();
    }

    long allocIno() {
        return nextIno++;
    }

    /**
     * Takes {@code pages} pages of the capacity and charges them (they live on the Java heap):
     * 0, or -ENOSPC when the filesystem is full, -ENOMEM when the guest's memory is.
     */
    /** The most bytes of file data it holds (also the size of a mapped file's shared pages). */
    long capacity() {
        return capacity;
    }

    long reserve(long pages) {
        if ((usedPages + pages) * TmpfsData.PAGE > capacity) {
            return Errno.ENOSPC.ret();
        }
        if (memory != null && pages > 0 && !memory.tryChargeHeap(pages * TmpfsData.PAGE)) {
            return Errno.ENOMEM.ret(); // shmem_get_folio: the memcg charge failed
        }
        usedPages += pages;
        return 0;
    }

    void unreserve(long pages) {
        usedPages -= pages;
        if (memory != null && pages > 0) {
            memory.unchargeHeap(pages * TmpfsData.PAGE);
        }
    }

    static long enospc() {
        return Errno.ENOSPC.ret();
    }
}
