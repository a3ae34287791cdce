package dev.emu.kernel.vfs.procfs;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.mm.Vma;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.vfs.Inode;
import dev.emu.kernel.vfs.VfsFile;
import dev.emu.kernel.loader.AuxEntry;
import dev.emu.kernel.vfs.kernfs.KernDir;
import dev.emu.kernel.vfs.kernfs.KernFile;
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
        add("fdinfo", new FdInfoDirectory(fs, ino + 14));
        add("auxv", KernFile.binary(fs, ino + 15, 0400, t -> auxv()));
        add("task", new TaskDirectory(fs, ino + 16));
        // No audit login session: (uid_t)-1, as for processes not started by a login (getlogin: ENXIO).
        add("loginuid", fs.file(ino + 17, t -> "4294967295"));
        add("sessionid", fs.file(ino + 18, t -> "4294967295"));
    }

    /** /proc/PID/auxv (proc_pid_auxv): mm->saved_auxv as Elf64_auxv_t pairs, AT_NULL last. */
    private byte[] auxv() {
        if (process.zombie()) {
            return new byte[0];
        }
        List<AuxEntry> aux = process.mm().savedAuxv();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(aux.size() * 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (AuxEntry e : aux) {
            b.putLong(e.type()).putLong(e.value());
        }
        return b.array();
    }

    /** The fds open now, in order (the names of fd/ and fdinfo/). */
    private List<String> openFds() {
        List<String> names = new ArrayList<>();
        for (int fd = 0; fd < process.fds().capacity(); fd++) {
            if (process.fds().get(fd) != null) {
                names.add(Integer.toString(fd));
            }
        }
        return names;
    }

    /** The open file at fd {@code name} ("3"), or null. */
    private File openFile(String name) {
        int fd;
        try {
            fd = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return null;
        }
        if (!name.equals(Integer.toString(fd)) || process.zombie()) {
            return null;
        }
        return process.fds().get(fd);
    }

    /**
     * /proc/PID/fdinfo: per open fd, its position, flags (O_CLOEXEC from the fd), mount id and
     * inode number (seq_show in fs/proc/fd.c). Files outside the guest's tree (pipes, the
     * console, bpf objects) report mount id 0.
     */
    private final class FdInfoDirectory extends KernDir {
        private final ProcFilesystem proc;

        FdInfoDirectory(ProcFilesystem fs, long ino) {
            super(fs, ino, 0500);
            this.proc = fs;
        }

        @Override
        protected List<String> dynamicNames() {
            return openFds();
        }

        @Override
        protected Inode dynamicLookup(String name) {
            File f = openFile(name);
            if (f == null) {
                return null;
            }
            int fd = Integer.parseInt(name);
            return proc.file(0x2800_0000L + process.pid() * 4096L + fd, t -> {
                long pos = f instanceof VfsFile v ? v.offset() : 0;
                int flags = f.statusFlags() | (process.fds().closeOnExec(fd) ? O_CLOEXEC : 0);
                int mnt = f instanceof VfsFile v ? v.dentry().mount().id() : 0;
                return String.format("pos:\t%d\nflags:\t0%o\nmnt_id:\t%d\nino:\t%d\n", pos, flags, mnt, f.stat().ino());
            });
        }
    }

    /** /proc/PID/task: one directory per thread, named by its tid (proc_task_lookup). */
    private final class TaskDirectory extends KernDir {
        private final ProcFilesystem proc;

        TaskDirectory(ProcFilesystem fs, long ino) {
            super(fs, ino, 0555);
            this.proc = fs;
        }

        @Override
        protected List<String> dynamicNames() {
            List<String> names = new ArrayList<>();
            for (Task t : process.threads()) {
                names.add(Integer.toString(t.tid()));
            }
            return names;
        }

        @Override
        protected Inode dynamicLookup(String name) {
            for (Task thread : process.threads()) {
                if (Integer.toString(thread.tid()).equals(name)) {
                    return threadDirectory(thread);
                }
            }
            return null;
        }

        /** /proc/PID/task/TID: the thread's own comm, stat and status; the process's other files. */
        private KernDir threadDirectory(Task thread) {
            long ino = 0x3000_0000L + thread.tid() * 16L;
            KernDir d = new KernDir(proc, ino, 0555);
            d.add("comm", proc.file(ino + 1, t -> thread.comm() + "\n"));
            d.add("stat", proc.file(ino + 2, t -> ProcText.stat(proc.kernel(), process, thread)));
            d.add("status", proc.file(ino + 3, t -> ProcText.status(process, thread)));
            d.add("cmdline", proc.file(ino + 4, t -> nulJoined(process.argv())));
            d.add("environ", proc.file(ino + 5, t -> nulJoined(process.envp())));
            d.add("maps", proc.file(ino + 6, t -> maps()));
            return d;
        }
    }

    static final int O_CLOEXEC = 02000000;

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
                    (v.prot() & 4) != 0 ? 'x' : '-', v.shared() != null ? 's' : 'p', 0, 0);
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
            return openFds();
        }

        @Override
        protected Inode dynamicLookup(String name) {
            File f = openFile(name);
            if (f == null) {
                return null;
            }
            int fd = Integer.parseInt(name);
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
