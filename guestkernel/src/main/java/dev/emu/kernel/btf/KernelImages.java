package dev.emu.kernel.btf;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.mm.ExecLayout;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.task.Credentials;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Attributes;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Mount;
import dev.emu.kernel.vfs.VfsFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel memory holding images of the kernel objects the {@link KernelBtf} describes, at kernel
 * addresses: a task_struct per task, and what it points to (mm_struct, cred, files_struct,
 * fdtable and its fd array, file, dentry, inode, vfsmount, super_block, fs_struct, pid, the
 * init pid namespace and nsproxy). Each image is built from the Java object when a program
 * reads it; BPF runs only while the one guest CPU is stopped, so the bytes are exactly the
 * kernel's state at that moment. Pointers inside an image are the addresses of other images.
 *
 * <p>Layout: region {@code r} starts at {@link #BASE} + r·2^40; an object is {@code key} ·
 * its region's stride into it (a task by tid, a process's objects by pid, files, dentries and
 * mounts by an id given the first time a program reaches them, in that order, so addresses are
 * the same on every run). A read that is not inside one object fails (-EFAULT for
 * probe_read_kernel; 0 for a BTF pointer load), never a host exception.
 */
public final class KernelImages {
    /** Above the direct map's window of per-hit copies (KernelObjects), below the kernel text. */
    public static final long BASE = 0xffff_9000_0000_0000L;
    private static final int REGION_SHIFT = 40;
    private static final int TASK = 0, MM = 1, CRED = 2, FILES = 3, FDTABLE = 4, FDARRAY = 5, FILE = 6, DENTRY = 7,
            INODE = 8, MOUNT = 9, SUPER = 10, FS = 11, PID = 12, GLOBAL = 13, REGIONS = 14;
    private static final long STRIDE = 4096, FDARRAY_STRIDE = 1L << 20;
    /** GLOBAL keys. */
    private static final long INIT_PID_NS = 0, INIT_NSPROXY = 1;
    /** PROC_PID_INIT_INO: init_pid_ns's inode number (include/linux/proc_ns.h). */
    private static final int PROC_PID_INIT_INO = 0xEFFFFFFC;
    /** TASK_RUNNING, TASK_INTERRUPTIBLE, __TASK_STOPPED, TASK_DEAD; EXIT_DEAD, EXIT_ZOMBIE. */
    private static final int TASK_RUNNING = 0, TASK_INTERRUPTIBLE = 1, TASK_STOPPED = 4, TASK_DEAD = 0x80,
            EXIT_DEAD = 0x10, EXIT_ZOMBIE = 0x20;
    /** FMODE_READ, FMODE_WRITE; MNT_READONLY. */
    private static final int FMODE_READ = 1, FMODE_WRITE = 2, MNT_READONLY = 0x40;
    private static final int DNAME_INLINE_LEN = 40;

    private final Kernel kernel;
    private final KernelBtf btf;
    /** Files (a File, or the exe Dentry of an mm) by id; ids in the order programs reach them. */
    private final Interned files = new Interned(true);
    private final Interned dentries = new Interned(false);
    private final Map<Integer, Mount> mounts = new HashMap<>();

    public KernelImages(Kernel kernel, KernelBtf btf) {
        this.kernel = kernel;
        this.btf = btf;
    }

    /** The address of the task_struct image of {@code task}; null is the idle task (pid 0, swapper/0). */
    public long task(Task task) {
        return address(TASK, task == null ? 0 : task.tid(), STRIDE);
    }

    /** The address of an image of the file {@code f} (a {@link File} or an exec'd {@link Dentry}). */
    public long file(Object f) {
        return f == null ? 0 : address(FILE, files.id(f), STRIDE);
    }

    public long mm(GuestProcess p) {
        return address(MM, p.pid(), STRIDE);
    }

    private static long address(int region, long key, long stride) {
        return BASE + ((long) region << REGION_SHIFT) + key * stride;
    }

