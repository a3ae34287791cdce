package dev.emu.kernel.vfs.kernfs;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Result;

/** A character device node: its number, and the driver that opens it (chrdev_open). */
public class KernDevice extends KernNode {
    /** A device driver's open: a new open file for the device, or an errno. */
    @FunctionalInterface
    public interface Driver {
        Result<File> open(Task task, Dentry dentry, int flags);
    }

    private final long rdev;
    private final Driver driver;

    public KernDevice(KernFilesystem fs, int perm, long major, long minor, Driver driver) {
        super(fs, FileStat.S_IFCHR | perm);
        this.rdev = FileStat.makedev(major, minor);
        this.driver = driver;
    }

    @Override
    protected long rdev() {
        return rdev;
    }

    @Override
    public Result<File> open(Task task, Dentry dentry, int flags) {
        return driver.open(task, dentry, flags);
    }
}
