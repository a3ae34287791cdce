package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.task.Task;

/** Memory-management syscalls (mm/mmap.c, mm/mprotect.c, mm/mremap.c, mm/madvise.c). */
final class SysMemory {
    private SysMemory() {}

    static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03,
            MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000, MAP_FIXED_NOREPLACE = 0x100000;
    static final int MAP_TYPE = 0x0f;
    static final long PAGE = 4096;
    static final int PROT_RWX = 7, PROT_SEM = 8, PROT_GROWSDOWN = 0x01000000, PROT_GROWSUP = 0x02000000;
    static final int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
    static final int MADV_DONTNEED = 4, MADV_FREE = 8;

    /** Brk implements Linux syscall brk(2). */
    static long brk(Task t, long addr, long a1, long a2, long a3, long a4, long a5) {
        return t.process().mm().brk(addr);
    }

    /**
     * Mmap implements Linux syscall mmap(2) for anonymous memory; file mappings are {@link FileMmap}'s.
     * The checks run in Linux's order (arch/x86/kernel/sys_x86_64.c, ksys_mmap_pgoff, do_mmap):
     * every argument is an unsigned long, and unknown prot and flag bits are ignored, as Linux does
     * unless MAP_SHARED_VALIDATE maps a file.
     */
    static long mmap(Task t, long addr, long length, long prot, long flags, long fd, long offset) {
        if ((offset & (PAGE - 1)) != 0) {
            return Errno.EINVAL.ret();
        }
        boolean anonymous = (flags & MAP_ANONYMOUS) != 0;
        if (!anonymous && t.process().fds().get(fd) == null) {
            return Errno.EBADF.ret();
        }
        if (length == 0) {
            return Errno.EINVAL.ret();
        }
        long len = pageUp(length);
        if (len == 0 || Long.compareUnsigned(len, MemoryManager.TASK_SIZE) > 0) {
            return Errno.ENOMEM.ret(); // PAGE_ALIGN wrapped, or longer than the address space
        }
        int type = (int) (flags & MAP_TYPE);
        if (type != MAP_SHARED && type != MAP_PRIVATE) {
            return Errno.EINVAL.ret(); // no type, or MAP_SHARED_VALIDATE of anonymous memory
        }
        if (!anonymous) {
            return FileMmap.map(t, addr, length, (int) prot & PROT_RWX, (int) flags, t.process().fds().get(fd), offset);
        }
        boolean fixed = (flags & MAP_FIXED) != 0;
        boolean noReplace = (flags & MAP_FIXED_NOREPLACE) != 0;
        boolean noReserve = (flags & MAP_NORESERVE) != 0;
        if (type == MAP_SHARED) {
            return mmapSharedAnonymous(t, addr, len, (int) prot & PROT_RWX, fixed, noReplace);
        }
        return t.process().mm().mmapAnonymous(addr, len, (int) prot & PROT_RWX, fixed, noReplace, noReserve, "");
    }

    /**
     * MAP_SHARED|MAP_ANONYMOUS (shmem_zero_setup): pages of their own, shared with the children
     * forked later and charged to the guest's memory whatever MAP_NORESERVE says (emu cannot see
     * which shared pages are touched). /proc/PID/maps names them "/dev/zero (deleted)", as Linux.
     */
    private static long mmapSharedAnonymous(Task t, long addr, long len, int prot, boolean fixed, boolean noReplace) {
        dev.emu.kernel.platform.SharedPages pages = dev.emu.kernel.mm.SharedMemory.allocate(t.kernel().platform(),
                t.kernel().memory(), len);
        if (pages == null) {
            return Errno.ENOMEM.ret();
        }
        try {
            return t.process().mm().mmapShared(addr, len, prot, fixed, noReplace, pages, 0, true, true,
                    "/dev/zero (deleted)");
        } finally {
            pages.release(); // the mapping holds it now (or nobody: freed and uncharged)
        }
    }

    /**
     * Msync implements Linux syscall msync(2): MAP_SHARED file mappings in the range write their
     * stores back to the file (MS_SYNC and MS_ASYNC alike: the write is done at once), and
     * MS_INVALIDATE reloads what they did not change from the file.
     */
    static long msync(Task t, long addr, long length, long flags, long a3, long a4, long a5) {
        return t.process().mm().msync(addr, length, (int) flags);
    }

    /** Munmap implements Linux syscall munmap(2). */
    static long munmap(Task t, long addr, long length, long a2, long a3, long a4, long a5) {
        return t.process().mm().munmap(addr, length);
    }