    /** Copies {@code len} bytes at kernel address {@code addr}; false unless they are all inside one object. */
    public boolean read(long addr, byte[] dst, int len) {
        long off = addr - BASE;
        if (off < 0 || len < 0 || (off >>> REGION_SHIFT) >= REGIONS) {
            return false;
        }
        int region = (int) (off >>> REGION_SHIFT);
        long in = off & ((1L << REGION_SHIFT) - 1);
        long stride = region == FDARRAY ? FDARRAY_STRIDE : STRIDE;
        long key = in / stride;
        long at = in % stride;
        if (key > Integer.MAX_VALUE) {
            return false;
        }
        byte[] image = image(region, (int) key);
        if (image == null || at + len > image.length) {
            return false;
        }
        System.arraycopy(image, (int) at, dst, 0, len);
        return true;
    }

    private byte[] image(int region, int key) {
        return switch (region) {
            case TASK -> key == 0 ? idleTask() : taskImage(kernel.task(key));
            case MM -> processImage(key, this::mmImage);
            case CRED -> processImage(key, this::credImage);
            case FILES -> processImage(key, this::filesImage);
            case FDTABLE -> processImage(key, this::fdtableImage);
            case FDARRAY -> processImage(key, this::fdArrayImage);
            case FS -> processImage(key, this::fsImage);
            case FILE -> fileImage(files.get(key));
            case DENTRY -> dentryImage(key, (Dentry) dentries.get(key));
            case INODE -> inodeImage((Dentry) dentries.get(key));
            case MOUNT -> mountImage(mounts.get(key));
            case SUPER -> superImage(mounts.get(key));
            case PID -> pidImage(key);
            case GLOBAL -> key == INIT_PID_NS ? pidNamespaceImage() : key == INIT_NSPROXY ? nsproxyImage() : null;
            default -> null;
        };
    }

    private byte[] processImage(int pid, java.util.function.Function<GuestProcess, byte[]> build) {
        GuestProcess p = kernel.process(pid);
        return p == null || p.reaped() ? null : build.apply(p);
    }

