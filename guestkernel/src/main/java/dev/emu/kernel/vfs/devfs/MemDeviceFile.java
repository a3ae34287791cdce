package dev.emu.kernel.vfs.devfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.VfsFile;
import java.util.SplittableRandom;

/**
 * An open memory device (drivers/char/mem.c and random.c): /dev/null reads EOF and swallows
 * writes, /dev/zero reads zeros, /dev/full reads zeros and fails writes with ENOSPC, and
 * /dev/random and /dev/urandom read the kernel's seeded generator, so the bytes are the same on
 * every run with the same --seed. Seeking any of them succeeds and does nothing, as on Linux.
 */
final class MemDeviceFile extends VfsFile {
    enum Kind { NULL, ZERO, FULL, RANDOM }

    private final Kind kind;
    private final SplittableRandom random;

    MemDeviceFile(Dentry dentry, int flags, Kind kind, SplittableRandom random) {
        super(dentry, flags);
        this.kind = kind;
        this.random = random;
    }

    /** null_fops and zero_fops have no poll (EPERM in epoll); the random devices do (random_fops). */
    @Override
    public boolean pollable() {
        return kind == Kind.RANDOM;
    }

    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        switch (kind) {
            case NULL -> {
                return 0;
            }
            case RANDOM -> {
                byte[] b = new byte[len];
                random.nextBytes(b);
                System.arraycopy(b, 0, dst, off, len);
                return len;
            }
            default -> {
                java.util.Arrays.fill(dst, off, off + len, (byte) 0);
                return len;
            }
        }
    }

    @Override
    public long write(Task task, byte[] src, int off, int len) {
        return kind == Kind.FULL ? Errno.ENOSPC.ret() : len;
    }

    @Override
    public long pread(Task task, byte[] dst, int off, int len, long position) {
        return read(task, dst, off, len);
    }

    @Override
    public long pwrite(Task task, byte[] src, int off, int len, long position) {
        return write(task, src, off, len);
    }

    @Override
    public long seek(long off, int whence) {
        offset = 0;
        return 0;
    }

    /** null, zero, full and urandom answer every read at once. */
    @Override
    public boolean readNeverBlocks() {
        return true;
    }
}
