package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.task.Task;

/** File-descriptor syscalls: close, dup*, fcntl, ioctl, fstat. */
final class SysFd {
    private SysFd() {}

    static final int AT_FDCWD = -100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int O_CLOEXEC = 02000000;
    static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4,
            F_DUPFD_CLOEXEC = 1030;
    static final int FD_CLOEXEC = 1;
    /** Status flags F_SETFL may change (fs/fcntl.c SETFL_MASK, the ones we model). */
    static final int SETFL_MASK = 02000 | 04000 | 040000 | 0400000 | 01000000;

    /** Close implements Linux syscall close(2). */
    static long close(Task t, long fd, long a1, long a2, long a3, long a4, long a5) {
        return t.process().fds().close(fd);
    }

    /** Dup implements Linux syscall dup(2). */
    static long dup(Task t, long fd, long a1, long a2, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        int n = t.process().fds().install(f.retain());
        if (n < 0) {
            f.release();
        }
        return n;
    }

    /** Dup2 implements Linux syscall dup2(2). */
    static long dup2(Task t, long oldfd, long newfd, long a2, long a3, long a4, long a5) {
        File f = t.process().fds().get(oldfd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if (oldfd == newfd) {
            return newfd;
        }
        return dup3(t, oldfd, newfd, 0, 0, 0, 0);
    }

    /** Dup3 implements Linux syscall dup3(2). */
    static long dup3(Task t, long oldfd, long newfd, long flags, long a3, long a4, long a5) {
        if ((flags & ~O_CLOEXEC) != 0 || oldfd == newfd) {
            return Errno.EINVAL.ret();
        }
        File f = t.process().fds().get(oldfd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if (newfd < 0 || newfd >= t.process().fds().maxFds()) {
            return Errno.EBADF.ret();
        }
        t.process().fds().put((int) newfd, f.retain(), (flags & O_CLOEXEC) != 0);
        return newfd;
    }

    /** Fcntl implements Linux syscall fcntl(2): fd flags, status flags, F_DUPFD and record locks ({@link SysLock}). */
    static long fcntl(Task t, long fd, long cmd, long arg, long a3, long a4, long a5) {
        FdTable fds = t.process().fds();
        File f = fds.get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        switch ((int) cmd) {
            case F_DUPFD, F_DUPFD_CLOEXEC -> {
                int from = (int) arg; // do_fcntl passes (int) arg to f_dupfd's unsigned int
                if (Integer.compareUnsigned(from, fds.maxFds()) >= 0) {
                    return Errno.EINVAL.ret();
                }
                int n = fds.install(f.retain(), from, cmd == F_DUPFD_CLOEXEC);
                if (n < 0) {
                    f.release();
                }
                return n;
            }
            case F_GETFD -> {
                return fds.closeOnExec((int) fd) ? FD_CLOEXEC : 0;
            }
            case F_SETFD -> {
                fds.setCloseOnExec((int) fd, (arg & FD_CLOEXEC) != 0);
                return 0;
            }
            case F_GETFL -> {
                return f.statusFlags();
            }
            case F_SETFL -> {
                f.setStatusFlags((f.statusFlags() & ~SETFL_MASK) | ((int) arg & SETFL_MASK));
                return 0;
            }
            case SysPipe.F_SETPIPE_SZ, SysPipe.F_GETPIPE_SZ -> {
                return SysPipe.fcntl(f, cmd, arg);
            }
            default -> {
                if (SysLock.isLockCommand((int) cmd)) {
                    return SysLock.fcntl(t, f, (int) cmd, arg);
                }
                if (SysMemfd.isSealCommand((int) cmd)) {
                    return SysMemfd.fcntl(f, (int) cmd, arg);
                }
                t.kernel().log().once("fcntl:" + cmd, "fcntl command " + cmd + " not supported: -EINVAL");
                return Errno.EINVAL.ret();
            }
        }
    }

    /** Ioctl implements Linux syscall ioctl(2); the file type decides. */
    static long ioctl(Task t, long fd, long request, long arg, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        // do_vfs_ioctl (fs/ioctl.c): the requests every file answers, before its own ioctl.
        switch ((int) request) {
            case FIOCLEX, FIONCLEX -> {
                t.process().fds().setCloseOnExec((int) fd, request == FIOCLEX);
                return 0;
            }
            case FIONBIO -> {
                int on = t.memory().readInt(arg); // a bad pointer is EFAULT (get_user)
                f.setStatusFlags(on != 0 ? f.statusFlags() | O_NONBLOCK : f.statusFlags() & ~O_NONBLOCK);
                return 0;
            }
            default -> {
                return f.ioctl(t, (int) request, arg);
            }
        }
    }

    /** The generic ioctl requests of asm-generic/ioctls.h. */
    static final int FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451;
    private static final int O_NONBLOCK = 04000;

    /** Fstat implements Linux syscall fstat(2). */
    static long fstat(Task t, long fd, long statbuf, long a2, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        t.memory().write(statbuf, f.stat().toStructStat(t.kernel().clock().realtimeNanos()));
        return 0;
    }
}
