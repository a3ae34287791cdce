package dev.emu.kernel.vfs.procfs;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.mm.Vma;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Mount;
import dev.emu.kernel.vfs.MountTable;

/** The text of the /proc files that several places print (formats of fs/proc/array.c and namespace.c). */
final class ProcText {
    private ProcText() {}

    /** USER_HZ: the unit of times in /proc. */
    static final long USER_HZ = 100;

    private static long vmBytes(GuestProcess p) {
        if (p.zombie()) {
            return 0;
        }
        long total = 0;
        for (Vma v : p.mm().vmas()) {
            total += v.end() - v.start();
        }
        return total;
    }

    /** /proc/PID/stat (do_task_stat): 52 fields. */
    static String stat(Kernel k, GuestProcess p, Task leader) {
        String comm = leader == null ? "" : leader.comm();
        int ppid = p.parent() == null ? 0 : p.parent().pid();
        long vsize = vmBytes(p);
        StringBuilder sb = new StringBuilder();
        sb.append(p.pid()).append(" (").append(comm).append(") ").append(PidDirectory.state(p, leader))
                .append(' ').append(ppid).append(' ').append(p.pid()).append(' ').append(p.pid())
                .append(" 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 ").append(Math.max(1, p.threads().size()))
                .append(" 0 0 ").append(vsize).append(' ').append(vsize / 4096)
                .append(" 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 ")
                .append(p.exitStatus() < 0 ? 0 : p.exitStatus()).append('\n');
        return sb.toString();
    }

    private static String ids(String name, int r, int e, int s, int f) {
        return name + ":\t" + Integer.toUnsignedString(r) + "\t" + Integer.toUnsignedString(e) + "\t"
                + Integer.toUnsignedString(s) + "\t" + Integer.toUnsignedString(f) + "\n";
    }

    /** Each supplementary group followed by a space, as task_state prints them. */
    private static String groups(int[] gs) {
        StringBuilder sb = new StringBuilder();
        for (int g : gs) {
            sb.append(Integer.toUnsignedString(g)).append(' ');
        }
        return sb.toString();
    }

    /** /proc/PID/status (proc_pid_status). */
    static String status(GuestProcess p, Task leader) {
        long kb = vmBytes(p) / 1024;
        int ppid = p.parent() == null ? 0 : p.parent().pid();
        char state = PidDirectory.state(p, leader);
        String stateName = switch (state) {
            case 'R' -> "R (running)";
            case 'S' -> "S (sleeping)";
            case 'T' -> "T (stopped)";
            default -> "Z (zombie)";
        };
        return "Name:\t" + (leader == null ? "" : leader.comm()) + "\n"
                + "Umask:\t" + String.format("%04o", p.fs() == null ? 022 : p.fs().umask()) + "\n"
                + "State:\t" + stateName + "\n"
                + "Tgid:\t" + p.pid() + "\nNgid:\t0\nPid:\t" + p.pid() + "\nPPid:\t" + ppid + "\nTracerPid:\t0\n"
                + ids("Uid", p.creds().uid, p.creds().euid, p.creds().suid, p.creds().fsuid)
                + ids("Gid", p.creds().gid, p.creds().egid, p.creds().sgid, p.creds().fsgid)
                + "FDSize:\t64\nGroups:\t" + groups(p.creds().groups) + "\n"
                + "VmPeak:\t" + String.format("%8d", kb) + " kB\nVmSize:\t" + String.format("%8d", kb) + " kB\n"
                + "VmRSS:\t" + String.format("%8d", kb) + " kB\n"
                + "Threads:\t" + Math.max(1, p.threads().size()) + "\n"
                + "SigQ:\t0/7823\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
                + "SigBlk:\t" + String.format("%016x", leader == null ? 0 : leader.signalMask()) + "\n"
                + "SigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n"
                + String.format("CapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\n", p.creds().inheritable,
                        p.creds().permitted, p.creds().effective)
                + String.format("CapBnd:\t%016x\nCapAmb:\t0000000000000000\n", dev.emu.kernel.task.Credentials.ROOT_CAPS)
                + "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
                + "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n";
    }

    /** /proc/PID/statm: sizes in pages. */
    static String statm(GuestProcess p) {
        long pages = vmBytes(p) / 4096;
        return pages + " " + pages + " 0 0 0 0 0\n";
    }

    private static String options(Mount m) {
        return m.readOnly() ? "ro" : "rw";
    }

    /** /proc/mounts (show_vfsmnt): source, mountpoint, type, options, 0 0. */
    static String mounts(MountTable table) {
        StringBuilder sb = new StringBuilder();
        for (Mount m : table.mounts()) {
            sb.append(escape(m.source())).append(' ').append(escape(m.path())).append(' ').append(m.fs().type())
                    .append(' ').append(options(m)).append(",relatime 0 0\n");
        }
        return sb.toString();
    }

    /** /proc/PID/mountinfo (show_mountinfo). */
    static String mountinfo(MountTable table) {
        StringBuilder sb = new StringBuilder();
        for (Mount m : table.mounts()) {
            int parent = m.mountpoint() == null ? m.id() : m.mountpoint().mount().id();
            long dev = m.fs().dev();
            sb.append(m.id()).append(' ').append(parent).append(' ').append(FileStat.major(dev)).append(':')
                    .append(FileStat.minor(dev)).append(" / ").append(escape(m.path())).append(' ').append(options(m))
                    .append(",relatime - ").append(m.fs().type()).append(' ').append(escape(m.source())).append(' ')
                    .append(options(m)).append('\n');
        }
        return sb.toString();
    }

    /** Octal escapes for space, tab, newline and backslash, as mangle() does. */
    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case ' ' -> sb.append("\\040");
                case '\t' -> sb.append("\\011");
                case '\n' -> sb.append("\\012");
                case '\\' -> sb.append("\\134");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
