package dev.emu.kernel.vfs.tmpfs;

import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.RegularFile;

/** An open tmpfs regular file. */
final class TmpfsFile extends RegularFile {
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
        long n = inode.data.write(src, off, len, pos);
        if (n > 0) {
            inode.modified();
        }
        return n;
    }

    @Override
    protected void onRelease() {
        inode.closed();
    }
}
