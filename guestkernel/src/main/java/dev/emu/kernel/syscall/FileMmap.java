package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.MappableFile;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.mm.SharedFileMapping;
import dev.emu.kernel.vfs.RegularFile;
import dev.emu.kernel.vfs.tmpfs.Seals;

/**
 * mmap(2) of a file (mm/mmap.c do_mmap with a file): the pages are filled with the file's bytes
 * from {@code offset} at map time, the rest of the last page with zeros. A private mapping is a
 * copy, which is exactly MAP_PRIVATE as long as the file is not written meanwhile (what ld.so and
 * readers need). A shared mapping of a tmpfs file (memfds included) maps the file's own shared
 * pages ({@link RegularFile#sharedPages}), coherent with read/write and every other mapping at
 * once; on other filesystems (hostfs) it is the same copy, registered as a
 * {@link SharedFileMapping}: its stores reach the file and the file's other shared mappings at
 * msync, munmap, exit, exec and fork (see there for what is coherent when).
 */
final class FileMmap {
    private FileMmap() {}

    static final int PROT_WRITE = 2;
    private static final int CHUNK = 1 << 20;

    static long map(Task t, long addr, long length, int prot, int flags, File f, long offset) {
        if (f instanceof MappableFile m) {
            return m.mmap(t, addr, length, prot, flags, offset); // it checks its own access mode
        }
        if (!(f instanceof RegularFile file)) {
            return Errno.ENODEV.ret(); // pipes, the console, directories and devices cannot be mapped
        }
        if ((f.statusFlags() & 3) == 1) {
            return Errno.EACCES.ret(); // every mapping needs read access
        }
        boolean shared = (flags & 3) != SysMemory.MAP_PRIVATE;
        if (shared && (prot & PROT_WRITE) != 0 && (f.statusFlags() & 3) != 2) {
            return Errno.EACCES.ret(); // a writable shared mapping needs the file open for writing
        }
        if (shared && (prot & PROT_WRITE) != 0 && f instanceof Seals s
                && (s.seals() & (Seals.F_SEAL_WRITE | Seals.F_SEAL_FUTURE_WRITE)) != 0) {
            return Errno.EPERM.ret(); // memfd_file_seals: sealed against writing
        }
        if (offset < 0 || offset + length < 0) {
            return Errno.EOVERFLOW.ret();
        }
        boolean fixed = (flags & SysMemory.MAP_FIXED) != 0;
        boolean noReplace = (flags & SysMemory.MAP_FIXED_NOREPLACE) != 0;
        String name = file.dentry().path();
        if (shared) {
            var pages = file.sharedPages(t.kernel().platform(), offset, SysMemory.pageUp(length));
            if (pages != null) {
                if (pages.failed()) {
                    return pages.ret();
                }
                // VM_MAYWRITE: open for writing and not sealed against it (seal_check_write).
                boolean mayWrite = (f.statusFlags() & 3) == 2 && !(f instanceof Seals s
                        && (s.seals() & (Seals.F_SEAL_WRITE | Seals.F_SEAL_FUTURE_WRITE)) != 0);
                return t.process().mm().mmapShared(addr, length, prot, fixed, noReplace, pages.value(), offset,
                        mayWrite, true, name);
            }
        }
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
        if (shared) {
            SharedFileMapping m = SharedFileMapping.create(t.kernel().sharedMappings(), t.memory(), f,
                    file.mappingBacking(), at, SysMemory.pageUp(length), offset);
            if (!t.process().mm().addShared(m)) {
                t.process().mm().munmap(at, length);
                return Errno.ENOMEM.ret();
            }
        }
        return at;
    }
}
