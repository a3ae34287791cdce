package dev.emu.kernel.vfs.tmpfs;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Result;

/**
 * A tmpfs regular file. Its data outlives its last name while a file description has it open
 * and is freed when both are gone (Linux's iput after the last fput of an unlinked inode).
 */
final class TmpfsRegular extends TmpfsNode {
    final TmpfsData data;
    private int opened;
    /** An O_TMPFILE file linkat may name (I_LINKABLE). */
    boolean linkable;
    /** F_SEAL_* (memfd's seals; a tmpfs file starts with F_SEAL_SEAL: no sealing). */
    int seals = Seals.F_SEAL_SEAL;

    TmpfsRegular(TmpfsFilesystem fs, int mode) {
        super(fs, mode);
        this.data = new TmpfsData(fs);
    }

    @Override
    long size() {
        return data.size();
    }

    @Override
    long blocks() {
        return data.pageCount() * (TmpfsData.PAGE / 512);
    }

    @Override
    public Result<File> open(Task task, Dentry dentry, int flags) {
        opened++;
        return Result.ok(new TmpfsFile(dentry, flags, this));
    }

    @Override
    public boolean linkable() {
        return linkable;
    }

    @Override
    public void markLinked() {
        linkable = false;
    }

    /** An unnamed memfd file of {@code fs} (memfd_create): mode 0777, sealable if asked. */
    static TmpfsRegular memfd(TmpfsFilesystem fs, boolean sealing) {
        TmpfsRegular f = new TmpfsRegular(fs, dev.emu.kernel.fs.FileStat.S_IFREG | 0777);
        f.nlink = 0;
        f.seals = sealing ? 0 : Seals.F_SEAL_SEAL;
        return f;
    }

    @Override
    public long truncate(long size) {
        if (size < data.size() && (seals & Seals.F_SEAL_SHRINK) != 0
                || size > data.size() && (seals & Seals.F_SEAL_GROW) != 0) {
            return dev.emu.abi.Errno.EPERM.ret();
        }
        if (size > data.size() && tmpfs.reserve(0) < 0) {
            return TmpfsFilesystem.enospc();
        }
        data.truncate(size);
        modified();
        return 0;
    }

    void closed() {
        opened--;
        releaseIfUnused();
    }

    void releaseIfUnused() {
        if (nlink == 0 && opened == 0) {
            data.free();
        }
    }
}
