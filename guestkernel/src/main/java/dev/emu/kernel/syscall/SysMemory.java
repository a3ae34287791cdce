package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;

/** Memory-management syscalls (mm/mmap.c, mm/mprotect.c, mm/mremap.c, mm/madvise.c). */
final class SysMemory {
    private SysMemory() {}

    static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03,
            MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
    static final int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
    static final int MADV_DONTNEED = 4, MADV_FREE = 8;

    /** Brk implements Linux syscall brk(2). */
    static long brk(Task t, long addr, long a1, long a2, long a3, long a4, long a5) {
        return t.process().mm().brk(addr);
    }

    /** Mmap implements Linux syscall mmap(2) for anonymous memory; file mappings need a filesystem. */
    static long mmap(Task t, long addr, long length, long prot, long flags, long fd, long offset) {
        int type = (int) (flags & 3);
        if (type == 0 || length == 0) {
            return Errno.EINVAL.ret();
        }
        if ((offset & 4095) != 0) {
            return Errno.EINVAL.ret();
        }
        if ((prot & ~7L) != 0) {
            return Errno.EINVAL.ret();
        }
        if ((flags & MAP_ANONYMOUS) == 0) {
            dev.emu.kernel.fs.File f = t.process().fds().get((int) fd);
            if (f == null) {
                return Errno.EBADF.ret();
            }
            return FileMmap.map(t, addr, length, (int) prot, (int) flags, f, offset);
        }
        boolean fixed = (flags & MAP_FIXED) != 0;
        boolean noReplace = (flags & MAP_FIXED_NOREPLACE) != 0;
        // MAP_SHARED anonymous memory behaves as private until fork shares pages (not modelled).
        return t.process().mm().mmapAnonymous(addr, length, (int) prot, fixed, noReplace, "");
    }

    /** Munmap implements Linux syscall munmap(2). */
    static long munmap(Task t, long addr, long length, long a2, long a3, long a4, long a5) {
        return t.process().mm().munmap(addr, length);
    }

    /** Mprotect implements Linux syscall mprotect(2). */
    static long mprotect(Task t, long addr, long length, long prot, long a3, long a4, long a5) {
        return t.process().mm().mprotect(addr, length, (int) prot);
    }

    /** Mremap implements Linux syscall mremap(2). */
    static long mremap(Task t, long oldAddr, long oldSize, long newSize, long flags, long newAddr, long a5) {
        if ((flags & ~(long) (MREMAP_MAYMOVE | MREMAP_FIXED)) != 0) {
            return Errno.EINVAL.ret();
        }
        return t.process().mm().mremap(oldAddr, oldSize, newSize, (flags & MREMAP_MAYMOVE) != 0,
                (flags & MREMAP_FIXED) != 0, newAddr);
    }

    /** Madvise implements Linux syscall madvise(2): DONTNEED zeroes, other advice is accepted. */
    static long madvise(Task t, long addr, long length, long advice, long a3, long a4, long a5) {
        if ((addr & 4095) != 0 || length < 0) {
            return Errno.EINVAL.ret();
        }
        if (advice == MADV_DONTNEED) {
            return t.process().mm().dontNeed(addr, length);
        }
        return 0;
    }
}
