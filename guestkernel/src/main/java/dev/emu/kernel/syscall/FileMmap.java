package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.RegularFile;

/**
 * mmap(2) of a file (mm/mmap.c do_mmap with a file): the pages are filled with the file's bytes
 * from {@code offset} at map time, the rest of the last page with zeros. A private mapping is a
 * copy, which is exactly MAP_PRIVATE as long as the file is not written meanwhile (what ld.so and
 * readers need). A shared mapping is the same copy when it cannot be written; a writable shared
 * mapping would need its stores written back, which emu does not do yet, so it fails (ENODEV)
 * rather than lose data silently.
 */
final class FileMmap {
    private FileMmap() {}

    static final int PROT_WRITE = 2;
    private static final int CHUNK = 1 << 20;

    static long map(Task t, long addr, long length, int prot, int flags, File f, long offset) {
        if (!(f instanceof RegularFile file)) {
            return Errno.ENODEV.ret(); // pipes, the console, directories and devices cannot be mapped
        }
        if ((f.statusFlags() & 3) == 1) {
            return Errno.EACCES.ret(); // every mapping needs read access
        }
        boolean shared = (flags & 3) != SysMemory.MAP_PRIVATE;
        if (shared && (prot & PROT_WRITE) != 0) {
            t.kernel().log().once("mmap-shared-write", "mmap(MAP_SHARED, PROT_WRITE) of a file: write-back is not supported: -ENODEV");
            return Errno.ENODEV.ret();
        }
        if (offset < 0 || offset + length < 0) {
            return Errno.EOVERFLOW.ret();
        }
        boolean fixed = (flags & SysMemory.MAP_FIXED) != 0;
        boolean noReplace = (flags & SysMemory.MAP_FIXED_NOREPLACE) != 0;
        String name = file.dentry().path();
        long at = t.process().mm().mmapAnonymous(addr, length, prot, fixed, noReplace, name);
        if (at < 0) {
            return at;
        }
        byte[] chunk = new byte[(int) Math.min(CHUNK, length)];
        for (long done = 0; done < length; ) {
            int want = (int) Math.min(chunk.length, length - done);
            long n = file.pread(t, chunk, 0, want, offset + done);
            if (n <= 0) {
                break; // past the end of the file: the fresh pages are already zero
            }
            t.memory().write(at + done, chunk, 0, (int) n);
            done += n;
        }
        return at;
    }
}
