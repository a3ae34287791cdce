package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Result;

/**
 * Extended attributes (fs/xattr.c). emu's filesystems have none and host attributes are not
 * passed through, so after the name resolves every call answers EOPNOTSUPP, what Linux returns
 * for a filesystem without xattr handlers; ls and cp take that as "no ACLs, no labels".
 */
final class SysXattr {
    private SysXattr() {}

    private static long byPath(Task t, long pathAddr, boolean follow) {
        Result<String> p = PathArgs.path(t, pathAddr);
        if (p.failed()) {
            return p.ret();
        }
        Result<Dentry> d = PathArgs.resolve(t, PathArgs.AT_FDCWD, p.value(), follow, false);
        return d.failed() ? d.ret() : Errno.EOPNOTSUPP.ret();
    }

    private static long byFd(Task t, long fd) {
        return t.process().fds().get((int) fd) == null ? Errno.EBADF.ret() : Errno.EOPNOTSUPP.ret();
    }

    /** Getxattr implements Linux syscall getxattr(2) (and setxattr, listxattr, removexattr): EOPNOTSUPP. */
    static long getxattr(Task t, long path, long a1, long a2, long a3, long a4, long a5) {
        return byPath(t, path, true);
    }

    /** Lgetxattr implements Linux syscall lgetxattr(2) (and the other l*xattr calls): EOPNOTSUPP. */
    static long lgetxattr(Task t, long path, long a1, long a2, long a3, long a4, long a5) {
        return byPath(t, path, false);
    }

    /** Fgetxattr implements Linux syscall fgetxattr(2) (and the other f*xattr calls): EOPNOTSUPP. */
    static long fgetxattr(Task t, long fd, long a1, long a2, long a3, long a4, long a5) {
        return byFd(t, fd);
    }
}
