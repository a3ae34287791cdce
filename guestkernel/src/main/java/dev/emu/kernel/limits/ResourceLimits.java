package dev.emu.kernel.limits;

import dev.emu.abi.Errno;

/**
 * A process's resource limits (Linux's signal_struct.rlim, kernel/sys.c do_prlimit): a soft and
 * a hard value per resource, inherited by fork and kept across execve.
 *
 * <p>The guest runs as uid 0 but without CAP_SYS_RESOURCE: the limits emu starts it with are
 * what the host grants, so a hard limit can be lowered and never raised again (EPERM), and
 * RLIMIT_NPROC applies to it as to any unprivileged user.
 */
public final class ResourceLimits {
    public static final int RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3,
            RLIMIT_CORE = 4, RLIMIT_RSS = 5, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8,
            RLIMIT_AS = 9, RLIMIT_LOCKS = 10, RLIMIT_SIGPENDING = 11, RLIMIT_MSGQUEUE = 12,
            RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15, RLIM_NLIMITS = 16;
    public static final long RLIM_INFINITY = -1L;
    /** fs.nr_open: the most RLIMIT_NOFILE may be. */
    public static final long NR_OPEN = 1 << 20;

    private final long[] soft = new long[RLIM_NLIMITS];
    private final long[] hard = new long[RLIM_NLIMITS];

    private ResourceLimits() {}

    /**
     * The limits of the first process: Linux's INIT_RLIMITS as a root shell sees them, with
     * RLIMIT_NPROC and RLIMIT_SIGPENDING at half of {@code maxThreads} as fork_init sets them.
     */
    public static ResourceLimits initial(int maxThreads) {
        ResourceLimits r = new ResourceLimits();
        java.util.Arrays.fill(r.soft, RLIM_INFINITY);
        java.util.Arrays.fill(r.hard, RLIM_INFINITY);
        r.put(RLIMIT_STACK, 8L << 20, RLIM_INFINITY);
        r.put(RLIMIT_CORE, 0, RLIM_INFINITY);
        r.put(RLIMIT_NPROC, maxThreads / 2, maxThreads / 2);
        r.put(RLIMIT_NOFILE, 1024, NR_OPEN);
        r.put(RLIMIT_MEMLOCK, 8L << 20, 8L << 20);
        r.put(RLIMIT_SIGPENDING, maxThreads / 2, maxThreads / 2);
        r.put(RLIMIT_MSGQUEUE, 819200, 819200);
        r.put(RLIMIT_NICE, 0, 0);
        r.put(RLIMIT_RTPRIO, 0, 0);
        return r;
    }

    private void put(int resource, long s, long h) {
        soft[resource] = s;
        hard[resource] = h;
    }

    /** A copy for fork. */
    public ResourceLimits copy() {
        ResourceLimits c = new ResourceLimits();
        System.arraycopy(soft, 0, c.soft, 0, RLIM_NLIMITS);
        System.arraycopy(hard, 0, c.hard, 0, RLIM_NLIMITS);
        return c;
    }

    /** The soft limit of {@code resource}, or {@link #RLIM_INFINITY}. */
    public long soft(int resource) {
        return soft[resource];
    }

    public long hard(int resource) {
        return hard[resource];
    }

    /** True when {@code value} exceeds the soft limit of {@code resource} (unsigned, as rlim_t). */
    public boolean exceeds(int resource, long value) {
        return Long.compareUnsigned(value, soft[resource]) > 0;
    }

    /**
     * Sets both limits (do_prlimit): 0 or -errno. EINVAL for an unknown resource or soft above
     * hard; EPERM to raise the hard limit, or RLIMIT_NOFILE above fs.nr_open.
     */
    public long set(int resource, long newSoft, long newHard) {
        if (resource < 0 || resource >= RLIM_NLIMITS || Long.compareUnsigned(newSoft, newHard) > 0) {
            return Errno.EINVAL.ret();
        }
        if (resource == RLIMIT_NOFILE && Long.compareUnsigned(newHard, NR_OPEN) > 0) {
            return Errno.EPERM.ret();
        }
        if (Long.compareUnsigned(newHard, hard[resource]) > 0) {
            return Errno.EPERM.ret(); // no CAP_SYS_RESOURCE, see the class comment
        }
        put(resource, newSoft, newHard);
        return 0;
    }
}
