package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.task.Credentials;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;

/**
 * User and group ids, supplementary groups and capabilities (kernel/sys.c, kernel/groups.c,
 * kernel/capability.c). The guest starts as root; every change is recorded in the process's
 * {@link Credentials} and read back by the get* calls and /proc/PID/status.
 */
final class SysCred {
    private SysCred() {}

    /** (uid_t) -1: "unchanged" in setre*id/setres*id, invalid elsewhere. */
    static final long NONE = 0xffff_ffffL;
    static final int NGROUPS_MAX = 65536;

    private static Credentials creds(Task t) {
        return t.process().creds();
    }

    /** Getuid implements Linux syscall getuid(2). */
    static long getuid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return creds(t).uid & NONE;
    }

    /** Geteuid implements Linux syscall geteuid(2). */
    static long geteuid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return creds(t).euid & NONE;
    }

    /** Getgid implements Linux syscall getgid(2). */
    static long getgid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return creds(t).gid & NONE;
    }

    /** Getegid implements Linux syscall getegid(2). */
    static long getegid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return creds(t).egid & NONE;
    }

    /** Setuid implements Linux syscall setuid(2) (__sys_setuid): with CAP_SETUID all four ids, else the effective one to the real or saved id. */
    static long setuid(Task t, long uid, long a1, long a2, long a3, long a4, long a5) {
        if (uid == NONE) {
            return Errno.EINVAL.ret();
        }
        Credentials c = creds(t);
        int u = (int) uid;
        int ou = c.uid, oe = c.euid, os = c.suid;
        if (c.capable(Credentials.CAP_SETUID)) {
            c.uid = c.suid = u;
        } else if (u != c.uid && u != c.suid) {
            return Errno.EPERM.ret();
        }
        c.euid = c.fsuid = u;
        c.afterUidChange(ou, oe, os);
        return 0;
    }

    /** Setreuid implements Linux syscall setreuid(2) (__sys_setreuid). */
    static long setreuid(Task t, long ruid, long euid, long a2, long a3, long a4, long a5) {
        Credentials c = creds(t);
        boolean cap = c.capable(Credentials.CAP_SETUID);
        int ou = c.uid, oe = c.euid, os = c.suid;
        int nr = c.uid, ne = c.euid;
        if (ruid != NONE) {
            nr = (int) ruid;
            if (!cap && nr != c.uid && nr != c.euid) {
                return Errno.EPERM.ret();
            }
        }
        if (euid != NONE) {
            ne = (int) euid;
            if (!cap && ne != c.uid && ne != c.euid && ne != c.suid) {
                return Errno.EPERM.ret();
            }
        }
        if (ruid != NONE || (euid != NONE && ne != ou)) {
            c.suid = ne;
        }
        c.uid = nr;
        c.euid = c.fsuid = ne;
        c.afterUidChange(ou, oe, os);
        return 0;
    }

    /** Setresuid implements Linux syscall setresuid(2): without CAP_SETUID each id must be one of the current three. */
    static long setresuid(Task t, long ruid, long euid, long suid, long a3, long a4, long a5) {
        Credentials c = creds(t);
        int[] old = {c.uid, c.euid, c.suid};
        if (!c.capable(Credentials.CAP_SETUID) && (!oneOf(ruid, old) || !oneOf(euid, old) || !oneOf(suid, old))) {
            return Errno.EPERM.ret();
        }
        if (ruid != NONE) {
            c.uid = (int) ruid;
        }
        if (euid != NONE) {
            c.euid = (int) euid;
        }
        if (suid != NONE) {
            c.suid = (int) suid;
        }
        c.fsuid = c.euid;
        c.afterUidChange(old[0], old[1], old[2]);
        return 0;
    }

    private static boolean oneOf(long id, int[] ids) {
        return id == NONE || (int) id == ids[0] || (int) id == ids[1] || (int) id == ids[2];
    }

    /** Getresuid implements Linux syscall getresuid(2). */
    static long getresuid(Task t, long r, long e, long s, long a3, long a4, long a5) {
        Credentials c = creds(t);
        t.memory().writeInt(r, c.uid);
        t.memory().writeInt(e, c.euid);
        t.memory().writeInt(s, c.suid);
        return 0;
    }

    /** Setgid implements Linux syscall setgid(2). */
    static long setgid(Task t, long gid, long a1, long a2, long a3, long a4, long a5) {
        if (gid == NONE) {
            return Errno.EINVAL.ret();
        }
        Credentials c = creds(t);
        int g = (int) gid;
        if (c.capable(Credentials.CAP_SETGID)) {
            c.gid = c.sgid = g;
        } else if (g != c.gid && g != c.sgid) {
            return Errno.EPERM.ret();
        }
        c.egid = c.fsgid = g;
        return 0;
    }

    /** Setregid implements Linux syscall setregid(2). */
    static long setregid(Task t, long rgid, long egid, long a2, long a3, long a4, long a5) {
        Credentials c = creds(t);
        boolean cap = c.capable(Credentials.CAP_SETGID);
        int og = c.gid;
        int nr = c.gid, ne = c.egid;
        if (rgid != NONE) {
            nr = (int) rgid;
            if (!cap && nr != c.gid && nr != c.egid) {
                return Errno.EPERM.ret();
            }
        }
        if (egid != NONE) {
            ne = (int) egid;
            if (!cap && ne != c.gid && ne != c.egid && ne != c.sgid) {
                return Errno.EPERM.ret();
            }
        }
        if (rgid != NONE || (egid != NONE && ne != og)) {
            c.sgid = ne;
        }
        c.gid = nr;
        c.egid = c.fsgid = ne;
        return 0;
    }

    /** Setresgid implements Linux syscall setresgid(2). */
    static long setresgid(Task t, long rgid, long egid, long sgid, long a3, long a4, long a5) {
        Credentials c = creds(t);
        int[] old = {c.gid, c.egid, c.sgid};
        if (!c.capable(Credentials.CAP_SETGID) && (!oneOf(rgid, old) || !oneOf(egid, old) || !oneOf(sgid, old))) {
            return Errno.EPERM.ret();
        }
        if (rgid != NONE) {
            c.gid = (int) rgid;
        }
        if (egid != NONE) {
            c.egid = (int) egid;
        }
        if (sgid != NONE) {
            c.sgid = (int) sgid;
        }
        c.fsgid = c.egid;
        return 0;
    }

    /** Getresgid implements Linux syscall getresgid(2). */
    static long getresgid(Task t, long r, long e, long s, long a3, long a4, long a5) {
        Credentials c = creds(t);
        t.memory().writeInt(r, c.gid);
        t.memory().writeInt(e, c.egid);
        t.memory().writeInt(s, c.sgid);
        return 0;
    }

    /** Setfsuid implements Linux syscall setfsuid(2): returns the old fsuid whether or not it changed. */
    static long setfsuid(Task t, long uid, long a1, long a2, long a3, long a4, long a5) {
        Credentials c = creds(t);
        int old = c.fsuid;
        int u = (int) uid;
        if (uid != NONE && (c.capable(Credentials.CAP_SETUID) || u == c.uid || u == c.euid || u == c.suid || u == c.fsuid)) {
            c.fsuid = u;
        }
        return old & NONE;
    }

    /** Setfsgid implements Linux syscall setfsgid(2). */
    static long setfsgid(Task t, long gid, long a1, long a2, long a3, long a4, long a5) {
        Credentials c = creds(t);
        int old = c.fsgid;
        int g = (int) gid;
        if (gid != NONE && (c.capable(Credentials.CAP_SETGID) || g == c.gid || g == c.egid || g == c.sgid || g == c.fsgid)) {
            c.fsgid = g;
        }
        return old & NONE;
    }

    /** Getgroups implements Linux syscall getgroups(2): size 0 asks for the count; a smaller buffer is EINVAL. */
    static long getgroups(Task t, long size, long list, long a2, long a3, long a4, long a5) {
        int[] g = creds(t).groups;
        if (size < 0) {
            return Errno.EINVAL.ret();
        }
        if (size == 0) {
            return g.length;
        }
        if (size < g.length) {
            return Errno.EINVAL.ret();
        }
        for (int i = 0; i < g.length; i++) {
            t.memory().writeInt(list + 4L * i, g[i]);
        }
        return g.length;
    }

    /** Setgroups implements Linux syscall setgroups(2): needs CAP_SETGID; at most NGROUPS_MAX; kept sorted as groups_sort does. */
    static long setgroups(Task t, long size, long list, long a2, long a3, long a4, long a5) {
        if (size < 0 || size > NGROUPS_MAX) {
            return Errno.EINVAL.ret();
        }
        if (!creds(t).capable(Credentials.CAP_SETGID)) {
            return Errno.EPERM.ret();
        }
        int[] g = new int[(int) size];
        for (int i = 0; i < g.length; i++) {
            g[i] = t.memory().readInt(list + 4L * i);
        }
        java.util.Arrays.sort(g); // groups_sort orders them as unsigned gid_t; ids below 2^31 sort alike
        creds(t).groups = g;
        return 0;
    }

    static final int CAP_V1 = 0x19980330, CAP_V2 = 0x20071026, CAP_V3 = 0x20080522;

    /** The number of u32 words per set for a header version; 0 for an unknown one (cap_validate_magic writes V3 back). */
    private static int capWords(Task t, long header) {
        int version = t.memory().readInt(header);
        return switch (version) {
            case CAP_V1 -> 1;
            case CAP_V2, CAP_V3 -> 2;
            default -> {
                t.memory().writeInt(header, CAP_V3);
                yield 0;
            }
        };
    }

    /** Capget implements Linux syscall capget(2): the effective, permitted and inheritable sets of a process. */
    static long capget(Task t, long header, long data, long a2, long a3, long a4, long a5) {
        int words = capWords(t, header);
        if (words == 0) {
            return data == 0 ? 0 : Errno.EINVAL.ret(); // a NULL dataptr probes for the version
        }
        int pid = t.memory().readInt(header + 4);
        if (pid < 0) {
            return Errno.EINVAL.ret();
        }
        GuestProcess p = pid == 0 ? t.process() : t.kernel().process(pid);
        if (p == null) {
            return Errno.ESRCH.ret();
        }
        if (data == 0) {
            return 0;
        }
        Credentials c = p.creds();
        AddressSpace m = t.memory();
        for (int i = 0; i < words; i++) {
            m.writeInt(data + 12L * i, (int) (c.effective >>> (32 * i)));
            m.writeInt(data + 12L * i + 4, (int) (c.permitted >>> (32 * i)));
            m.writeInt(data + 12L * i + 8, (int) (c.inheritable >>> (32 * i)));
        }
        return 0;
    }

    /**
     * Capset implements Linux syscall capset(2) for the caller (cap_capset): the permitted set
     * may only shrink, the effective set must lie within the new permitted set, and the
     * inheritable set within the old inheritable and permitted sets (no CAP_SETPCAP bounding here).
     */
    static long capset(Task t, long header, long data, long a2, long a3, long a4, long a5) {
        int words = capWords(t, header);
        if (words == 0) {
            return Errno.EINVAL.ret();
        }
        int pid = t.memory().readInt(header + 4);
        if (pid != 0 && pid != t.process().pid()) {
            return Errno.EPERM.ret();
        }
        long eff = 0, perm = 0, inh = 0;
        for (int i = 0; i < words; i++) {
            eff |= (t.memory().readInt(data + 12L * i) & NONE) << (32 * i);
            perm |= (t.memory().readInt(data + 12L * i + 4) & NONE) << (32 * i);
            inh |= (t.memory().readInt(data + 12L * i + 8) & NONE) << (32 * i);
        }
        if (words == 1) { // a V1 caller leaves the upper words as they were
            Credentials c = creds(t);
            eff |= c.effective & ~NONE;
            perm |= c.permitted & ~NONE;
            inh |= c.inheritable & ~NONE;
        }
        Credentials c = creds(t);
        if ((perm & ~c.permitted) != 0 || (eff & ~perm) != 0 || (inh & ~(c.inheritable | c.permitted)) != 0) {
            return Errno.EPERM.ret();
        }
        c.effective = eff;
        c.permitted = perm;
        c.inheritable = inh;
        return 0;
    }
}
