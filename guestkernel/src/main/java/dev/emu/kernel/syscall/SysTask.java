package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.Exec;
import dev.emu.kernel.ExecLookup;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.limits.ResourceLimits;
import dev.emu.kernel.loader.ElfFormatException;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.HostMemoryException;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.SignalAction;
import dev.emu.kernel.task.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Task creation, waiting, exec and signals between tasks (kernel/fork.c, exit.c, signal.c, fs/exec.c). */
final class SysTask {
    private SysTask() {}

    static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
            CLONE_PIDFD = 0x1000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000,
            CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
            CLONE_CHILD_SETTID = 0x1000000;
    static final int WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000,
            WNOTHREAD = 0x20000000, WALL = 0x40000000, WCLONE = 0x80000000;
    static final int P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;

    /** Fork implements Linux syscall fork(2) (kernel/fork.c: clone with SIGCHLD). */
    static long fork(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return doClone(t, Signals.SIGCHLD, 0, 0, 0, 0);
    }

    /** Vfork implements Linux syscall vfork(2): CLONE_VFORK | CLONE_VM | SIGCHLD; the parent waits for the child's exec or exit. */
    static long vfork(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return doClone(t, CLONE_VFORK | CLONE_VM | Signals.SIGCHLD, 0, 0, 0, 0);
    }

    /**
     * Clone implements Linux syscall clone(2) (kernel/fork.c kernel_clone / copy_process). The
     * flags are an unsigned long of which clone(2) reads only the lower 32 bits; the exit signal
     * (CSIGNAL) may be any value up to 255: one above 64 makes a "clone child" that sends no
     * signal when it exits.
     */
    static long clone(Task t, long flags, long newsp, long parentTid, long childTid, long tls, long a5) {
        return doClone(t, flags & 0xffff_ffffL, newsp, parentTid, childTid, tls);
    }

    /**
     * Clone3 implements Linux syscall clone3(2) (kernel/fork.c copy_clone_args_from_user) for the
     * same flags as clone; set_tid and cgroup are not supported.
     */
    static long clone3(Task t, long args, long size, long a2, long a3, long a4, long a5) {
        if (size < 64 || size > 4096) {
            return Errno.EINVAL.ret();
        }
        AddressSpace m = t.memory();
        long flags = m.readLong(args);
        long childTid = m.readLong(args + 16);
        long parentTid = m.readLong(args + 24);
        long exitSignal = m.readLong(args + 32);
        long stack = m.readLong(args + 40);
        long stackSize = m.readLong(args + 48);
        long tls = m.readLong(args + 56);
        if (size >= 80 && m.readLong(args + 72) != 0 || (flags & 0xff) != 0 || !Signals.valid(exitSignal)) {
            return Errno.EINVAL.ret(); // set_tid_size, or the signal in the flags (clone3 has exit_signal)
        }
        return doClone(t, flags | exitSignal, stack == 0 ? 0 : stack + stackSize, parentTid, childTid, tls);
    }

