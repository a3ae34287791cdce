package dev.emu.kernel.vfs.procfs;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Attributes;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Filesystem;
import dev.emu.kernel.vfs.Inode;
import dev.emu.kernel.vfs.Mount;
import dev.emu.kernel.vfs.Result;

/**
 * Where /proc/PID/fd/N leads for a file outside the tree (the console, a pipe, a bpf object):
 * an inode that stands for that open file, so opening the link gives the same file (as opening
 * /proc/self/fd/1 reaches the same pipe on Linux) and stat reports its fields.
 */
final class OpenFileInode extends Inode {
    private static final Filesystem ANON = new Filesystem("anon_inodefs", 0) {
        @Override
        public Inode root() {
            return null;
        }

        @Override
        protected long magic() {
            return 0x09041934L; // ANON_INODE_FS_MAGIC
        }
    };

    private final File file;

    private OpenFileInode(File file) {
        super(ANON);
        this.file = file;
    }

    /** A dentry, outside every mount, for an open file that has no name in the tree. */
    static Dentry dentryOf(File file) {
        OpenFileInode inode = new OpenFileInode(file);
        Mount anon = new Mount(ANON, inode, null, "anon_inode", false, 0);
        return new Dentry(anon, inode, null, file.describe());
    }

    @Override
    public long dev() {
        return file.stat().dev();
    }

    @Override
    public Attributes attributes() {
        FileStat s = file.stat();
        return new Attributes(s.ino(), s.mode(), s.nlink(), s.uid(), s.gid(), s.rdev(), s.size(), s.blocks(),
                s.atimeNanos(), s.mtimeNanos(), s.ctimeNanos());
    }

    @Override
    public Result<File> open(Task task, Dentry dentry, int flags) {
        return Result.ok(file.retain());
    }
}
