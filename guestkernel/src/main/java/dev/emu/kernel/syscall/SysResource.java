package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.task.Credentials;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Resource usage, system information, priorities and scheduling parameters (kernel/sys.c
 * getrusage/times/sysinfo/getpriority, kernel/sched/syscalls.c). CPU times are emu's virtual
 * CPU time (executed blocks, see Kernel#cpuTime), all of it user time; emu has one CPU and one
 * scheduling class, so policies and priorities are recorded and reported, not acted on.
 */
final class SysResource {
    private SysResource() {}

    static final int RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
    static final int USER_HZ = 100;

    /**
     * Writes a struct rusage: ru_utime, ru_stime (timevals), then 14 longs of which emu fills
     * ru_maxrss (kB) and leaves the fault, I/O and context-switch counts 0.
     */
    static void writeRusage(AddressSpace m, long addr, long userNanos, long maxRssKb) {
        byte[] b = new byte[144];
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.putLong(0, userNanos / 1_000_000_000L).putLong(8, userNanos % 1_000_000_000L / 1000);
        bb.putLong(32, maxRssKb);
        m.write(addr, b);
    }

    /** Getrusage implements Linux syscall getrusage(2): RUSAGE_SELF, RUSAGE_CHILDREN (reaped ones) and RUSAGE_THREAD. */
    static long getrusage(Task t, long who, long usage, long a2, long a3, long a4, long a5) {
        Kernel k = t.kernel();
        GuestProcess p = t.process();
        long cpu;
        long rss;
        switch ((int) who) {
            case RUSAGE_SELF -> {
                cpu = k.processCpuTime(p);
                rss = p.mm().charged() >> 10;
            }
            case RUSAGE_CHILDREN -> {
                cpu = p.childrenCpu();
                rss = 0;
            }
            case RUSAGE_THREAD -> {
                cpu = k.cpuTime(t);
                rss = p.mm().charged() >> 10;
            }
            default -> {
                return Errno.EINVAL.ret();
            }
        }
        writeRusage(t.memory(), usage, cpu, rss);
        return 0;
    }

    /** Times implements Linux syscall times(2): clock ticks (USER_HZ) of the process and its reaped children; returns ticks since boot. */
    static long times(Task t, long buf, long a1, long a2, long a3, long a4, long a5) {
        Kernel k = t.kernel();
        long tick = 1_000_000_000L / USER_HZ;
        if (buf != 0) {
            AddressSpace m = t.memory();
            m.writeLong(buf, k.processCpuTime(t.process()) / tick);
            m.writeLong(buf + 8, 0);
            m.writeLong(buf + 16, t.process().childrenCpu() / tick);
            m.writeLong(buf + 24, 0);
        }
        return k.clock().nanos() / tick;
    }

    /**
     * Sysinfo implements Linux syscall sysinfo(2): uptime from the kernel clock and memory as
     * /proc/meminfo reports it (mem_unit 1), so the two agree.
     */
    static long sysinfo(Task t, long info, long a1, long a2, long a3, long a4, long a5) {
        Kernel k = t.kernel();
        long[] mem = dev.emu.kernel.vfs.procfs.SystemMemory.totalAndFreeKb(k);
        long procs = k.processes().stream().filter(p -> !p.zombie()).mapToLong(p -> p.threads().size()).sum();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(112).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long ns = k.clock().nanos();
        b.putLong(0, ns / 1_000_000_000L + (ns % 1_000_000_000L != 0 ? 1 : 0)); // do_sysinfo rounds up
        b.putLong(32, mem[0] * 1024).putLong(40, mem[1] * 1024);
        b.putShort(80, (short) Math.min(procs, 0xffff));
        b.putInt(104, 1);
        t.memory().write(info, b.array());
        return 0;
    }

    static final int PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;

    /** The processes {@code which}/{@code who} name (getpriority/setpriority), or null for a bad {@code which}. */
    private static List<GuestProcess> targets(Task t, long which, long who) {
        List<GuestProcess> out = new ArrayList<>();
        for (GuestProcess p : t.kernel().processes()) {
            if (p.zombie()) {
                continue;
            }
            boolean match = switch ((int) which) {
                case PRIO_PROCESS -> who == 0 ? p == t.process() : p.pid() == who || p.threads().stream().anyMatch(x -> x.tid() == who);
                case PRIO_PGRP -> p.pgid() == (who == 0 ? t.process().pgid() : who);
                case PRIO_USER -> p.creds().uid == (who == 0 ? t.process().creds().euid : (int) who);
                default -> false;
            };
            if (match) {
                out.add(p);
            }
        }
        return which < PRIO_PROCESS || which > PRIO_USER ? null : out;
    }

    /** Getpriority implements Linux syscall getpriority(2): the best (lowest) nice among the targets, as 20 - nice. */
    static long getpriority(Task t, long which, long who, long a2, long a3, long a4, long a5) {
        List<GuestProcess> ps = targets(t, which, who);
        if (ps == null) {
            return Errno.EINVAL.ret();
        }
        if (ps.isEmpty()) {
            return Errno.ESRCH.ret();
        }
        int best = ps.stream().mapToInt(GuestProcess::nice).min().orElse(0);
        return 20 - best;
    }

    /** Setpriority implements Linux syscall setpriority(2): nice clamped to -20..19; lowering it needs CAP_SYS_NICE. */
    static long setpriority(Task t, long which, long who, long niceval, long a3, long a4, long a5) {
        List<GuestProcess> ps = targets(t, which, who);
        if (ps == null) {
            return Errno.EINVAL.ret();
        }
        if (ps.isEmpty()) {
            return Errno.ESRCH.ret();
        }
        int nice = (int) Math.max(-20, Math.min(19, niceval));
        for (GuestProcess p : ps) {
            if (nice < p.nice() && !t.process().creds().capable(Credentials.CAP_SYS_NICE)) {
                return Errno.EACCES.ret();
            }
            p.setNice(nice);
        }
        return 0;
    }

    static final int SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5,
            SCHED_DEADLINE = 6, SCHED_RESET_ON_FORK = 0x40000000;

    private static GuestProcess schedTarget(Task t, long pid) {
        if (pid == 0) {
            return t.process();
        }
        Task target = t.kernel().task((int) pid);
        return target == null ? null : target.process();
    }

    /** Sched_setscheduler implements Linux syscall sched_setscheduler(2): FIFO and RR take 1..99, the others 0. */
    static long schedSetscheduler(Task t, long pid, long policy, long param, long a3, long a4, long a5) {
        if (param == 0 || pid < 0) {
            return Errno.EINVAL.ret();
        }
        int prio = t.memory().readInt(param);
        GuestProcess p = schedTarget(t, pid);
        if (p == null) {
            return Errno.ESRCH.ret();
        }
        int pol = (int) policy & ~SCHED_RESET_ON_FORK;
        return setScheduling(t, p, pol, prio);
    }

    private static long setScheduling(Task t, GuestProcess p, int pol, int prio) {
        boolean rt = pol == SCHED_FIFO || pol == SCHED_RR;
        if (!rt && pol != SCHED_OTHER && pol != SCHED_BATCH && pol != SCHED_IDLE) {
            return Errno.EINVAL.ret();
        }
        if (rt ? prio < 1 || prio > 99 : prio != 0) {
            return Errno.EINVAL.ret();
        }
        if (rt && !t.process().creds().capable(Credentials.CAP_SYS_NICE)) {
            return Errno.EPERM.ret();
        }
        p.setScheduling(pol, prio);
        return 0;
    }

    /** Sched_setparam implements Linux syscall sched_setparam(2): the priority under the current policy. */
    static long schedSetparam(Task t, long pid, long param, long a2, long a3, long a4, long a5) {
        if (param == 0 || pid < 0) {
            return Errno.EINVAL.ret();
        }
        int prio = t.memory().readInt(param);
        GuestProcess p = schedTarget(t, pid);
        if (p == null) {
            return Errno.ESRCH.ret();
        }
        return setScheduling(t, p, p.policy(), prio);
    }

    /** Sched_getscheduler implements Linux syscall sched_getscheduler(2). */
    static long schedGetscheduler(Task t, long pid, long a1, long a2, long a3, long a4, long a5) {
        if (pid < 0) {
            return Errno.EINVAL.ret();
        }
        GuestProcess p = schedTarget(t, pid);
        return p == null ? Errno.ESRCH.ret() : p.policy();
    }

    /** Sched_getparam implements Linux syscall sched_getparam(2). */
    static long schedGetparam(Task t, long pid, long param, long a2, long a3, long a4, long a5) {
        if (param == 0 || pid < 0) {
            return Errno.EINVAL.ret();
        }
        GuestProcess p = schedTarget(t, pid);
        if (p == null) {
            return Errno.ESRCH.ret();
        }
        t.memory().writeInt(param, p.rtPriority());
        return 0;
    }

    /** Sched_get_priority_max implements Linux syscall sched_get_priority_max(2). */
    static long schedGetPriorityMax(Task t, long policy, long a1, long a2, long a3, long a4, long a5) {
        return switch ((int) policy) {
            case SCHED_FIFO, SCHED_RR -> 99;
            case SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE -> 0;
            default -> Errno.EINVAL.ret();
        };
    }

    /** Sched_get_priority_min implements Linux syscall sched_get_priority_min(2). */
    static long schedGetPriorityMin(Task t, long policy, long a1, long a2, long a3, long a4, long a5) {
        return switch ((int) policy) {
            case SCHED_FIFO, SCHED_RR -> 1;
            case SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE -> 0;
            default -> Errno.EINVAL.ret();
        };
    }

    /** Sched_rr_get_interval implements Linux syscall sched_rr_get_interval(2): RR's 100 ms slice, FIFO 0, else the tick. */
    static long schedRrGetInterval(Task t, long pid, long interval, long a2, long a3, long a4, long a5) {
        if (pid < 0) {
            return Errno.EINVAL.ret();
        }
        GuestProcess p = schedTarget(t, pid);
        if (p == null) {
            return Errno.ESRCH.ret();
        }
        long ns = p.policy() == SCHED_RR ? 100_000_000L : p.policy() == SCHED_FIFO ? 0 : t.kernel().config().tickPeriodNanos();
        SysTime.writeTimespec(t, interval, ns);
        return 0;
    }

    /** Sched_setaffinity implements Linux syscall sched_setaffinity(2): one CPU, so the mask must contain CPU 0. */
    static long schedSetaffinity(Task t, long pid, long len, long mask, long a3, long a4, long a5) {
        if (pid < 0) {
            return Errno.EINVAL.ret();
        }
        if (schedTarget(t, pid) == null) {
            return Errno.ESRCH.ret();
        }
        if (len == 0) {
            return Errno.EINVAL.ret();
        }
        int first = t.memory().read(mask, 1)[0];
        return (first & 1) != 0 ? 0 : Errno.EINVAL.ret();
    }
}