    static long doClone(Task t, long flags, long newsp, long parentTid, long childTid, long tls) {
        if ((flags & CLONE_THREAD) != 0 && (flags & CLONE_SIGHAND) == 0
                || (flags & CLONE_SIGHAND) != 0 && (flags & CLONE_VM) == 0) {
            return Errno.EINVAL.ret();
        }
        if ((flags & CLONE_PIDFD) != 0) {
            return Errno.EINVAL.ret();
        }
        Kernel k = t.kernel();
        GuestProcess parent = t.process();
        // copy_process: RLIMIT_NPROC (the guest's root has no CAP_SYS_RESOURCE, see
        // ResourceLimits), then threads-max; both are EAGAIN.
        if (Long.compareUnsigned(k.taskCount(), parent.limits().soft(ResourceLimits.RLIMIT_NPROC)) >= 0
                || k.taskCount() >= k.memory().maxThreads()) {
            return Errno.EAGAIN.ret();
        }
        if ((flags & CLONE_THREAD) == 0 && k.processes().size() >= k.memory().maxProcesses()) {
            return Errno.EAGAIN.ret(); // the process limit (MemoryAccountant.maxProcesses, a pids cgroup's EAGAIN)
        }
        if (!k.memory().tryCharge(MemoryAccountant.TASK_COST)) {
            return Errno.ENOMEM.ret(); // returned when the task exits (Kernel.exitTask)
        }
        Task child;
        if ((flags & CLONE_THREAD) != 0) {
            Cpu cpu = t.cpu().copyInto(t.memory());
            child = new Task(k, k.allocPid(), parent, cpu, t.comm());
        } else {
            // CLONE_VM (vfork, posix_spawn): the child runs in the parent's memory until it execs or exits.
            MemoryManager mm = (flags & CLONE_VM) != 0 ? parent.mm().share() : parent.mm().fork();
            if (mm == null) {
                k.memory().uncharge(MemoryAccountant.TASK_COST);
                return Errno.ENOMEM.ret(); // the memory limit cannot take a copy (dup_mmap's vm_enough_memory)
            }
            // copy_files: CLONE_FILES shares the table itself, else the child gets a copy
            FdTable fds = (flags & CLONE_FILES) != 0 ? parent.fds().share() : parent.fds().fork();
            int tid = k.allocPid();
            boolean sibling = (flags & CLONE_PARENT) != 0 && parent.parent() != null;
            GuestProcess proc = new GuestProcess(tid, sibling ? parent.parent() : parent, mm, fds, parent.exePath());
            proc.setLimits(parent.limits().copy());
            // From the caller, also for a CLONE_PARENT sibling (copy_process, copy_creds).
            proc.setPgid(parent.pgid());
            proc.setSid(parent.sid());
            proc.setCreds(parent.creds().copy());
            proc.setNice(parent.nice());
            proc.setScheduling(parent.policy(), parent.rtPriority());
            for (int sig = 1; sig <= 64; sig++) {
                proc.setAction(sig, parent.action(sig));
            }
            // copy_process: a CLONE_PARENT sibling tells the shared parent of its exit as the
            // caller would (its exit_signal), not with the signal in the flags.
            proc.setExitSignal(sibling ? parent.exitSignal() : (int) (flags & 0xff));
            proc.setFs(parent.fs() == null ? null : parent.fs().copy());
            proc.setExe(parent.exe());
            proc.setCommandLine(parent.argv(), parent.envp());
            Cpu cpu = t.cpu().copyInto(mm.space()); // the same engine as the parent's under CLONE_VM
            child = new Task(k, tid, proc, cpu, t.comm());
        }
        int tid = child.tid();
        child.setSignalMask(t.signalMask());
        if ((flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) {
            child.setAltStack(t.altStackBase(), t.altStackSize(), t.altStackAutoDisarm()); // copy_process keeps it for fork and vfork
        }
        if ((flags & CLONE_VM) == 0) {
            child.setRseq(t.rseqAddr(), t.rseqLen(), t.rseqSig()); // rseq_fork: a new mm keeps the registration
        }
        Cpu c = child.cpu();
        c.set(Reg.RAX, 0);
        if (newsp != 0) {
            c.set(Reg.RSP, newsp);
        }
        if ((flags & CLONE_SETTLS) != 0) {
            c.set(Reg.FS_BASE, tls);
        }
        if ((flags & CLONE_PARENT_SETTID) != 0) {
            t.memory().writeInt(parentTid, tid);
        }
        if ((flags & CLONE_CHILD_SETTID) != 0) {
            child.memory().writeInt(childTid, tid);
        }
        if ((flags & CLONE_CHILD_CLEARTID) != 0) {
            child.setClearChildTid(childTid);
        }
        child.setForkReturn(t.lastSyscall()); // its sys_exit fires when it first runs (ret_from_fork)
        k.addTask(child);
        if (k.traceIfBuilt() != null) {
            k.trace().sched().fork(t, child);
            k.trace().sched().wakeupNew(child, t); // wake_up_new_task, after the fork tracepoint as in kernel_clone
        }
        if ((flags & CLONE_VFORK) != 0) {
            child.setVforkParent(t);
            t.blockKillable("vfork child " + tid); // wait_for_vfork_done: signals wait until the child execs or exits
        }
        return tid;
    }

    /**
     * True if child {@code c} is one the wait selects (kernel/exit.c eligible_pid and
     * eligible_child): by pid, and a child whose exit signal is not SIGCHLD (a "clone child") only
     * with __WCLONE, the others only without it, unless __WALL.
     */
    private static boolean matches(GuestProcess waiter, GuestProcess c, long pid, int options) {
        boolean clone = c.exitSignal() != Signals.SIGCHLD;
        if (clone != ((options & WCLONE) != 0) && (options & WALL) == 0) {
            return false;
        }
        return pid == -1 || (pid > 0 ? c.pid() == pid : pid == 0 ? c.pgid() == waiter.pgid() : c.pgid() == -pid);
    }

    /** Wait4 implements Linux syscall wait4(2) (kernel/exit.c do_wait): exits, and stops (WUNTRACED) and continues (WCONTINUED) once each. */
    static long wait4(Task t, long pid, long status, long options, long rusage, long a4, long a5) {
        if ((options & ~(long) (WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) != 0) {
            return Errno.EINVAL.ret();
        }
        if (pid == Integer.MIN_VALUE) {
            return Errno.ESRCH.ret(); // -INT_MIN is not a process group (kernel_wait4)
        }
        GuestProcess p = t.process();
        boolean any = false;
        for (GuestProcess c : p.children()) {
            if (!matches(p, c, pid, (int) options)) {
                continue;
            }
            any = true;
            if (c.zombie()) {
                if (status != 0) {
                    t.memory().writeInt(status, c.exitStatus());
                }
                if (rusage != 0) {
                    SysResource.writeRusage(t.memory(), rusage, c.exitedThreadsCpu() + c.childrenCpu(), 0); // RUSAGE_BOTH of the child
                }
                t.kernel().reap(c);
                return c.pid();
            }
            // wait_task_stopped / wait_task_continued: reported once each.
            int st = (options & WUNTRACED) != 0 && c.stopToReport() ? (c.stopSignal() << 8) | 0x7f
                    : (options & WCONTINUED) != 0 && c.continueToReport() ? 0xffff : -1;
            if (st != -1) {
                if (status != 0) {
                    t.memory().writeInt(status, st);
                }
                if (rusage != 0) {
                    t.memory().zero(rusage, 144);
                }
                c.clearReports(st != 0xffff, st == 0xffff);
                return c.pid();
            }
        }
        if (!any) {
            return Errno.ECHILD.ret();
        }
        if ((options & WNOHANG) != 0) {
            return 0;
        }
        p.childWaiters().park(t);
        return SyscallResults.RESTART;
    }

    /** Waitid implements Linux syscall waitid(2) (kernel/exit.c kernel_waitid): WEXITED, WSTOPPED, WCONTINUED, WNOWAIT. */
    static long waitid(Task t, long idtype, long id, long infop, long options, long rusage, long a5) {
        if ((options & ~(long) (WNOHANG | WEXITED | WUNTRACED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE)) != 0
                || (options & (WEXITED | WUNTRACED | WCONTINUED)) == 0) {
            return Errno.EINVAL.ret();
        }
        long pid;
        switch ((int) idtype) {
            case P_ALL -> pid = -1;
            case P_PID -> {
                if (id <= 0) {
                    return Errno.EINVAL.ret();
                }
                pid = id;
            }
            case P_PGID -> {
                if (id < 0) {
                    return Errno.EINVAL.ret();
                }
                pid = id == 0 ? 0 : -id;
            }
            case P_PIDFD -> {
                if (id < 0 || !(t.process().fds().get(id) instanceof dev.emu.kernel.fs.PidFdFile f)) {
                    return Errno.EBADF.ret();
                }
                pid = f.process().pid();
            }
            default -> {
                return Errno.EINVAL.ret();
            }
        }
        GuestProcess p = t.process();
        boolean any = false;
        for (GuestProcess c : p.children()) {
            if (!matches(p, c, pid, (int) options)) {
                continue;
            }
            any = true;
            if (c.zombie() && (options & WEXITED) != 0) {
                if (infop != 0) {
                    int st = c.exitStatus();
                    int code = (st & 0x7f) == 0 ? SigInfo.CLD_EXITED : (st & 0x80) != 0 ? SigInfo.CLD_DUMPED : SigInfo.CLD_KILLED;
                    int s = (st & 0x7f) == 0 ? (st >> 8) & 0xff : st & 0x7f;
                    t.memory().write(infop, new SigInfo(Signals.SIGCHLD, code, c.pid(), 0, s).encode());
                }
                if (rusage != 0) {
                    SysResource.writeRusage(t.memory(), rusage, c.exitedThreadsCpu() + c.childrenCpu(), 0);
                }
                if ((options & WNOWAIT) == 0) {
                    t.kernel().reap(c);
                }
                return 0;
            }
            boolean stop = (options & WUNTRACED) != 0 && c.stopToReport();
            boolean cont = !stop && (options & WCONTINUED) != 0 && c.continueToReport();
            if (stop || cont) {
                if (infop != 0) {
                    t.memory().write(infop, new SigInfo(Signals.SIGCHLD, stop ? SigInfo.CLD_STOPPED : SigInfo.CLD_CONTINUED,
                            c.pid(), 0, stop ? c.stopSignal() : Signals.SIGCONT).encode());
                }
                if (rusage != 0) {
                    t.memory().zero(rusage, 144);
                }
                if ((options & WNOWAIT) == 0) {
                    c.clearReports(stop, cont);
                }
                return 0;
            }
        }
        if (!any) {
            return Errno.ECHILD.ret();
        }
        if ((options & WNOHANG) != 0) {
            if (infop != 0) {
                t.memory().zero(infop, 128);
            }
            return 0;
        }
        p.childWaiters().park(t);
        return SyscallResults.RESTART;
    }

    /** Reads a NULL-terminated array of C strings (argv, envp). */
    private static List<String> readStrings(AddressSpace m, long addr) {
        List<String> out = new ArrayList<>();
        if (addr == 0) {
            return out;
        }
        for (int i = 0; i < 0x10000; i++) {
            long p = m.readLong(addr + 8L * i);
            if (p == 0) {
                break;
            }
            String s = UserMemory.readCStringUtf8(m, p, 1 << 17);
            if (s == null) {
                throw new IllegalArgumentException("E2BIG");
            }
            out.add(s);
        }
        return out;
    }

    /**
     * Execve implements Linux syscall execve(2) (fs/exec.c): the image is resolved with the same
     * lookup as the CLI; other threads end (de_thread), close-on-exec fds close, handled signals
     * revert to SIG_DFL, and the calling task continues in the new image.
     */
    static long execve(Task t, long pathAddr, long argvAddr, long envpAddr, long a3, long a4, long a5) {
        String path = UserMemory.readCStringUtf8(t.memory(), pathAddr, 4096);
        if (path == null) {
            return Errno.ENAMETOOLONG.ret();
        }
        if (path.isEmpty()) {
            return Errno.ENOENT.ret(); // getname: an empty path names nothing
        }
        List<String> argv;
        List<String> envp;
        try {
            argv = readStrings(t.memory(), argvAddr);
            envp = readStrings(t.memory(), envpAddr);
        } catch (IllegalArgumentException e) {
            return Errno.E2BIG.ret();
        }
        Kernel k = t.kernel();
        GuestProcess p = t.process();
        Result<ExecLookup.Program> program = ExecLookup.find(k.vfs(), t, p.fs(), path, argv);
        Path image = null;
        if (program.failed() && isOwnExeLink(t, path)) {
            image = Path.of(p.exePath()); // an executable outside the guest's tree (started by host path)
        } else if (program.failed() && program.error() == Errno.ENOENT && !path.contains("/") && k.images() != null) {
            image = k.images().resolve(path); // emu's image lookup for bare names (docs/filesystem.md)
        }
        if (program.failed() && image == null) {
            return program.ret();
        }
        Exec.Image loaded;
        try {
            loaded = image != null ? Exec.load(k, image, argv, envp, p.limits())
                    : Exec.load(k, t, program.value(), envp, path, p.fs(), p.limits());
        } catch (HostMemoryException e) {
            return Errno.ENOMEM.ret();
        } catch (ElfFormatException e) {
            return Errno.ENOEXEC.ret();
        } catch (Exec.NotExecutableException | java.nio.file.AccessDeniedException e) {
            return Errno.EACCES.ret(); // do_open_execat: not a regular file, or not readable
        } catch (java.nio.file.NoSuchFileException e) {
            return Errno.ENOENT.ret();
        } catch (IOException e) {
            return Errno.EIO.ret();
        }
        for (Task other : List.copyOf(p.threads())) {
            if (other != t) {
                k.exitTask(other, 0);
            }
        }
        dev.emu.kernel.sync.RobustList.exit(k.futexes(), k.scheduler(), p.mm(), t.memory(), t.robustList(), t.tid());
        MemoryManager old = p.mm();
        p.setMm(loaded.mm());
        t.setCpu(loaded.cpu());
        old.close(); // the engine's close is deferred by the platform until this syscall's run returns
        if (p.fds().shared()) {
            // unshare_files: an exec'd program gets its own table before close-on-exec applies
            FdTable own = p.fds().fork();
            p.fds().releaseTable();
            p.setFds(own);
        }
        p.fds().closeOnExec();
        p.markExeced();
        p.timers().deletePosixTimers(k); // exit_itimers; the interval timers survive exec
        for (int sig = 1; sig <= 64; sig++) {
            if (p.action(sig).handler() != SignalAction.SIG_IGN) {
                p.setAction(sig, SignalAction.DEFAULT);
            }
        }
        t.setClearChildTid(0);
        t.setRobustList(0); // futex_exec_release walked it above, before the old memory went
        t.setRseq(0, 0, 0);
        t.setAltStack(0, 0, false); // the old stack's memory is gone
        p.setExePath(loaded.exePath());
        p.setExe(image == null ? program.value().dentry() : null);
        p.setCommandLine(image == null ? program.value().argv() : argv, envp);
        t.setComm(Exec.commOf(path));
        if (k.traceIfBuilt() != null) {
            k.trace().sched().exec(t, path, t.tid());
        }
        k.releaseVforkParent(t);
        k.log().info("pid " + p.pid() + " execve " + loaded.exePath());
        k.requestReschedule();
        return 0;
    }

    /**
     * True for /proc/self/exe and /proc/PID/exe of the caller: the link to the caller's own
     * executable (proc_exe_link), which busybox execs to re-run itself as another applet.
     */
    private static boolean isOwnExeLink(Task t, String path) {
        return path.equals("/proc/self/exe") || path.equals("/proc/" + t.process().pid() + "/exe");
    }

    /**
     * Kill implements Linux syscall kill(2) (kernel/signal.c kill_something_info): a pid, 0 for
     * the caller's process group, -1 for every process but init and the caller, -pgid for a
     * group. The signal number is checked per target (check_kill_permission), so a missing
     * target is ESRCH whatever the signal.
     */
    static long kill(Task t, long pid, long sig, long a2, long a3, long a4, long a5) {
        Kernel k = t.kernel();
        SigInfo info = new SigInfo((int) sig, SigInfo.SI_USER, t.process().pid(), 0, 0);
        if (pid == Integer.MIN_VALUE) {
            return Errno.ESRCH.ret();
        }
        if (pid == -1) {
            // Every process but init and the caller, zombies included (they are still listed).
            int count = 0;
            for (GuestProcess p : List.copyOf(k.processes())) {
                if (p.pid() > 1 && p != t.process()) {
                    count++;
                    if (!Signals.valid(sig)) {
                        return Errno.EINVAL.ret();
                    }
                    if (!p.zombie()) {
                        Signals.sendToProcess(k, p, (int) sig, info);
                    }
                }
            }
            return count > 0 ? 0 : Errno.ESRCH.ret();
        }
        if (pid <= 0) {
            int pgid = pid == 0 ? t.process().pgid() : (int) -pid;
            boolean any = k.processes().stream().anyMatch(p -> p.pgid() == pgid);
            if (!any) {
                return Errno.ESRCH.ret();
            }
            if (!Signals.valid(sig)) {
                return Errno.EINVAL.ret();
            }
            dev.emu.kernel.signal.JobControl.sendToGroup(k, pgid, (int) sig, info);
            return 0;
        }
        GuestProcess p = k.process((int) pid);
        if (p == null) {
            return Errno.ESRCH.ret();
        }
        if (!Signals.valid(sig)) {
            return Errno.EINVAL.ret();
        }
        if (!p.zombie()) {
            Signals.sendToProcess(k, p, (int) sig, info);
        }
        return 0;
    }

    /** Tgkill implements Linux syscall tgkill(2) (kernel/signal.c do_tkill, do_send_specific). */
    static long tgkill(Task t, long tgid, long tid, long sig, long a3, long a4, long a5) {
        if (tgid <= 0 || tid <= 0) {
            return Errno.EINVAL.ret();
        }
        return sendToThread(t, tgid, tid, sig);
    }

    /** Tkill implements Linux syscall tkill(2): tgkill without the thread-group check. */
    static long tkill(Task t, long tid, long sig, long a2, long a3, long a4, long a5) {
        if (tid <= 0) {
            return Errno.EINVAL.ret();
        }
        return sendToThread(t, 0, tid, sig);
    }

    /** do_send_specific: ESRCH for a missing thread (or one outside tgid when tgid > 0), then the signal check. */
    private static long sendToThread(Task t, long tgid, long tid, long sig) {
        Task target = t.kernel().task((int) tid);
        if (target == null || tgid > 0 && target.process().pid() != tgid) {
            return Errno.ESRCH.ret();
        }
        if (!Signals.valid(sig)) {
            return Errno.EINVAL.ret();
        }
        Signals.sendToTask(t.kernel(), target, (int) sig, new SigInfo((int) sig, SigInfo.SI_TKILL, t.process().pid(), 0, 0));
        return 0;
    }

    static final int PIDFD_NONBLOCK = 04000;

    /** Pidfd_open implements Linux syscall pidfd_open(2): a close-on-exec fd naming a live or zombie process. */
    static long pidfdOpen(Task t, long pid, long flags, long a2, long a3, long a4, long a5) {
        if ((flags & ~PIDFD_NONBLOCK) != 0 || pid <= 0) {
            return Errno.EINVAL.ret();
        }
        GuestProcess p = t.kernel().process((int) pid);
        if (p == null) {
            Task thread = t.kernel().task((int) pid);
            return thread != null ? Errno.ENOENT.ret() : Errno.ESRCH.ret(); // a thread, not a thread-group leader
        }
        return t.process().fds().install(new dev.emu.kernel.fs.PidFdFile(p, (int) flags), 0, true);
    }

    /**
     * Pidfd_send_signal implements Linux syscall pidfd_send_signal(2): as kill(2) to the
     * pidfd's process (its thread or its process group with PIDFD_SIGNAL_THREAD/_PROCESS_GROUP); a caller's siginfo must name the same signal and may carry a kernel or
     * tkill si_code only to the caller itself (EPERM).
     */
    static long pidfdSendSignal(Task t, long pidfd, long sig, long uinfo, long flags, long a4, long a5) {
        // PIDFD_SIGNAL_THREAD, _THREAD_GROUP, _PROCESS_GROUP (6.9): at most one.
        if ((flags & ~7L) != 0 || Long.bitCount(flags) > 1) {
            return Errno.EINVAL.ret();
        }
        if (!(t.process().fds().get(pidfd) instanceof dev.emu.kernel.fs.PidFdFile f)) {
            return Errno.EBADF.ret();
        }
        GuestProcess p = f.process();
        SigInfo info = new SigInfo((int) sig, SigInfo.SI_USER, t.process().pid(), 0, 0);
        if (uinfo != 0) {
            byte[] raw = t.memory().read(uinfo, 128);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (b.getInt(0) != sig) {
                return Errno.EINVAL.ret();
            }
            int code = b.getInt(8);
            if (p != t.process() && (code >= 0 || code == SigInfo.SI_TKILL)) {
                return Errno.EPERM.ret();
            }
            info = new SigInfo((int) sig, code, 0, 0, 0, 0, raw, null);
        }
        if (p.reaped()) {
            return Errno.ESRCH.ret();
        }
        if (!Signals.valid(sig)) {
            return Errno.EINVAL.ret();
        }
        if (flags == 4) {
            dev.emu.kernel.signal.JobControl.sendToGroup(t.kernel(), p.pgid(), (int) sig, info);
        } else if (sig != 0 && !p.zombie()) {
            Task leader = p.threads().isEmpty() ? null : p.threads().getFirst();
            if (flags == 1 && leader != null && leader.tid() == p.pid()) {
                Signals.sendToTask(t.kernel(), leader, (int) sig, info);
            } else {
                Signals.sendToProcess(t.kernel(), p, (int) sig, info);
            }
        }
        return 0;
    }

    /** Getpgid implements Linux syscall getpgid(2). */
    static long getpgid(Task t, long pid, long a1, long a2, long a3, long a4, long a5) {
        GuestProcess p = pid == 0 ? t.process() : t.kernel().process((int) pid);
        return p == null ? Errno.ESRCH.ret() : p.pgid();
    }

    /** Getsid implements Linux syscall getsid(2). */
    static long getsid(Task t, long pid, long a1, long a2, long a3, long a4, long a5) {
        GuestProcess p = pid == 0 ? t.process() : t.kernel().process((int) pid);
        return p == null ? Errno.ESRCH.ret() : p.sid();
    }

    /** Getpgrp implements Linux syscall getpgrp(2). */
    static long getpgrp(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return t.process().pgid();
    }

    /**
     * Setpgid implements Linux syscall setpgid(2) (kernel/sys.c), in its order of checks: a
     * negative pgid is EINVAL; the target must be the caller or its child (ESRCH), a child in the
     * same session (EPERM) that has not exec'd (EACCES); a session leader cannot move (EPERM);
     * joining another group needs one in the caller's session (EPERM).
     */
    static long setpgid(Task t, long pid, long pgid, long a2, long a3, long a4, long a5) {
        GuestProcess self = t.process();
        if (pid == 0) {
            pid = self.pid();
        }
        if (pgid == 0) {
            pgid = pid;
        }
        if (pgid < 0) {
            return Errno.EINVAL.ret();
        }
        GuestProcess p = t.kernel().process((int) pid);
        if (p == null || p.zombie() && p != self) {
            return Errno.ESRCH.ret();
        }
        if (p.parent() == self) {
            if (p.sid() != self.sid()) {
                return Errno.EPERM.ret();
            }
            if (p.execed()) {
                return Errno.EACCES.ret();
            }
        } else if (p != self) {
            return Errno.ESRCH.ret();
        }
        if (p.sid() == p.pid()) {
            return Errno.EPERM.ret(); // a session leader
        }
        if (pgid != pid) {
            final long g = pgid;
            boolean exists = t.kernel().processes().stream().anyMatch(q -> q.pgid() == g && q.sid() == self.sid());
            if (!exists) {
                return Errno.EPERM.ret();
            }
        }
        p.setPgid((int) pgid);
        return 0;
    }

    /** Setsid implements Linux syscall setsid(2) (ksys_setsid): EPERM if a group with the caller's id exists. */
    static long setsid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        GuestProcess self = t.process();
        boolean groupExists = t.kernel().processes().stream().anyMatch(q -> q.pgid() == self.pid());
        if (groupExists) {
            return Errno.EPERM.ret();
        }
        self.setSid(self.pid());
        self.setPgid(self.pid());
        return self.pid();
    }
}
