package dev.emu.kernel.vfs.tmpfs;

/**
 * A FIFO made by mknod: stat and rename work; opening it fails with ENXIO until named pipes are
 * connected to the pipe implementation (the Inode default).
 */
final class TmpfsSpecial extends TmpfsNode {
    TmpfsSpecial(TmpfsFilesystem fs, int mode) {
        super(fs, mode);
    }

    @Override
    long size() {
        return 0;
    }
}
