package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * I/O priorities (block/ioprio.c): every process has the default class. (Nice values are
 * SysResource's getpriority/setpriority.) IOPRIO_WHO_PGRP names the process itself and
 * IOPRIO_WHO_USER 0 every process.
 */
final class SysPriority {
    private SysPriority() {}

    static final int IOPRIO_WHO_PROCESS = 1, IOPRIO_WHO_PGRP = 2, IOPRIO_WHO_USER = 3;

    /** The processes {@code which}/{@code who} name, or null for EINVAL (an unknown which). */
    private static List<GuestProcess> targets(Task t, int which, int who) {
        int process = IOPRIO_WHO_PROCESS;
        int group = IOPRIO_WHO_PGRP;
        int user = IOPRIO_WHO_USER;
        List<GuestProcess> out = new ArrayList<>();
        if (which == process || which == group) {
            if (who == 0) {
                out.add(t.process());
            } else {
                for (GuestProcess p : t.kernel().processes()) {
                    if (p.pid() == who && !p.zombie()) {
                        out.add(p);
                    }
                }
            }
        } else if (which == user) {
            if (who == 0) {
                t.kernel().processes().stream().filter(p -> !p.zombie()).forEach(out::add);
            }
        } else {
            return null;
        }
        return out;
    }

    /**
     * Ioprio_get implements Linux syscall ioprio_get(2): every process has the default I/O
     * priority, IOPRIO_CLASS_NONE (0), which ioprio_set cannot change here (ENOSYS).
     */
    static long ioprioGet(Task t, long which, long who, long a2, long a3, long a4, long a5) {
        List<GuestProcess> ps = targets(t, (int) which, (int) who);
        if (ps == null) {
            return Errno.EINVAL.ret();
        }
        return ps.isEmpty() ? Errno.ESRCH.ret() : 0;
    }
}
