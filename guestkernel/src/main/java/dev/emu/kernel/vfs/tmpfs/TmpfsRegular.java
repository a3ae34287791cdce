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
    public long truncate(long size) {
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
