package dev.emu.kernel.vfs.bpffs;

import dev.emu.kernel.vfs.Filesystem;
import dev.emu.kernel.vfs.Inode;
import java.util.function.LongSupplier;

/**
 * The BPF filesystem (kernel/bpf/inode.c), mounted at /sys/fs/bpf: directories made with mkdir,
 * and files that are pinned BPF objects (BPF_OBJ_PIN makes them, BPF_OBJ_GET opens a new fd on
 * the object). A pinned object lives as long as a name for it does (or an fd); unlink, rename,
 * link and rmdir work as on any filesystem. Nothing else can be created here: regular files,
 * FIFOs and device nodes are refused as bpf_dir_iops has no create or mknod.
 */
public final class BpfFilesystem extends Filesystem {
    /** BPF_FS_MAGIC. */
    public static final long MAGIC = 0xcafe4a11L;

    private final LongSupplier clock;
    private long nextIno = 1;
    private final BpfFsDirectory root;

    /**
     * @param dev the device number its inodes report
     * @param clock the kernel's realtime clock in nanoseconds, for timestamps
     */
    public BpfFilesystem(long dev, LongSupplier clock) {
        super("bpf", dev);
        this.clock = clock;
        this.root = new BpfFsDirectory(this, 01777); // bpf_fill_super: S_ISVTX | 0777
    }

    @Override
    public Inode root() {
        return root;
    }

    @Override
    protected long magic() {
        return MAGIC;
    }

    long now() {
        return clock.getAsLong();
    }

    long allocIno() {
        return nextIno++;
    }
}