    /**
     * Mprotect implements Linux syscall mprotect(2) (mm/mprotect.c do_mprotect_pkey): prot is an
     * unsigned long whose bits beyond PROT_READ|WRITE|EXEC|SEM are EINVAL (arch_validate_prot),
     * checked after the range; a length that wraps is ENOMEM, a zero length succeeds at once.
     */
    static long mprotect(Task t, long addr, long length, long prot, long a3, long a4, long a5) {
        long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
        if (grows == (PROT_GROWSDOWN | PROT_GROWSUP) || (addr & (PAGE - 1)) != 0) {
            return Errno.EINVAL.ret();
        }
        if (length == 0) {
            return 0;
        }
        long len = pageUp(length);
        if (Long.compareUnsigned(addr + len, addr) <= 0) {
            return Errno.ENOMEM.ret();
        }
        if ((prot & ~(PROT_RWX | PROT_SEM | grows)) != 0 || grows != 0) {
            return Errno.EINVAL.ret(); // no VMA here grows, so PROT_GROWSDOWN/UP cannot apply
        }
        return t.process().mm().mprotect(addr, len, (int) prot & PROT_RWX);
    }

    /**
     * Mremap implements Linux syscall mremap(2) (mm/mremap.c check_mremap_params): the lengths are
     * unsigned longs, page-aligned first (so -1 becomes 0); a new length of 0 or either length past
     * the address space is EINVAL. MREMAP_DONTUNMAP is not supported (EINVAL).
     */
    static long mremap(Task t, long oldAddr, long oldSize, long newSize, long flags, long newAddr, long a5) {
        if ((flags & ~(long) (MREMAP_MAYMOVE | MREMAP_FIXED)) != 0 || (oldAddr & (PAGE - 1)) != 0) {
            return Errno.EINVAL.ret();
        }
        long oldLen = pageUp(oldSize);
        long newLen = pageUp(newSize);
        if (newLen == 0 || Long.compareUnsigned(newLen, MemoryManager.TASK_SIZE) > 0
                || Long.compareUnsigned(oldLen, MemoryManager.TASK_SIZE) > 0) {
            return Errno.EINVAL.ret();
        }
        boolean mayMove = (flags & MREMAP_MAYMOVE) != 0;
        boolean fixed = (flags & MREMAP_FIXED) != 0;
        if (fixed && (Long.compareUnsigned(newAddr, MemoryManager.TASK_SIZE - newLen) > 0
                || (newAddr & (PAGE - 1)) != 0 || !mayMove)) {
            return Errno.EINVAL.ret();
        }
        if (oldLen == 0) {
            // A zero old length duplicates a shared mapping (vma_to_resize: EINVAL for a private one).
            var v = t.process().mm().vmaAt(oldAddr);
            if (v == null) {
                return Errno.EFAULT.ret();
            }
            return v.shared() == null ? Errno.EINVAL.ret()
                    : t.process().mm().duplicateShared(oldAddr, newLen, mayMove, fixed, newAddr);
        }
        return t.process().mm().mremap(oldAddr, oldLen, newLen, mayMove, fixed, newAddr);
    }

    /**
     * Madvise implements Linux syscall madvise(2) (mm/madvise.c do_madvise): advice Linux does not
     * know is EINVAL; DONTNEED zeroes, other advice is accepted without effect.
     */
    static long madvise(Task t, long addr, long length, long advice, long a3, long a4, long a5) {
        if (!knownAdvice((int) advice) || (addr & (PAGE - 1)) != 0) {
            return Errno.EINVAL.ret();
        }
        long len = pageUp(length);
        if (length != 0 && len == 0 || Long.compareUnsigned(addr + len, addr) < 0) {
            return Errno.EINVAL.ret(); // a "negative" length rounded up to 0, or the range wraps
        }
        if (len == 0) {
            return 0;
        }
        if (Long.compareUnsigned(addr + len, dev.emu.kernel.mm.UserMemory.TASK_SIZE_MAX) > 0) {
            return Errno.ENOMEM.ret(); // no VMA lies beyond user space (madvise_walk_vmas' unmapped range)
        }
        if (advice == MADV_DONTNEED) {
            return t.process().mm().dontNeed(addr, len);
        }
        return 0;
    }

    /** madvise_behavior_valid for x86_64 (uapi/asm-generic/mman-common.h): 0-4, 8-25, 100-103. */
    private static boolean knownAdvice(int advice) {
        return advice >= 0 && advice <= 4 || advice >= 8 && advice <= 25 || advice >= 100 && advice <= 103;
    }

    /** PAGE_ALIGN on an unsigned long: a length within a page of 2^64 wraps to 0. */
    static long pageUp(long length) {
        return (length + PAGE - 1) & -PAGE;
    }
}
