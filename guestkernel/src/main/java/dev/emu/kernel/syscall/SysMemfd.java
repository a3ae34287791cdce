package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Mount;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.tmpfs.Seals;
import dev.emu.kernel.vfs.tmpfs.TmpfsFilesystem;

/** memfd_create(2) and the memfd seals of fcntl(2) (mm/memfd.c). */
final class SysMemfd {
    private SysMemfd() {}

    static final int MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4;
    static final int F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
    /** MFD_NAME_MAX_LEN: NAME_MAX minus the "memfd:" prefix. */
    static final int NAME_MAX_LEN = 255 - 6;

    /**
     * Memfd_create implements Linux syscall memfd_create(2): an anonymous tmpfs file, open
     * O_RDWR, named "memfd:NAME" in /proc/self/fd; sealable with MFD_ALLOW_SEALING, else sealed
     * against sealing (F_SEAL_SEAL). MFD_HUGETLB is EINVAL: emu has no huge pages.
     */
    static long memfdCreate(Task t, long nameAddr, long flags, long a2, long a3, long a4, long a5) {
        if ((flags & ~(long) (MFD_CLOEXEC | MFD_ALLOW_SEALING)) != 0) {
            return Errno.EINVAL.ret();
        }
        byte[] name = UserMemory.readCString(t.memory(), nameAddr, NAME_MAX_LEN + 1);
        if (name == null || name.length > NAME_MAX_LEN) {
            return Errno.EINVAL.ret();
        }
        Mount shm = PathArgs.vfs(t).shmMount();
        if (shm == null) {
            return Errno.ENOSYS.ret(); // a kernel booted without a filesystem (unit tests)
        }
        Result<File> file = ((TmpfsFilesystem) shm.fs()).openMemfd(t, shm,
                new String(name, java.nio.charset.StandardCharsets.UTF_8), (flags & MFD_ALLOW_SEALING) != 0);
        if (file.failed()) {
            return file.ret();
        }
        int fd = t.process().fds().install(file.value(), 0, (flags & MFD_CLOEXEC) != 0);
        if (fd < 0) {
            file.value().release();
        }
        return fd;
    }

    static boolean isSealCommand(int cmd) {
        return cmd == F_ADD_SEALS || cmd == F_GET_SEALS;
    }

    /** memfd_fcntl: F_ADD_SEALS and F_GET_SEALS on a tmpfs file, EINVAL on any other. */
    static long fcntl(File f, int cmd, long arg) {
        if (!(f instanceof Seals s)) {
            return Errno.EINVAL.ret();
        }
        return cmd == F_GET_SEALS ? s.seals() : s.addSeals((int) arg);
    }
}
