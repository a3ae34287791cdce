package dev.emu.kernel.vfs.kernfs;

import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Result;
import java.util.function.Function;

/**
 * A made-up symlink. Its text may depend on the reader (/proc/self). A "magic" one (/proc/PID/exe,
 * cwd, fd/N) also says where following it leads, bypassing the text, as proc_get_link does.
 */
public class KernSymlink extends KernNode {
    private final Function<Task, String> target;
    private final Function<Task, Dentry> magic;

    /**
     * @param magic where following leads, or null to resolve the text
     */
    public KernSymlink(KernFilesystem fs, Function<Task, String> target, Function<Task, Dentry> magic) {
        super(fs, FileStat.S_IFLNK | 0777);
        this.target = target;
        this.magic = magic;
    }

    /** A symlink with a chosen inode number. */
    public KernSymlink(KernFilesystem fs, long ino, Function<Task, String> target, Function<Task, Dentry> magic) {
        super(fs, FileStat.S_IFLNK | 0777, ino);
        this.target = target;
        this.magic = magic;
    }

    public static KernSymlink to(KernFilesystem fs, String text) {
        return new KernSymlink(fs, t -> text, null);
    }

    @Override
    public Result<String> readlink(Task task) {
        String t = target.apply(task);
        return t == null ? Result.err(dev.emu.abi.Errno.ENOENT) : Result.ok(t);
    }

    @Override
    public Dentry magicLink(Task task) {
        return magic == null ? null : magic.apply(task);
    }
}
