package dev.emu.kernel.mm;

import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.platform.HostMemoryException;
import dev.emu.kernel.platform.Platform;
import dev.emu.kernel.platform.SharedPages;

/**
 * Allocation of {@link SharedPages} for kernel objects that user space maps (shared anonymous
 * memory, BPF maps, perf rings): the pages are charged to the guest's memory when made and
 * uncharged when their last reference goes, so every mapping of them is free of charge.
 */
public final class SharedMemory {
    private SharedMemory() {}

    /**
     * New zero-filled pages of {@code length} bytes (rounded up to pages), charged to
     * {@code accountant}; the caller holds the first reference. Null when the memory limit or
     * the host refuses them (ENOMEM).
     */
    public static SharedPages allocate(Platform platform, MemoryAccountant accountant, long length) {
        long len = MemoryManager.pageUp(length);
        if (len <= 0 || !accountant.tryCharge(len)) {
            return null;
        }
        SharedPages pages;
        try {
            pages = platform.newSharedPages(len);
        } catch (HostMemoryException e) {
            accountant.uncharge(len);
            return null;
        }
        pages.whenFreed(() -> accountant.uncharge(len));
        return pages;
    }
}