    private static ByteBuffer buffer(StructLayout l) {
        return ByteBuffer.allocate((int) l.size()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void comm(ByteBuffer b, int at, String comm) {
        byte[] c = comm.getBytes(StandardCharsets.UTF_8);
        b.put(at, c, 0, Math.min(15, c.length));
    }

    /** Linux's init_task: pid 0, "swapper/0", its own parent, no mm. */
    private byte[] idleTask() {
        StructLayout t = btf.task;
        ByteBuffer b = buffer(t);
        b.putInt(t.off("prio"), 120).putInt(t.off("static_prio"), 120).putInt(t.off("normal_prio"), 120);
        b.putInt(t.off("nr_cpus_allowed"), 1).putInt(t.off("flags"), KernelBtf.PF_KTHREAD);
        long self = task(null);
        b.putLong(t.off("real_parent"), self).putLong(t.off("parent"), self).putLong(t.off("group_leader"), self);
        b.putLong(t.off("thread_pid"), address(PID, 0, STRIDE));
        b.putLong(t.off("nsproxy"), address(GLOBAL, INIT_NSPROXY, STRIDE));
        comm(b, t.off("comm"), "swapper/0");
        return b.array();
    }

    private byte[] taskImage(Task task) {
        if (task == null || task.process().reaped()) {
            return null;
        }
        GuestProcess p = task.process();
        StructLayout t = btf.task;
        ByteBuffer b = buffer(t);
        boolean exited = task.state() == dev.emu.kernel.task.TaskState.EXITED;
        int state = switch (task.state()) {
            case RUNNABLE -> TASK_RUNNING;
            case BLOCKED -> TASK_INTERRUPTIBLE;
            case STOPPED -> TASK_STOPPED;
            case EXITED -> TASK_DEAD;
        };
        b.putInt(t.off("__state"), state);
        b.putInt(t.off("flags"), p.exiting() || exited ? KernelBtf.PF_EXITING : 0);
        b.putInt(t.off("on_cpu"), task == kernel.current() ? 1 : 0);
        b.putInt(t.off("on_rq"), task.runnable() ? 1 : 0);
        int prio = 120 + p.nice();
        b.putInt(t.off("prio"), prio).putInt(t.off("static_prio"), prio).putInt(t.off("normal_prio"), prio);
        b.putInt(t.off("rt_priority"), p.rtPriority()).putInt(t.off("policy"), p.policy());
        b.putInt(t.off("nr_cpus_allowed"), 1);
        long mm = mm(p);
        b.putLong(t.off("mm"), mm).putLong(t.off("active_mm"), mm);
        b.putInt(t.off("exit_state"), exited ? (p.zombie() ? EXIT_ZOMBIE : EXIT_DEAD) : 0);
        b.putInt(t.off("exit_code"), p.exiting() ? p.exitStatus() : 0);
        b.putInt(t.off("exit_signal"), task.tid() == p.pid() ? p.exitSignal() : -1);
        b.putInt(t.off("pid"), task.tid()).putInt(t.off("tgid"), p.pid());
        long parent = p.parent() == null ? task(null) : task(leader(p.parent()));
        b.putLong(t.off("real_parent"), parent).putLong(t.off("parent"), parent);
        b.putLong(t.off("group_leader"), task(leader(p)));
        b.putLong(t.off("thread_pid"), address(PID, task.tid(), STRIDE));
        b.putLong(t.off("utime"), task.cpuNanos());
        b.putLong(t.off("start_time"), task.startNanos()).putLong(t.off("start_boottime"), task.startNanos());
        long cred = address(CRED, p.pid(), STRIDE);
        b.putLong(t.off("real_cred"), cred).putLong(t.off("cred"), cred);
        comm(b, t.off("comm"), task.comm());
        b.putLong(t.off("fs"), address(FS, p.pid(), STRIDE));
        b.putLong(t.off("files"), address(FILES, p.pid(), STRIDE));
        b.putLong(t.off("nsproxy"), address(GLOBAL, INIT_NSPROXY, STRIDE));
        return b.array();
    }

    /** The process's thread group leader (the thread whose tid is its pid), or its first thread. */
    private Task leader(GuestProcess p) {
        Task t = kernel.task(p.pid());
        if (t != null && t.process() == p) {
            return t;
        }
        return p.threads().isEmpty() ? null : p.threads().getFirst();
    }

    private byte[] mmImage(GuestProcess p) {
        MemoryManager m = p.mm();
        StructLayout l = btf.mm;
        ByteBuffer b = buffer(l);
        ExecLayout e = m.execLayout();
        b.putLong(l.off("task_size"), dev.emu.kernel.mm.UserMemory.TASK_SIZE_MAX);
        b.putInt(l.off("map_count"), m.vmas().size());
        b.putInt(l.off("mm_users"), p.threads().size()).putInt(l.off("mm_count"), 1);
        b.putLong(l.off("total_vm"), m.totalVm() / MemoryManager.PAGE);
        b.putLong(l.off("start_code"), e.startCode()).putLong(l.off("end_code"), e.endCode());
        b.putLong(l.off("start_data"), e.startData()).putLong(l.off("end_data"), e.endData());
        b.putLong(l.off("start_brk"), m.brkStart()).putLong(l.off("brk"), m.currentBrk());
        b.putLong(l.off("start_stack"), e.startStack());
        b.putLong(l.off("arg_start"), e.argStart()).putLong(l.off("arg_end"), e.argEnd());
        b.putLong(l.off("env_start"), e.envStart()).putLong(l.off("env_end"), e.envEnd());
        b.putLong(l.off("exe_file"), p.exe() == null ? 0 : file(p.exe()));
        b.putLong(l.off("owner"), task(leader(p)));
        return b.array();
    }

    private byte[] credImage(GuestProcess p) {
        Credentials c = p.creds();
        StructLayout l = btf.cred;
        ByteBuffer b = buffer(l);
        b.putInt(l.off("uid"), c.uid).putInt(l.off("gid"), c.gid).putInt(l.off("suid"), c.suid)
                .putInt(l.off("sgid"), c.sgid).putInt(l.off("euid"), c.euid).putInt(l.off("egid"), c.egid)
                .putInt(l.off("fsuid"), c.fsuid).putInt(l.off("fsgid"), c.fsgid);
        b.putLong(l.off("cap_inheritable"), c.inheritable).putLong(l.off("cap_permitted"), c.permitted)
                .putLong(l.off("cap_effective"), c.effective);
        return b.array();
    }

    private byte[] filesImage(GuestProcess p) {
        ByteBuffer b = buffer(btf.files);
        b.putLong(btf.files.off("fdt"), address(FDTABLE, p.pid(), STRIDE));
        return b.array();
    }

    private byte[] fdtableImage(GuestProcess p) {
        StructLayout l = btf.fdtable;
        ByteBuffer b = buffer(l);
        b.putInt(l.off("max_fds"), fdCount(p.fds()));
        b.putLong(l.off("fd"), address(FDARRAY, p.pid(), FDARRAY_STRIDE));
        return b.array();
    }

    private static int fdCount(FdTable t) {
        return (int) Math.min(t.capacity(), FDARRAY_STRIDE / 8);
    }

    /** fdtable->fd: a struct file * per descriptor, NULL where none is open. */
    private byte[] fdArrayImage(GuestProcess p) {
        FdTable t = p.fds();
        int n = fdCount(t);
        ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int fd = 0; fd < n; fd++) {
            File f = t.get(fd);
            b.putLong(fd * 8, f == null ? 0 : file(f));
        }
        return b.array();
    }

    private byte[] fsImage(GuestProcess p) {
        StructLayout l = btf.fs;
        ByteBuffer b = buffer(l);
        dev.emu.kernel.vfs.FsContext fs = p.fs();
        if (fs != null) {
            b.putInt(l.off("umask"), fs.umask());
            path(b, l.off("root"), fs.root());
            path(b, l.off("pwd"), fs.cwd());
        }
        return b.array();
    }

    /** struct path at {@code at}: its vfsmount and dentry. */
    private void path(ByteBuffer b, int at, Dentry d) {
        if (d == null) {
            return;
        }
        b.putLong(at + btf.path.off("mnt"), mount(d.mount()));
        b.putLong(at + btf.path.off("dentry"), dentry(d));
    }

    private long mount(Mount m) {
        if (m == null) {
            return 0;
        }
        mounts.put(m.id(), m);
        return address(MOUNT, m.id(), STRIDE);
    }

    private long dentry(Dentry d) {
        return d == null ? 0 : address(DENTRY, dentries.id(d), STRIDE);
    }

    private byte[] fileImage(Object f) {
        if (f == null) {
            return null;
        }
        StructLayout l = btf.file;
        ByteBuffer b = buffer(l);
        Dentry d = f instanceof Dentry exe ? exe : f instanceof VfsFile v ? v.dentry() : null;
        path(b, l.off("f_path"), d);
        if (d != null) {
            b.putLong(l.off("f_inode"), address(INODE, dentries.id(d), STRIDE));
        }
        if (f instanceof File file) {
            int flags = file.statusFlags();
            int acc = flags & 3;
            b.putInt(l.off("f_flags"), flags);
            b.putInt(l.off("f_mode"), (acc != 1 ? FMODE_READ : 0) | (acc != 0 ? FMODE_WRITE : 0));
        } else {
            b.putInt(l.off("f_mode"), FMODE_READ); // an exec'd file is open for reading
        }
        return b.array();
    }

    /** A dentry: its parent (itself at the root, as Linux's IS_ROOT), name (inline when short, as d_iname), inode. */
    private byte[] dentryImage(int id, Dentry d) {
        if (d == null) {
            return null;
        }
        StructLayout l = btf.dentry;
        byte[] name = d.name().getBytes(StandardCharsets.UTF_8);
        boolean inline = name.length < DNAME_INLINE_LEN;
        int size = (int) l.size() + (inline ? 0 : name.length + 1);
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        long self = address(DENTRY, id, STRIDE);
        b.putLong(l.off("d_parent"), d.parent() == null ? self : dentry(d.parent()));
        int nameAt = inline ? l.off("d_iname") : (int) l.size(); // a long name follows the dentry
        b.put(nameAt, name);
        int qstr = l.off("d_name");
        b.putInt(qstr + btf.qstr.off("len"), name.length);
        b.putLong(qstr + btf.qstr.off("name"), self + nameAt);
        b.putLong(l.off("d_inode"), address(INODE, id, STRIDE));
        b.putLong(l.off("d_sb"), d.mount() == null ? 0 : address(SUPER, d.mount().id(), STRIDE));
        mount(d.mount());
        return b.array();
    }

    private byte[] inodeImage(Dentry d) {
        if (d == null || d.inode() == null) {
            return null;
        }
        StructLayout l = btf.inode;
        ByteBuffer b = buffer(l);
        Attributes a = d.inode().attributes();
        b.putShort(l.off("i_mode"), (short) a.mode());
        b.putInt(l.off("i_uid"), a.uid()).putInt(l.off("i_gid"), a.gid());
        b.putLong(l.off("i_ino"), a.ino());
        b.putInt(l.off("i_rdev"), (int) a.rdev());
        b.putLong(l.off("i_size"), a.size());
        b.putInt(l.off("i_nlink"), a.nlink());
        b.putLong(l.off("i_sb"), d.mount() == null ? 0 : address(SUPER, d.mount().id(), STRIDE));
        return b.array();
    }

    private byte[] mountImage(Mount m) {
        if (m == null) {
            return null;
        }
        StructLayout l = btf.vfsmount;
        ByteBuffer b = buffer(l);
        b.putLong(l.off("mnt_root"), dentry(m.rootDentry()));
        b.putLong(l.off("mnt_sb"), address(SUPER, m.id(), STRIDE));
        b.putInt(l.off("mnt_flags"), m.readOnly() ? MNT_READONLY : 0);
        return b.array();
    }

    private byte[] superImage(Mount m) {
        if (m == null) {
            return null;
        }
        StructLayout l = btf.superBlock;
        ByteBuffer b = buffer(l);
        b.putInt(l.off("s_dev"), (int) m.fs().dev());
        b.putLong(l.off("s_magic"), m.fs().statfs().type());
        return b.array();
    }

    /** struct pid of a task: one level, its number in the init namespace. */
    private byte[] pidImage(int tid) {
        if (tid != 0 && kernel.task(tid) == null) {
            return null;
        }
        StructLayout l = btf.pid;
        ByteBuffer b = buffer(l);
        int numbers = l.off("numbers");
        b.putInt(numbers + btf.upid.off("nr"), tid);
        b.putLong(numbers + btf.upid.off("ns"), address(GLOBAL, INIT_PID_NS, STRIDE));
        return b.array();
    }

    private byte[] pidNamespaceImage() {
        StructLayout l = btf.pidNamespace;
        ByteBuffer b = buffer(l);
        Task init = kernel.task(1);
        b.putLong(l.off("child_reaper"), init == null ? 0 : task(init));
        b.putInt(l.off("inum"), PROC_PID_INIT_INO);
        return b.array();
    }

    private byte[] nsproxyImage() {
        ByteBuffer b = buffer(btf.nsproxy);
        b.putLong(btf.nsproxy.off("pid_ns_for_children"), address(GLOBAL, INIT_PID_NS, STRIDE));
        return b.array();
    }

    /**
     * A linux_binprm for sched_process_exec, with its filename, placed in the hit's window of
     * {@code objects} (it lives only during the exec).
     */
    public long binprm(dev.emu.kernel.trace.KernelObjects objects, Task task, String filename) {
        StructLayout l = btf.binprm;
        byte[] name = (filename + "\0").getBytes(StandardCharsets.UTF_8);
        long nameAddr = objects.add(name);
        ByteBuffer b = buffer(l);
        GuestProcess p = task.process();
        b.putLong(l.off("mm"), mm(p));
        b.putLong(l.off("file"), p.exe() == null ? 0 : file(p.exe()));
        b.putInt(l.off("argc"), p.argv().size()).putInt(l.off("envc"), p.envp().size());
        b.putLong(l.off("filename"), nameAddr).putLong(l.off("interp"), nameAddr);
        return objects.add(b.array());
    }

    /**
     * Ids for objects reached through pointers, in the order they are first reached (so the
     * addresses are the same on every run). Kept for the kernel's life: what programs reach.
     */
    private static final class Interned {
        private final Map<Object, Integer> ids;
        private final List<Object> objects = new ArrayList<>();

        Interned(boolean identity) {
            ids = identity ? new IdentityHashMap<>() : new HashMap<>();
            objects.add(null); // id 0 is never used: address 0 of a region stays unmapped
        }

        int id(Object o) {
            Integer id = ids.get(o);
            if (id == null) {
                id = objects.size();
                objects.add(o);
                ids.put(o, id);
            }
            return id;
        }

        Object get(int id) {
            return id > 0 && id < objects.size() ? objects.get(id) : null;
        }
    }
}
