package dev.emu.kernel.vfs.tmpfs;

import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.vfs.Result;

/** A tmpfs symlink: its target text, resolved by the VFS when followed. */
final class TmpfsSymlink extends TmpfsNode {
    private final String target;

    TmpfsSymlink(TmpfsFilesystem fs, String target) {
        super(fs, FileStat.S_IFLNK | 0777);
        this.target = target;
    }

    @Override
    long size() {
        return target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    @Override
    public Result<String> readlink(dev.emu.kernel.task.Task task) {
        return Result.ok(target);
    }
}
