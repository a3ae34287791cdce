package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.task.Task;
import java.nio.charset.StandardCharsets;

/** Process identity and lifetime, thread setup and limits (kernel/exit.c, kernel/sys.c, arch/x86). */
final class SysProcess {
    private SysProcess() {}

    static final int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;
    static final int GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;

    /** Exit implements Linux syscall exit(2): ends the calling thread (kernel/exit.c do_exit). */
    static long exit(Task t, long status, long a1, long a2, long a3, long a4, long a5) {
        t.kernel().exitTask(t, ((int) status & 0xff) << 8);
        return 0;
    }

    /** Exit_group implements Linux syscall exit_group(2): ends every thread of the process. */
    static long exitGroup(Task t, long status, long a1, long a2, long a3, long a4, long a5) {
        t.kernel().exitProcess(t.process(), ((int) status & 0xff) << 8);
        return 0;
    }

    /** Getpid implements Linux syscall getpid(2). */
    static long getpid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return t.process().pid();
    }

    /** Getppid implements Linux syscall getppid(2); pid 1's parent is 0, as Linux reports. */
    static long getppid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return t.process().parent() == null ? 0 : t.process().parent().pid();
    }

    /** Gettid implements Linux syscall gettid(2). */
    static long gettid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return t.tid();
    }

    /** Set_tid_address implements Linux syscall set_tid_address(2). */
    static long setTidAddress(Task t, long tidptr, long a1, long a2, long a3, long a4, long a5) {
        t.setClearChildTid(tidptr);
        return t.tid();
    }

    /** Set_robust_list implements Linux syscall set_robust_list(2): recorded (24 = sizeof head). */
    static long setRobustList(Task t, long head, long len, long a2, long a3, long a4, long a5) {
        if (len != 24) {
            return Errno.EINVAL.ret();
        }
        t.setRobustList(head);
        return 0;
    }

    /** Get_robust_list implements Linux syscall get_robust_list(2): the head a thread registered, len 24. */
    static long getRobustList(Task t, long pid, long headPtr, long lenPtr, long a3, long a4, long a5) {
        Task target = pid == 0 ? t : t.kernel().task((int) pid);
        if (target == null) {
            return Errno.ESRCH.ret();
        }
        t.memory().writeLong(headPtr, target.robustList());
        t.memory().writeLong(lenPtr, 24);
        return 0;
    }

    static final int RSEQ_FLAG_UNREGISTER = 1, ORIG_RSEQ_SIZE = 32;

    /**
     * Rseq implements Linux syscall rseq(2) (kernel/rseq.c) for a single CPU: registration is
     * checked and recorded (a second one is EBUSY, as glibc's startup already registered) and
     * cpu_id is set to 0; critical sections are never aborted because a task's cpu never changes
     * (preemption inside a critical section is not detected).
     */
    static long rseq(Task t, long rseqAddr, long len, long flags, long sig, long a4, long a5) {
        if ((flags & RSEQ_FLAG_UNREGISTER) != 0) {
            if (flags != RSEQ_FLAG_UNREGISTER || t.rseqAddr() == 0 || t.rseqAddr() != rseqAddr || len != t.rseqLen()) {
                return Errno.EINVAL.ret();
            }
            if ((int) sig != t.rseqSig()) {
                return Errno.EPERM.ret();
            }
            t.setRseq(0, 0, 0);
            return 0;
        }
        if (flags != 0) {
            return Errno.EINVAL.ret();
        }
        if (t.rseqAddr() != 0) {
            if (t.rseqAddr() != rseqAddr || len != t.rseqLen()) {
                return Errno.EINVAL.ret();
            }
            return (int) sig != t.rseqSig() ? Errno.EPERM.ret() : Errno.EBUSY.ret();
        }
        // The original 32-byte struct is 32-aligned; a longer one needs its own alignment (32).
        if (len < ORIG_RSEQ_SIZE || (rseqAddr & 31) != 0) {
            return Errno.EINVAL.ret();
        }
        if (!UserMemory.accessOk(rseqAddr, len)) {
            return Errno.EFAULT.ret();
        }
        t.memory().writeInt(rseqAddr, 0); // cpu_id_start
        t.memory().writeInt(rseqAddr + 4, 0); // cpu_id
        t.setRseq(rseqAddr, (int) len, (int) sig);
        return 0;
    }

    /** Arch_prctl implements Linux syscall arch_prctl(2) for the FS and GS bases. */
    static long archPrctl(Task t, long code, long addr, long a2, long a3, long a4, long a5) {
        switch ((int) code) {
            case ARCH_SET_FS -> {
                if (addr < 0 || addr >= 0x7ffffffff000L) {
                    return Errno.EPERM.ret();
                }
                t.cpu().set(Reg.FS_BASE, addr);
                return 0;
            }
            case ARCH_SET_GS -> {
                if (addr < 0 || addr >= 0x7ffffffff000L) {
                    return Errno.EPERM.ret();
                }
                t.cpu().set(Reg.GS_BASE, addr);
                return 0;
            }
            case ARCH_GET_FS -> {
                t.memory().writeLong(addr, t.cpu().get(Reg.FS_BASE));
                return 0;
            }
            case ARCH_GET_GS -> {
                t.memory().writeLong(addr, t.cpu().get(Reg.GS_BASE));
                return 0;
            }
            default -> {
                return Errno.EINVAL.ret();
            }
        }
    }

    /** Uname implements Linux syscall uname(2). */
    static long uname(Task t, long buf, long a1, long a2, long a3, long a4, long a5) {
        String[] fields = {"Linux", "emu", "6.1.0-emu", "#1 SMP PREEMPT emu guest kernel", "x86_64", "(none)"};
        byte[] out = new byte[65 * 6];
        for (int i = 0; i < fields.length; i++) {
            byte[] f = fields[i].getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(f, 0, out, 65 * i, f.length);
        }
        t.memory().write(buf, out);
        return 0;
    }

    /** Getrandom implements Linux syscall getrandom(2) from the kernel's seeded generator. */
    static long getrandom(Task t, long buf, long count, long flags, long a3, long a4, long a5) {
        if ((flags & ~(long) (GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) != 0
                || (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE)) {
            return Errno.EINVAL.ret();
        }
        long len = Long.compareUnsigned(count, SysReadWrite.MAX_RW_COUNT) > 0 ? SysReadWrite.MAX_RW_COUNT : count;
        if (!UserMemory.accessOk(buf, len)) {
            return Errno.EFAULT.ret(); // import_ubuf
        }
        // Filled chunk by chunk and page by page: a fault ends the call with the bytes written so far.
        byte[] b = new byte[(int) Math.min(len, 1 << 16)];
        long done = 0;
        while (done < len) {
            int n = (int) Math.min(b.length, len - done);
            t.kernel().random().nextBytes(n == b.length ? b : (b = new byte[n]));
            for (int off = 0; off < n; ) {
                long at = buf + done;
                int piece = (int) Math.min(n - off, 4096 - (at & 4095));
                try {
                    t.memory().write(at, b, off, piece);
                } catch (BadAddressException e) {
                    return done > 0 ? done : Errno.EFAULT.ret();
                }
                off += piece;
                done += piece;
            }
        }
        return done;
    }

    /** Sched_getaffinity implements Linux syscall sched_getaffinity(2): one CPU, cpu 0. */
    static long schedGetaffinity(Task t, long pid, long size, long mask, long a3, long a4, long a5) {
        if (size < 8 || (size & 7) != 0) {
            return Errno.EINVAL.ret();
        }
        if (pid != 0 && t.kernel().task((int) pid) == null) {
            return Errno.ESRCH.ret();
        }
        byte[] m = new byte[8];
        m[0] = 1;
        t.memory().write(mask, m);
        return 8;
    }

    /** Getcpu implements Linux syscall getcpu(2): always cpu 0, node 0. */
    static long getcpu(Task t, long cpu, long node, long a2, long a3, long a4, long a5) {
        if (cpu != 0) {
            t.memory().writeInt(cpu, 0);
        }
        if (node != 0) {
            t.memory().writeInt(node, 0);
        }
        return 0;
    }
}
