package dev.emu.kernel.fs;

import dev.emu.kernel.task.Task;

/**
 * A file whose mmap(2) maps kernel-owned shared pages (Linux's file_operations.mmap for a
 * special file: bpf_map_mmap, perf_mmap). The syscall has checked the offset (page-aligned),
 * the length (non-zero, not past the address space) and the mapping type; the file checks its
 * access mode (do_mmap: FMODE_READ for any mapping, FMODE_WRITE for a writable shared one;
 * EACCES) and what its object allows, then maps with
 * {@link dev.emu.kernel.mm.MemoryManager#mmapShared}.
 */
public interface MappableFile {
    /** MAP_FIXED, MAP_FIXED_NOREPLACE and MAP_PRIVATE as mmap(2) passes them in {@code flags}. */
    int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_FIXED_NOREPLACE = 0x100000;

    /**
     * Maps [offset, offset + length) of this file's object for {@code t}'s process.
     *
     * @param prot PROT_* bits
     * @param flags the MAP_* flags as given
     * @return the address or -errno
     */
    long mmap(Task t, long addr, long length, int prot, int flags, long offset);
}
