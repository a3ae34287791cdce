package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Scheduling and I/O priorities (kernel/sys.c getpriority/setpriority, block/ioprio.c). The nice
 * value is recorded per process and reported back; the scheduler is round-robin and does not
 * weigh it. Every process leads its own process group and runs as root, so PRIO_PGRP names one
 * process and PRIO_USER 0 all of them.
 */
final class SysPriority {
    private SysPriority() {}

    static final int PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
    static final int IOPRIO_WHO_PROCESS = 1, IOPRIO_WHO_PGRP = 2, IOPRIO_WHO_USER = 3;

    /** The processes {@code which}/{@code who} name, or null for EINVAL (an unknown which). */
    private static List<GuestProcess> targets(Task t, int which, int who, boolean ioprio) {
        int process = ioprio ? IOPRIO_WHO_PROCESS : PRIO_PROCESS;
        int group = ioprio ? IOPRIO_WHO_PGRP : PRIO_PGRP;
        int user = ioprio ? IOPRIO_WHO_USER : PRIO_USER;
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

    /** Getpriority implements Linux syscall getpriority(2): 20 - nice of the highest-priority target. */
    static long getpriority(Task t, long which, long who, long a2, long a3, long a4, long a5) {
        List<GuestProcess> ps = targets(t, (int) which, (int) who, false);
        if (ps == null) {
            return Errno.EINVAL.ret();
        }
        if (ps.isEmpty()) {
            return Errno.ESRCH.ret();
        }
        return ps.stream().mapToInt(p -> 20 - p.nice()).max().orElseThrow();
    }

    /** Setpriority implements Linux syscall setpriority(2): niceval clamped to -20..19 (root may lower it). */
    static long setpriority(Task t, long which, long who, long niceval, long a3, long a4, long a5) {
        List<GuestProcess> ps = targets(t, (int) which, (int) who, false);
        if (ps == null) {
            return Errno.EINVAL.ret();
        }
        if (ps.isEmpty()) {
            return Errno.ESRCH.ret();
        }
        int nice = (int) Math.max(-20, Math.min(19, (int) niceval));
        ps.forEach(p -> p.setNice(nice));
        return 0;
    }

    /**
     * Ioprio_get implements Linux syscall ioprio_get(2): every process has the default I/O
     * priority, IOPRIO_CLASS_NONE (0), which ioprio_set cannot change here (ENOSYS).
     */
    static long ioprioGet(Task t, long which, long who, long a2, long a3, long a4, long a5) {
        List<GuestProcess> ps = targets(t, (int) which, (int) who, true);
        if (ps == null) {
            return Errno.EINVAL.ret();
        }
        return ps.isEmpty() ? Errno.ESRCH.ret() : 0;
    }
}
