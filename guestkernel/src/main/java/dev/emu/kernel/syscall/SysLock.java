package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.locks.FileLock;
import dev.emu.kernel.locks.FileLocks;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Advisory locks (fs/locks.c): flock(2) and fcntl's F_GETLK/F_SETLK(W) and OFD commands. */
final class SysLock {
    private SysLock() {}

    static final int F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7;
    static final int F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
    static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    static final int O_PATH = 010000000;
    /** sizeof(struct flock) on x86_64: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid. */
    static final int FLOCK_SIZE = 32;

    static boolean isLockCommand(int cmd) {
        return cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW
                || cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    }

    /** Flock implements Linux syscall flock(2) (fs/locks.c SYSCALL_DEFINE2(flock)). */
    static long flock(Task t, long fd, long cmd, long a2, long a3, long a4, long a5) {
        File f = t.process().fds().get(fd);
        if (f == null || (f.statusFlags() & O_PATH) != 0) {
            return Errno.EBADF.ret();
        }
        int op = (int) cmd & ~LOCK_NB;
        int type = switch (op) {
            case LOCK_SH -> FileLock.F_RDLCK;
            case LOCK_EX -> FileLock.F_WRLCK;
            case LOCK_UN -> FileLock.F_UNLCK;
            default -> -1;
        };
        if (type < 0) {
            return Errno.EINVAL.ret();
        }
        return t.kernel().fileLocks().flock(t, f, type, ((int) cmd & LOCK_NB) == 0);
    }

    /**
     * The lock commands of fcntl(2) (fcntl_getlk, fcntl_setlk): {@code arg} points to a struct
     * flock whose range is made absolute from l_whence (flock_to_posix_lock). A process's lock
     * is owned by its fd table, an OFD lock by the open file description.
     */
    static long fcntl(Task t, File f, int cmd, long arg) {
        if ((f.statusFlags() & O_PATH) != 0) {
            return Errno.EBADF.ret();
        }
        ByteBuffer fl = ByteBuffer.wrap(t.memory().read(arg, FLOCK_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        int type = fl.getShort(0);
        int whence = fl.getShort(2);
        long start = fl.getLong(8);
        long len = fl.getLong(16);
        int pid = fl.getInt(24);
        boolean ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
        boolean get = cmd == F_GETLK || cmd == F_OFD_GETLK;
        if (ofd && pid != 0) {
            return Errno.EINVAL.ret();
        }
        if (type != FileLock.F_RDLCK && type != FileLock.F_WRLCK && (get || type != FileLock.F_UNLCK)) {
            return Errno.EINVAL.ret();
        }
        long base = switch (whence) {
            case 0 -> 0;
            case 1 -> f.seek(0, 1);
            case 2 -> f.stat().size();
            default -> Long.MIN_VALUE;
        };
        if (base == Long.MIN_VALUE) {
            return Errno.EINVAL.ret();
        }
        if (base < 0) {
            base = 0; // a file without a position (a pipe) counts from 0
        }
        long s;
        long e;
        try {
            s = Math.addExact(base, start);
            if (len > 0) {
                e = Math.addExact(s, len - 1);
            } else if (len < 0) {
                e = s - 1;
                s = Math.addExact(s, len);
            } else {
                e = FileLock.TO_EOF;
            }
        } catch (ArithmeticException overflow) {
            return Errno.EOVERFLOW.ret();
        }
        if (s < 0) {
            return Errno.EINVAL.ret();
        }
        Object owner = ofd ? f : t.process().fds();
        FileLock request = new FileLock(owner, ofd ? -1 : t.process().pid(), type, s, e);
        FileLocks locks = t.kernel().fileLocks();
        if (get) {
            FileLock c = locks.test(f, request);
            if (c == null) {
                fl.putShort(0, (short) FileLock.F_UNLCK);
            } else {
                fl.putShort(0, (short) c.type()).putShort(2, (short) 0).putLong(8, c.start())
                        .putLong(16, c.end() == FileLock.TO_EOF ? 0 : c.end() - c.start() + 1)
                        .putInt(24, c.pid());
            }
            t.memory().write(arg, fl.array());
            return 0;
        }
        int acc = f.statusFlags() & 3;
        if (type == FileLock.F_RDLCK && acc == 1 || type == FileLock.F_WRLCK && acc == 0) {
            return Errno.EBADF.ret(); // a read lock needs FMODE_READ, a write lock FMODE_WRITE
        }
        return locks.setRecord(t, f, request, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
    }
}
