package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.limits.ResourceLimits;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;

/** Resource limits (kernel/sys.c: getrlimit, setrlimit, prlimit64, do_prlimit). */
final class SysRlimit {
    private SysRlimit() {}

    /**
     * Prlimit64 implements Linux syscall prlimit64(2): reads and/or sets a limit of the caller
     * or another process; the old value is written only when the call succeeds.
     */
    static long prlimit64(Task t, long pid, long resource, long newLimit, long oldLimit, long a4, long a5) {
        int res = (int) resource; // unsigned int
        if (Integer.compareUnsigned(res, ResourceLimits.RLIM_NLIMITS) >= 0) {
            return Errno.EINVAL.ret();
        }
        long soft = 0;
        long hard = 0;
        if (newLimit != 0) {
            soft = t.memory().readLong(newLimit);
            hard = t.memory().readLong(newLimit + 8);
        }
        int target = (int) pid; // pid_t
        GuestProcess p = target == 0 ? t.process() : t.kernel().process(target);
        if (p == null || p.zombie()) {
            return Errno.ESRCH.ret();
        }
        ResourceLimits limits = p.limits();
        long oldSoft = limits.soft(res);
        long oldHard = limits.hard(res);
        if (newLimit != 0) {
            long r = limits.set(res, soft, hard);
            if (r < 0) {
                return r;
            }
        }
        if (oldLimit != 0) {
            t.memory().writeLong(oldLimit, oldSoft);
            t.memory().writeLong(oldLimit + 8, oldHard);
        }
        return 0;
    }

    /** Getrlimit implements Linux syscall getrlimit(2). */
    static long getrlimit(Task t, long resource, long rlim, long a2, long a3, long a4, long a5) {
        return prlimit64(t, 0, resource, 0, rlim, 0, 0);
    }

    /** Setrlimit implements Linux syscall setrlimit(2). */
    static long setrlimit(Task t, long resource, long rlim, long a2, long a3, long a4, long a5) {
        if (rlim == 0) {
            return Errno.EFAULT.ret();
        }
        return prlimit64(t, 0, resource, rlim, 0, 0, 0);
    }
}
