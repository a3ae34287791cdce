package dev.emu.kernel.vfs.kernfs;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Result;
import java.util.function.Supplier;

/**
 * A read-only binary file of fixed contents whose size stat reports (sysfs's bin_attribute, as
 * /sys/kernel/btf/vmlinux): readers such as libbpf seek to the end to learn how much to read.
 * The contents are asked for the first time the file is looked at.
 */
public final class KernBlobFile extends KernNode {
    private final Supplier<byte[]> contents;
    private byte[] bytes;

    public KernBlobFile(KernFilesystem fs, int perm, Supplier<byte[]> contents) {
        super(fs, FileStat.S_IFREG | perm);
        this.contents = contents;
    }

    private byte[] bytes() {
        if (bytes == null) {
            bytes = contents.get();
        }
        return bytes;
    }

    @Override
    protected long size() {
        return bytes().length;
    }

    @Override
    public Result<File> open(Task task, Dentry dentry, int flags) {
        return Result.ok(new SnapshotFile(dentry, flags, bytes()));
    }
}
