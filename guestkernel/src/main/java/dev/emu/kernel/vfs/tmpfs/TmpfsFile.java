package dev.emu.kernel.vfs.tmpfs;

import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.RegularFile;

/** An open tmpfs regular file; its inode's seals are memfd's (F_ADD_SEALS, F_GET_SEALS). */
final class TmpfsFile extends RegularFile implements Seals {
    private final TmpfsRegular inode;

    TmpfsFile(Dentry dentry, int flags, TmpfsRegular inode) {
        super(dentry, flags);
        this.inode = inode;
    }

    @Override
    protected long readAt(byte[] dst, int off, int len, long pos) {
        long n = inode.data.read(dst, off, len, pos);
        if (n >= 0) {
            inode.atime = inode.tmpfs.now();
        }
        return n;
    }

    @Override
    protected long writeAt(byte[] src, int off, int len, long pos) {
        if (len > 0 && ((inode.seals & (Seals.F_SEAL_WRITE | Seals.F_SEAL_FUTURE_WRITE)) != 0
                || (inode.seals & Seals.F_SEAL_GROW) != 0 && pos + len > inode.data.size())) {
            return dev.emu.abi.Errno.EPERM.ret(); // shmem_write_begin / shmem_file_write_iter
        }
        long n = inode.data.write(src, off, len, pos);
        if (n > 0) {
            inode.modified();
        }
        return n;
    }

    @Override
    public int seals() {
        return inode.seals;
    }

    /** shmem_mmap: the inode's data moves into shared pages that every mapping shares (TmpfsData). */
    @Override
    public dev.emu.kernel.vfs.Result<dev.emu.kernel.platform.SharedPages> sharedPages(
            dev.emu.kernel.platform.Platform platform, long offset, long length) {
        return inode.data.mapShared(platform, inode.tmpfs.capacity(), offset, length);
    }

    /** memfd_add_seals (mm/memfd.c): F_SEAL_WRITE is EBUSY while a writable shared mapping exists. */
    @Override
    public long addSeals(int add) {
        if ((add & ~F_ALL_SEALS) != 0) {
            return dev.emu.abi.Errno.EINVAL.ret();
        }
        if (!writable() || (inode.seals & F_SEAL_SEAL) != 0) {
            return dev.emu.abi.Errno.EPERM.ret();
        }
        if ((add & F_SEAL_WRITE) != 0 && (inode.seals & F_SEAL_WRITE) == 0 && inode.data.shared() != null
                && inode.data.shared().writableMappings() > 0) {
            return dev.emu.abi.Errno.EBUSY.ret(); // mapping_deny_writable
        }
        inode.seals |= add;
        return 0;
    }

    @Override
    protected void onRelease() {
        inode.closed();
    }
}
