package dev.emu.kernel.vfs.kernfs;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Result;
import java.util.function.Function;

/**
 * A made-up file whose contents are generated when it is opened (seq_file's single_open): a
 * reader sees one consistent snapshot. Like proc's files it reports size 0.
 */
public class KernFile extends KernNode {
    private final Function<Task, byte[]> contents;

    public KernFile(KernFilesystem fs, int perm, Function<Task, String> contents) {
        super(fs, FileStat.S_IFREG | perm);
        this.contents = utf8(contents);
    }

    /** A file with a chosen inode number. */
    public KernFile(KernFilesystem fs, long ino, int perm, Function<Task, String> contents) {
        super(fs, FileStat.S_IFREG | perm, ino);
        this.contents = utf8(contents);
    }

    private KernFile(KernFilesystem fs, long ino, Function<Task, byte[]> bytes, int perm) {
        super(fs, FileStat.S_IFREG | perm, ino);
        this.contents = bytes;
    }

    /** A file of binary contents (/proc/PID/auxv) with a chosen inode number. */
    public static KernFile binary(KernFilesystem fs, long ino, int perm, Function<Task, byte[]> bytes) {
        return new KernFile(fs, ino, bytes, perm);
    }

    private static Function<Task, byte[]> utf8(Function<Task, String> text) {
        return t -> text.apply(t).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A file with fixed contents. */
    public static KernFile of(KernFilesystem fs, String text) {
        return new KernFile(fs, 0444, t -> text);
    }

    @Override
    public Result<File> open(Task task, Dentry dentry, int flags) {
        return Result.ok(new SnapshotFile(dentry, flags, contents.apply(task)));
    }
}
