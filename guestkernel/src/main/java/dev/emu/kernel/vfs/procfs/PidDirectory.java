package dev.emu.kernel.vfs.procfs;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.mm.Vma;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.vfs.Inode;
import dev.emu.kernel.vfs.VfsFile;
import dev.emu.kernel.vfs.kernfs.KernDir;
import dev.emu.kernel.vfs.kernfs.KernSymlink;
import java.util.ArrayList;
import java.util.List;

/**
 * /proc/PID (fs/proc/base.c): status, stat, cmdline, comm, environ, maps, mounts, and the magic
 * links exe, cwd, root and fd/N. Inode numbers derive from the pid, so they are stable.
 */
final class PidDirectory extends KernDir {
    private final GuestProcess process;

    PidDirectory(ProcFilesystem fs, GuestProcess p) {
        super(fs, inoBase(p.pid()), 0555);
        this.process = p;
        long ino = inoBase(p.pid());
        add("cmdline", fs.file(ino + 1, t -> nulJoined(process.argv())));
        add("environ", fs.file(ino + 2, t -> nulJoined(process.envp())));
        add("comm", fs.file(ino + 3, t -> leader().comm() + "\n"));
        add("stat", fs.file(ino + 4, t -> ProcText.stat(fs.kernel(), process, leader())));
        add("status", fs.file(ino + 5, t -> ProcText.status(process, leader())));
        add("maps", fs.file(ino + 6, t -> maps()));
        add("mounts", fs.file(ino + 7, t -> ProcText.mounts(fs.mountTable())));
        add("mountinfo", fs.file(ino + 8, t -> ProcText.mountinfo(fs.mountTable())));
        add("statm", fs.file(ino + 9, t -> ProcText.statm(process)));
        add("exe", new KernSymlink(fs, ino + 10, t -> process.exe() != null ? process.exe().path() : process.exePath(),
                t -> process.exe()));
        add("cwd", new KernSymlink(fs, ino + 11, t -> process.fs() == null ? null : process.fs().cwd().path(),
                t -> process.fs() == null ? null : process.fs().cwd()));
        add("root", new KernSymlink(fs, ino + 12, t -> process.fs() == null ? null : process.fs().root().path(),
                t -> process.fs() == null ? null : process.fs().root()));
        add("fd", new FdDirectory(fs, ino + 13));
    }

    static long inoBase(int pid) {
        return 0x1000_0000L + pid * 64L;
    }

    /** The thread-group leader, or any live thread once the leader is gone. */
    private Task leader() {
        List<Task> threads = process.threads();
        return threads.isEmpty() ? null : threads.getFirst();
    }

    private static String nulJoined(List<String> strings) {
        StringBuilder sb = new StringBuilder();
        for (String s : strings) {
            sb.append(s).append('\0');
        }
        return sb.toString();
    }

    /** /proc/PID/maps (show_map_vma): address range, permissions, offset, device, inode, name. */
    private String maps() {
        if (process.zombie()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Vma v : process.mm().vmas()) {
            String line = String.format("%08x-%08x %c%c%c%c %08x 00:00 %d", v.start(), v.end(),
                    (v.prot() & 1) != 0 ? 'r' : '-', (v.prot() & 2) != 0 ? 'w' : '-',
                    (v.prot() & 4) != 0 ? 'x' : '-', 'p', 0, 0);
            sb.append(line);
            if (!v.name().isEmpty()) {
                sb.append(" ".repeat(Math.max(1, 73 - line.length()))).append(v.name());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** /proc/PID/fd: one magic link per open fd, named by the fd. */
    private final class FdDirectory extends KernDir {
        private final ProcFilesystem proc;

        FdDirectory(ProcFilesystem fs, long ino) {
            super(fs, ino, 0500);
            this.proc = fs;
        }

        @Override
        protected List<String> dynamicNames() {
            List<String> names = new ArrayList<>();
            for (int fd = 0; fd < process.fds().capacity(); fd++) {
                if (process.fds().get(fd) != null) {
                    names.add(Integer.toString(fd));
                }
            }
            return names;
        }

        @Override
        protected Inode dynamicLookup(String name) {
            int fd;
            try {
                fd = Integer.parseInt(name);
            } catch (NumberFormatException e) {
                return null;
            }
            if (!name.equals(Integer.toString(fd)) || process.zombie()) {
                return null;
            }
            File f = process.fds().get(fd);
            if (f == null) {
                return null;
            }
            return new KernSymlink(proc, 0x2000_0000L + process.pid() * 4096L + fd, t -> f.describe(),
                    t -> f instanceof VfsFile v ? v.dentry() : OpenFileInode.dentryOf(f));
        }
    }

    /** The state letter of /proc/PID/stat and status. */
    static char state(GuestProcess p, Task leader) {
        if (p.zombie()) {
            return 'Z';
        }
        if (leader != null && leader.state() == TaskState.STOPPED) {
            return 'T';
        }
        return leader != null && leader.state() == TaskState.BLOCKED ? 'S' : 'R';
    }
}
