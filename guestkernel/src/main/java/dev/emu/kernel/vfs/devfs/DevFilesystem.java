package dev.emu.kernel.vfs.devfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.kernfs.KernDevice;
import dev.emu.kernel.vfs.kernfs.KernDir;
import dev.emu.kernel.vfs.kernfs.KernFilesystem;
import dev.emu.kernel.vfs.kernfs.KernSymlink;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * /dev (devtmpfs as udev leaves it): the memory devices with Linux's numbers (1:3 null, 1:5 zero,
 * 1:7 full, 1:8 random, 1:9 urandom), 5:0 tty, the stdin/stdout/stderr and fd links into
 * /proc/self/fd, and empty shm/ and pts/ directories (tmpfs is mounted on /dev/shm).
 */
public final class DevFilesystem extends KernFilesystem {
    /** TMPFS_MAGIC: devtmpfs reports tmpfs's. */
    private static final long MAGIC = 0x01021994L;

    /**
     * @param random the kernel's seeded generator (random, urandom)
     * @param tty opens the controlling terminal, or null when the guest has none (ENXIO)
     */
    public DevFilesystem(long dev, long bootNanos, SplittableRandom random, Supplier<File> tty) {
        super("devtmpfs", dev, MAGIC, bootNanos);
        KernDir root = new KernDir(this, 0755);
        setRoot(root);
        root.add("null", mem(1, 3, MemDeviceFile.Kind.NULL, random));
        root.add("zero", mem(1, 5, MemDeviceFile.Kind.ZERO, random));
        root.add("full", mem(1, 7, MemDeviceFile.Kind.FULL, random));
        root.add("random", mem(1, 8, MemDeviceFile.Kind.RANDOM, random));
        root.add("urandom", mem(1, 9, MemDeviceFile.Kind.RANDOM, random));
        root.add("tty", new KernDevice(this, 0666, 5, 0, (task, d, flags) -> {
            File f = tty == null ? null : tty.get();
            return f == null ? Result.err(Errno.ENXIO) : Result.ok(f);
        }));
        root.add("fd", KernSymlink.to(this, "/proc/self/fd"));
        root.add("stdin", KernSymlink.to(this, "/proc/self/fd/0"));
        root.add("stdout", KernSymlink.to(this, "/proc/self/fd/1"));
        root.add("stderr", KernSymlink.to(this, "/proc/self/fd/2"));
        root.add("shm", new KernDir(this, 01777));
        root.add("pts", new KernDir(this, 0755));
    }

    private KernDevice mem(int major, int minor, MemDeviceFile.Kind kind, SplittableRandom random) {
        return new KernDevice(this, 0666, major, minor, (task, d, flags) -> Result.ok(new MemDeviceFile(d, flags, kind, random)));
    }
}
