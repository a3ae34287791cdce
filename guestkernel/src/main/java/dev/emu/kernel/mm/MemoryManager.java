package dev.emu.kernel.mm;

import dev.emu.abi.Errno;
import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.limits.ResourceLimits;
import dev.emu.kernel.mm.Vma.Backing;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.HostMemoryException;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.platform.SharedPages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's memory map (Linux's mm_struct): the VMAs, the program break and the mmap policy,
 * programmed into the platform's {@link AddressSpace}, and what they cost the guest's memory.
 *
 * <p>Every method takes and returns Linux semantics: page-aligned ranges, -errno on failure.
 * Placement is top-down from {@link #MMAP_BASE}, as Linux does with ASLR off, so addresses are
 * the same on every run.
 *
 * <p>Accounting follows Linux's strict overcommit (vm.overcommit_memory=2) against the guest's
 * {@link MemoryAccountant}: a writable private mapping, brk growth and the stack are charged when
 * made (so the guest gets ENOMEM first), plus their page tables; PROT_NONE reservations cost
 * nothing and are not even in the engine; MAP_NORESERVE mappings are demand-paged in
 * {@link #GRANULE} pieces, each charged when first touched ({@link #populate}), and a touch that
 * cannot be charged calls the OOM killer. RLIMIT_AS and RLIMIT_DATA are checked as
 * may_expand_vm does.
 */
public final class MemoryManager {
    public static final long PAGE = AddressSpace.PAGE_SIZE;
    /** Top of the mmap area: below the stack and its gap, as Linux's mmap_base with ASLR off. */
    public static final long MMAP_BASE = 0x7ffff7fff000L;
    /** Lowest address mmap hands out (vm.mmap_min_addr). */
    public static final long MMAP_MIN = 0x10000L;
    /** The end of user space on x86_64 with 4-level paging. */
    public static final long TASK_SIZE = 0x7ffffffff000L;
    /** How far brk may grow (RLIMIT_DATA and the memory limit usually stop it first). */
    public static final long BRK_LIMIT = 1L << 36;
    /**
     * How much of a demand-paged mapping one touch maps and charges at least: 64 KiB (16 pages),
     * so that touching memory sequentially costs one engine mapping per 16 pages, not per page.
     * The piece grows with what the process has populated (1/16 of it, at most
     * {@link #MAX_GRANULE}), so the engine holds a few hundred mappings, not one per 64 KiB.
     * Near the memory limit it shrinks down to one page before the OOM killer runs.
     */
    public static final long GRANULE = 64 * 1024;
    public static final long MAX_GRANULE = 32L << 20;
    /**
     * Writable private anonymous mappings from this size up are charged when made (strict
     * overcommit, as before) but demand-paged like MAP_NORESERVE: the engine holds only what the
     * guest touched, so fork copies that and not the untouched rest (Linux copies page tables of
     * touched pages only). Smaller ones are mapped at once: one fault per granule would cost
     * more than mapping them (malloc arenas, thread stacks of a few pages).
     */
    public static final long LAZY_MIN = 1L << 20;

    /** What the kernel does when a touched page cannot be charged (the OOM killer). */
    @FunctionalInterface
    public interface OutOfMemory {
        /**
         * Frees memory by killing a process; true if something was killed (the caller retries
         * the charge unless it was itself the victim).
         */
        boolean kill(MemoryManager faulting, long needed);
    }

    private final AddressSpace space;
    private final MemoryAccountant accountant;
    private final TreeMap<Long, Vma> vmas = new TreeMap<>();
    /** The free gaps between the VMAs in the mmap area, for placement (kept in step by insert/remove). */
    private FreeGaps gaps = new FreeGaps(MMAP_MIN, MMAP_BASE);
    /** Engine-mapped pieces of ON_DEMAND VMAs: start → end. */
    private final TreeMap<Long, Long> populated = new TreeMap<>();
    /** Bytes in {@link #populated}. */
    private long populatedBytes;
    private ResourceLimits limits;
    private OutOfMemory oom;
    private long brkStart;
    private long brk;
    /** What this process should be charged: its engine, accounted VMAs, populated pieces. */
    private long committed = MemoryAccountant.PROCESS_COST;
    /** What it is charged now (equal to committed between operations). */
    private long charged;
    private boolean closed;
    /** Shared pages some VMA here maps, with how many VMAs: their valid-length changes come here. */
    private final Map<SharedPages, Integer> sharedHeld = new java.util.IdentityHashMap<>();
    private final SharedPages.ValidLengthListener validLengthListener = this::validLengthChanged;
    /** The MAP_SHARED file mappings, written back at the sync points ({@link SharedFileMapping}). */
    private final List<SharedFileMapping> shared = new java.util.ArrayList<>();

    /** A memory manager without a memory limit (kernel unit tests). */
    public MemoryManager(AddressSpace space) {
        this(space, new MemoryAccountant(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4));
        commitInitial();
    }

    /**
     * A memory manager charging {@code accountant}; nothing is charged until
     * {@link #commitInitial} (after the loader's {@link #registerMapped} calls).
     */
    public MemoryManager(AddressSpace space, MemoryAccountant accountant) {
        this.space = space;
        this.accountant = accountant;
        space.setPageFaultHandler(this::populate);
    }

    public AddressSpace space() {
        return space;
    }

    /** The process's limits (RLIMIT_AS, RLIMIT_DATA) this memory map obeys; null: none. */
    public void setLimits(ResourceLimits limits) {
        this.limits = limits;
    }

    /** Installs the OOM killer called when a touched page cannot be charged. */
    public void setOutOfMemory(OutOfMemory oom) {
        this.oom = oom;
    }

    /** Bytes this process is charged (for the OOM killer's choice and its report). */
    public long charged() {
        return charged;
    }

    /** Records a mapping the loader made directly in the address space. */
    public void registerMapped(long start, long length, int prot, String name) {
        long end = pageUp(start + length);
        start = pageDown(start);
        for (Vma v : overlapping(start, end)) {
            removeRange(v, start, end);
        }
        insert(new Vma(start, end, prot, name));
    }

    /**
     * Records a demand-paged range the loader left out of the engine (the stack below its first
     * pages): touched pages are mapped and charged as they come, as Linux grows a stack.
     */
    public void registerOnDemand(long start, long length, int prot, String name) {
        insert(new Vma(pageDown(start), pageUp(start + length), prot, name, Backing.ON_DEMAND, false));
    }

    /** Charges what the loader mapped and the process itself; false (ENOMEM) if it does not fit. */
    public boolean commitInitial() {
        if (!accountant.tryCharge(committed - charged)) {
            return false;
        }
        charged = committed;
        return true;
    }

    /** Where exec put the program's parts (mm->start_code … env_end); copied by fork. */
    private ExecLayout execLayout = ExecLayout.NONE;

    public ExecLayout execLayout() {
        return execLayout;
    }

    public void setExecLayout(ExecLayout layout) {
        this.execLayout = layout;
    }

    /** mm->start_brk: where the heap begins. */
    public long brkStart() {
        return brkStart;
    }

    /** mm->brk: the current program break. */
    public long currentBrk() {
        return brk;
    }

    /** Sets the initial program break (the page-aligned end of the image). */
    public void initBrk(long start) {
        brkStart = pageUp(start);
        brk = brkStart;
    }

    /** brk(2): returns the new break, or the current one when the request cannot be met. */
    public long brk(long requested) {
        if (requested < brkStart || requested > brkStart + BRK_LIMIT) {
            return brk;
        }
        long oldTop = pageUp(brk);
        long newTop = pageUp(requested);
        if (newTop > oldTop) {
            long grow = newTop - oldTop;
            if (!overlapping(oldTop, newTop).isEmpty() || !mayExpand(grow, Prot.READ | Prot.WRITE, grow)
                    || !reserve(MemoryAccountant.withPageTables(grow))) {
                return brk;
            }
            try {
                mapNew(oldTop, grow, Prot.READ | Prot.WRITE, "[heap]", false, false);
            } catch (HostMemoryException e) {
                settle();
                return brk;
            }
            settle();
        } else if (newTop < oldTop) {
            unmapRange(newTop, oldTop);
            settle();
        }
        brk = requested;
        return brk;
    }

    /** {@link #mmapAnonymous(long, long, int, boolean, boolean, boolean, String)} without MAP_NORESERVE. */
    public long mmapAnonymous(long hint, long length, int prot, boolean fixed, boolean noReplace, String name) {
        return mmapAnonymous(hint, length, prot, fixed, noReplace, false, name);
    }

    /**
     * mmap(2) of anonymous memory.
     *
     * @param hint the requested address (0 for none)
     * @param fixed MAP_FIXED: place exactly at hint, replacing what is there
     * @param noReplace MAP_FIXED_NOREPLACE: place exactly at hint, EEXIST if anything is there
     * @param noReserve MAP_NORESERVE: pages are charged when touched, not now
     * @return the address or -errno
     */
    public long mmapAnonymous(long hint, long length, int prot, boolean fixed, boolean noReplace,
                              boolean noReserve, String name) {
        if (length <= 0 || length > TASK_SIZE) {
            return Errno.ENOMEM.ret();
        }
        long len = pageUp(length);
        long addr = placement(hint, len, fixed, noReplace);
        if (addr < 0) {
            return addr;
        }
        long replaced = mappedIn(addr, addr + len);
        long replacedData = dataIn(addr, addr + len);
        boolean eagerWritable = !noReserve && (prot & Prot.WRITE) != 0;
        if (!mayExpand(len - replaced, prot, len - replacedData)) {
            return Errno.ENOMEM.ret();
        }
        long need = eagerWritable ? MemoryAccountant.withPageTables(len) - accountedIn(addr, addr + len) : 0;
        if (!reserve(need)) {
            return Errno.ENOMEM.ret();
        }
        unmapRange(addr, addr + len);
        try {
            mapNew(addr, len, prot, name, noReserve, true);
        } catch (HostMemoryException e) {
            settle();
            return Errno.ENOMEM.ret();
        }
        settle();
        return addr;
    }

    /** Where a new mapping of {@code len} bytes goes (get_unmapped_area), or -errno. */
    private long placement(long hint, long len, boolean fixed, boolean noReplace) {
        if (fixed || noReplace) {
            if ((hint & (PAGE - 1)) != 0) {
                return Errno.EINVAL.ret();
            }
            if (hint < MMAP_MIN || hint + len > TASK_SIZE || hint + len < hint) {
                return Errno.ENOMEM.ret();
            }
            if (!overlapping(hint, hint + len).isEmpty() && noReplace) {
                return Errno.EEXIST.ret();
            }
            return hint;
        }
        if (hint != 0) {
            long h = pageDown(hint);
            if (h >= MMAP_MIN && h + len <= TASK_SIZE && h + len > h && overlapping(h, h + len).isEmpty()) {
                return h;
            }
        }
        long addr = findFreeTopDown(len);
        return addr < 0 ? Errno.ENOMEM.ret() : addr;
    }

    /**
     * mmap(2) of shared pages (a BPF map, a shared memory object, a perf ring): maps
     * [offset, offset + length) of {@code pages} so that this process, the kernel and every other
     * mapping see the same bytes. The pages are charged to their owner, not to this mapping.
     *
     * @param mayWrite VM_MAYWRITE: whether mprotect may later add PROT_WRITE
     * @param mayExec VM_MAYEXEC: whether mprotect may later add PROT_EXEC
     * @return the address or -errno
     */
    public long mmapShared(long hint, long length, int prot, boolean fixed, boolean noReplace, SharedPages pages,
                           long offset, boolean mayWrite, boolean mayExec, String name) {
        if (length <= 0 || length > TASK_SIZE) {
            return Errno.ENOMEM.ret();
        }
        long len = pageUp(length);
        if ((offset & (PAGE - 1)) != 0 || offset < 0 || offset + len > pages.length()) {
            return Errno.EINVAL.ret();
        }
        long addr = placement(hint, len, fixed, noReplace);
        if (addr < 0) {
            return addr;
        }
        if (!mayExpand(len - mappedIn(addr, addr + len), prot, 0)) {
            return Errno.ENOMEM.ret();
        }
        unmapRange(addr, addr + len);
        try {
            mapLike(new Vma(addr, addr + len, prot, name, Backing.SHARED, false,
                    new Vma.Shared(pages, offset, mayWrite, mayExec)));
        } catch (HostMemoryException e) {
            settle();
            return Errno.ENOMEM.ret();
        }
        settle();
        return addr;
    }

    /**
     * Adopts a shared file mapping just made in this memory; its snapshot is charged to the
     * guest's memory. False (the mapping released) when the charge does not fit.
     */
    public boolean addShared(SharedFileMapping m) {
        if (!accountant.tryChargeHeap(m.snapshotBytes())) {
            m.release();
            return false;
        }
        shared.add(m);
        return true;
    }

    private void dropShared(SharedFileMapping m) {
        shared.remove(m);
        m.release();
        accountant.unchargeHeap(m.snapshotBytes());
    }

    /**
     * Writes back and forgets the shared file mappings in [start, end); a mapping partly outside
     * the range keeps its outside parts as mappings of their own (split_vma).
     */
    private void unshare(long start, long end) {
        for (SharedFileMapping m : List.copyOf(shared)) {
            if (!m.overlaps(start, end)) {
                continue;
            }
            if (m.start < start) {
                addShared(m.slice(m.start, start));
            }
            if (m.start + m.length > end) {
                addShared(m.slice(end, m.start + m.length));
            }
            dropShared(m);
        }
    }

    /**
     * msync(2) (mm/msync.c): the shared file mappings in the range are written back (and, with
     * MS_INVALIDATE, reloaded from the file); EINVAL for bad flags or an unaligned start, ENOMEM
     * when part of the range is not mapped (after the mapped part was synced, as Linux does).
     */
    public long msync(long addr, long length, int flags) {
        final int msAsync = 1, msInvalidate = 2, msSync = 4;
        if ((addr & (PAGE - 1)) != 0 || (flags & ~(msAsync | msInvalidate | msSync)) != 0
                || (flags & (msAsync | msSync)) == (msAsync | msSync)) {
            return Errno.EINVAL.ret();
        }
        long end = addr + pageUp(length);
        if (end < addr) {
            return Errno.ENOMEM.ret();
        }
        long err = 0;
        for (SharedFileMapping m : List.copyOf(shared)) {
            if (m.overlaps(addr, end)) {
                long r = m.sync((flags & msInvalidate) != 0);
                if (r < 0 && err == 0) {
                    err = r;
                }
            }
        }
        if (err < 0) {
            return Errno.EIO.ret();
        }
        for (long at = addr; at < end; ) {
            Vma v = vmaAt(at);
            if (v == null) {
                return Errno.ENOMEM.ret();
            }
            at = v.end();
        }
        return 0;
    }

    /** munmap(2). */
    public long munmap(long addr, long length) {
        if ((addr & (PAGE - 1)) != 0 || length <= 0 || addr + length > TASK_SIZE || addr + length < addr) {
            return Errno.EINVAL.ret();
        }
        unmapRange(addr, addr + pageUp(length));
        settle();
        return 0;
    }

    /** mprotect(2): the whole range must be mapped, else ENOMEM. */
    public long mprotect(long addr, long length, int prot) {
        if ((addr & (PAGE - 1)) != 0 || (prot & ~7) != 0) {
            return Errno.EINVAL.ret();
        }
        long end = addr + pageUp(length);
        if (end < addr) {
            return Errno.ENOMEM.ret();
        }
        if (end == addr) {
            return 0;
        }
        if (!fullyMapped(addr, end)) {
            return Errno.ENOMEM.ret();
        }
        for (Vma v : overlapping(addr, end)) {
            if (v.shared() != null && ((prot & Prot.WRITE) != 0 && !v.shared().mayWrite()
                    || (prot & Prot.EXEC) != 0 && !v.shared().mayExec())) {
                return Errno.EACCES.ret(); // mprotect_fixup: the VMA lacks VM_MAYWRITE / VM_MAYEXEC
            }
        }
        List<Vma> pieces = new ArrayList<>();
        long need = 0;
        long newData = 0;
        for (Vma v : overlapping(addr, end)) {
            Vma old = v.slice(Math.max(v.start(), addr), Math.min(v.end(), end));
            Vma now = reprotected(old, prot);
            if (now.accounted() && !old.accounted()) {
                need += MemoryAccountant.withPageTables(old.length());
            }
            if (isData(now) && !isData(old)) {
                newData += old.length();
            }
            pieces.add(old);
        }
        if (!mayExpand(0, prot, newData) || !reserve(need)) {
            return Errno.ENOMEM.ret();
        }
        for (Vma old : pieces) {
            Vma now = reprotected(old, prot);
            try {
                switch (old.backing()) {
                    case RESERVED -> {
                        if (now.backing() == Backing.EAGER) {
                            space.map(old.start(), old.length(), prot);
                        }
                    }
                    case EAGER -> space.protect(old.start(), old.length(), prot);
                    case SHARED -> {
                        long e = engineEnd(old);
                        if (e > old.start()) {
                            space.protect(old.start(), e - old.start(), prot);
                        }
                    }
                    case ON_DEMAND -> {
                        for (Map.Entry<Long, Long> p : populatedIn(old.start(), old.end())) {
                            long s = Math.max(p.getKey(), old.start());
                            space.protect(s, Math.min(p.getValue(), old.end()) - s, prot);
                        }
                    }
                }
            } catch (HostMemoryException e) {
                settle();
                return Errno.ENOMEM.ret();
            }
            removeRange(vmaAt(old.start()), old.start(), old.end());
            putMerged(now);
        }
        settle();
        return 0;
    }

    /** {@code v} with protection {@code prot}: a reservation made accessible becomes committed. */
    private static Vma reprotected(Vma v, int prot) {
        if (v.backing() == Backing.SHARED) {
            return v.withProt(prot);
        }
        Backing b = v.backing() == Backing.RESERVED && prot != Prot.NONE ? Backing.EAGER : v.backing();
        boolean accounted = v.accounted() || b == Backing.EAGER && (prot & Prot.WRITE) != 0;
        return new Vma(v.start(), v.end(), prot, v.name(), b, accounted);
    }

    /** mremap(2) for anonymous mappings: shrink in place, grow in place, or move. */
    public long mremap(long oldAddr, long oldSize, long newSize, boolean mayMove, boolean fixed, long newAddr) {
        if ((oldAddr & (PAGE - 1)) != 0 || newSize == 0 || Long.compareUnsigned(newSize, TASK_SIZE) > 0
                || Long.compareUnsigned(oldSize, TASK_SIZE) > 0) {
            return Errno.EINVAL.ret();
        }
        long oldLen = pageUp(oldSize);
        long newLen = pageUp(newSize);
        Vma v = vmaAt(oldAddr);
        if (v == null || oldAddr + oldLen > v.end()) {
            return Errno.EFAULT.ret();
        }
        if (v.shared() != null && v.shared().offset() + (oldAddr - v.start()) + newLen > v.shared().pages().length()) {
            // Linux grows the VMA and raises SIGBUS past the end of the shared object; emu
            // maps no pages that do not exist, so it refuses the growth.
            return Errno.ENOMEM.ret();
        }
        if (fixed) {
            if (!mayMove || (newAddr & (PAGE - 1)) != 0 || newAddr < MMAP_MIN || newAddr + newLen > TASK_SIZE
                    || newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) {
                return Errno.EINVAL.ret();
            }
            return move(oldAddr, oldLen, newLen, newAddr, v);
        }
        if (newLen <= oldLen) {
            if (newLen < oldLen) {
                unmapRange(oldAddr + newLen, oldAddr + oldLen);
                settle();
            }
            return oldAddr;
        }
        long tailStart = oldAddr + oldLen;
        long tailEnd = oldAddr + newLen;
        long grow = newLen - oldLen;

        if (!mayExpand(grow, v.prot(), isData(v) ? grow : 0)) {
            return Errno.ENOMEM.ret();
        }
        if (tailEnd <= TASK_SIZE && overlapping(tailStart, tailEnd).isEmpty()) {
            if (!reserve(v.accounted() ? MemoryAccountant.withPageTables(grow) : 0)) {
                return Errno.ENOMEM.ret();
            }
            try {
                mapLike(v.slice(tailStart, tailEnd));
            } catch (HostMemoryException e) {
                settle();
                return Errno.ENOMEM.ret();
            }
            settle();
            return oldAddr;
        }
        if (!mayMove) {
            return Errno.ENOMEM.ret();
        }
        long dest = findFreeTopDown(newLen);
        if (dest < 0) {
            return Errno.ENOMEM.ret();
        }
        return move(oldAddr, oldLen, newLen, dest, v);
    }

    /**
     * mremap with an old length of 0 on a shared mapping: a second mapping of the same pages from
     * {@code oldAddr}'s offset, at {@code newAddr} (MREMAP_FIXED) or wherever it fits; the first
     * stays. Without MREMAP_MAYMOVE it would have to grow in place over itself: ENOMEM.
     */
    public long duplicateShared(long oldAddr, long newLen, boolean mayMove, boolean fixed, long newAddr) {
        Vma v = vmaAt(oldAddr);
        if (v == null || v.shared() == null) {
            return Errno.EINVAL.ret();
        }
        if (!mayMove) {
            return Errno.ENOMEM.ret();
        }
        long offset = v.shared().offset() + (pageDown(oldAddr) - v.start());
        if (offset + pageUp(newLen) > v.shared().pages().length()) {
            return Errno.ENOMEM.ret(); // past the shared object (Linux: SIGBUS there)
        }
        return mmapShared(fixed ? newAddr : 0, newLen, v.prot(), fixed, false, v.shared().pages(), offset,
                v.shared().mayWrite(), v.shared().mayExec(), v.name());
    }

    /**
     * Moves [oldAddr, oldAddr+oldLen) of {@code v} to {@code dest} with {@code newLen} bytes. Only
     * pages the engine holds are copied: a reservation or the untouched part of a demand-paged
     * mapping moves as bookkeeping.
     */
    private long move(long oldAddr, long oldLen, long newLen, long dest, Vma v) {
        if (!reserve(v.accounted() ? MemoryAccountant.withPageTables(newLen) : 0)) {
            return Errno.ENOMEM.ret();
        }
        unmapRange(dest, dest + newLen);
        Vma moved = v.slice(oldAddr, oldAddr + newLen).movedTo(dest);
        long copy = Math.min(oldLen, newLen);
        try {
            mapLike(moved);
            if (v.backing() == Backing.EAGER) {
                copyPages(oldAddr, dest, copy);
            } else if (v.backing() == Backing.ON_DEMAND) {
                for (Map.Entry<Long, Long> p : List.copyOf(populatedIn(oldAddr, oldAddr + copy))) {
                    long s = Math.max(p.getKey(), oldAddr);
                    long e = Math.min(p.getValue(), oldAddr + copy);
                    long to = dest + (s - oldAddr);
                    if (!mapPopulated(to, to + (e - s), v.prot(), !v.accounted())) {
                        unmapRange(dest, dest + newLen);
                        settle();
                        return Errno.ENOMEM.ret();
                    }
                    copyPages(s, to, e - s);
                }
            }
        } catch (HostMemoryException e) {
            unmapRange(dest, dest + newLen);
            settle();
            return Errno.ENOMEM.ret();
        }
        unmapRange(oldAddr, oldAddr + oldLen);
        settle();
        return dest;
    }

    private void copyPages(long from, long to, long length) {
        byte[] chunk = new byte[(int) Math.min(length, 1 << 20)];
        for (long done = 0; done < length; done += chunk.length) {
            int n = (int) Math.min(chunk.length, length - done);
            space.read(from + done, chunk, 0, n);
            space.write(to + done, chunk, 0, n);
        }
    }

    /**
     * madvise(MADV_DONTNEED): private anonymous pages read back as zero afterwards; the touched
     * pages of a demand-paged mapping are released (and uncharged), as Linux frees them.
     */
    public long dontNeed(long addr, long length) {
        if ((addr & (PAGE - 1)) != 0) {
            return Errno.EINVAL.ret();
        }
        long end = addr + pageUp(length);
        for (Vma v : overlapping(addr, end)) {
            long s = Math.max(v.start(), addr);
            long e = Math.min(v.end(), end);
            switch (v.backing()) {
                case EAGER -> space.zero(s, e - s);
                case ON_DEMAND -> unpopulate(s, e, v.accounted());
                case RESERVED, SHARED -> { } // shared pages keep their bytes (zap_page_range drops PTEs only)
            }
        }
        settle();
        return 0;
    }

    /** The VMA containing {@code addr}, or null. */
    public Vma vmaAt(long addr) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        return e != null && addr < e.getValue().end() ? e.getValue() : null;
    }

    public List<Vma> vmas() {
        return List.copyOf(vmas.values());
    }

    /**
     * A copy for fork: same VMAs and break over a forked address space, charged as a new
     * process with the same commitments; null (ENOMEM) when the memory limit or the host
     * cannot take it.
     */
    public MemoryManager fork() {
        if (!accountant.tryCharge(committed)) {
            return null;
        }
        AddressSpace childSpace;
        try {
            childSpace = space.fork();
        } catch (HostMemoryException e) {
            accountant.uncharge(committed);
            return null;
        }
        MemoryManager copy = new MemoryManager(childSpace, accountant);
        copy.vmas.putAll(vmas);
        copy.gaps = gaps.copy();
        for (Vma v : vmas.values()) {
            copy.hold(v); // the child's VMAs (dup_mmap, vm_ops->open)
        }
        copy.populated.putAll(populated);
        copy.populatedBytes = populatedBytes;
        copy.brkStart = brkStart;
        copy.brk = brk;
        copy.committed = committed;
        copy.charged = committed;
        copy.oom = oom;
        copy.savedAuxv = savedAuxv;
        copy.execLayout = execLayout;
        for (SharedFileMapping m : shared) {
            m.sync(false); // the child's copy starts agreeing with the file
            copy.addShared(m.forkInto(childSpace));
        }
        return copy;
    }

    /** The auxiliary vector exec wrote (mm->saved_auxv, /proc/PID/auxv), AT_NULL last. */
    private java.util.List<dev.emu.kernel.loader.AuxEntry> savedAuxv = java.util.List.of();

    public java.util.List<dev.emu.kernel.loader.AuxEntry> savedAuxv() {
        return savedAuxv;
    }

    public void setSavedAuxv(java.util.List<dev.emu.kernel.loader.AuxEntry> auxv) {
        this.savedAuxv = java.util.List.copyOf(auxv);
    }

    /** Releases the address space and every charge (exit, or the old image at execve). */
    public void close() {
        if (closed || --users > 0) {
            return; // another process (clone(CLONE_VM), vfork) still runs in it
        }
        closed = true;
        for (SharedFileMapping m : List.copyOf(shared)) {
            dropShared(m);
        }
        for (Vma v : vmas.values()) {
            unhold(v);
        }
        space.close();
        accountant.uncharge(charged);
        charged = 0;
    }

    public boolean closed() {
        return closed;
    }

    /** Processes using this memory (mm_users): clone(CLONE_VM) without CLONE_THREAD and vfork share it. */
    private int users = 1;

    /** Another process shares this memory until it execs or exits (each then calls {@link #close}). */
    public MemoryManager share() {
        users++;
        return this;
    }

    /**
     * Demand paging (the platform's {@link dev.emu.kernel.platform.PageFaultHandler}): maps and
     * charges the granule around {@code address} if it lies in an accessible MAP_NORESERVE
     * mapping. When the charge does not fit, the OOM killer runs; if it killed this process
     * the fault stands (the process is gone anyway).
     */
    public boolean populate(long address) {
        Vma v = vmaAt(address);
        if (closed || v == null || v.backing() != Backing.ON_DEMAND || v.prot() == Prot.NONE) {
            return false;
        }
        boolean charge = !v.accounted(); // an accounted VMA was charged whole when mapped
        Map.Entry<Long, Long> below = populated.floorEntry(address);
        if (below != null && below.getValue() > address) {
            return false; // mapped already: a real fault
        }
        long floor = Math.max(v.start(), below == null ? 0 : below.getValue());
        Map.Entry<Long, Long> above = populated.higherEntry(address);
        long ceiling = Math.min(v.end(), above == null ? Long.MAX_VALUE : above.getKey());
        long granule = Math.clamp(Long.highestOneBit(Math.max(1, populatedBytes / 16)), GRANULE, MAX_GRANULE);
        for (; granule > PAGE; granule >>= 1) {
            long lo = Math.max(floor, address & -granule);
            long hi = Math.min(ceiling, (address & -granule) + granule);
            if (!charge || MemoryAccountant.withPageTables(hi - lo) <= accountant.limit() - accountant.charged()) {
                return mapPopulated(lo, hi, v.prot(), charge);
            }
        }
        return mapPopulated(address & -PAGE, (address & -PAGE) + PAGE, v.prot(), charge);
    }

    /**
     * Maps [lo, hi) of a demand-paged mapping and, if {@code charge} (MAP_NORESERVE), charges it,
     * calling the OOM killer if needed.
     */
    private boolean mapPopulated(long lo, long hi, int prot, boolean charge) {
        long cost = charge ? MemoryAccountant.withPageTables(hi - lo) : 0;
        while (!accountant.tryCharge(cost)) {
            if (oom == null || !oom.kill(this, cost) || closed) {
                return false;
            }
        }
        try {
            space.map(lo, hi - lo, prot);
        } catch (HostMemoryException e) {
            accountant.uncharge(cost);
            return false;
        }
        populated.put(lo, hi);
        populatedBytes += hi - lo;
        committed += cost;
        charged += cost;
        return true;
    }

    // ---- bookkeeping ---------------------------------------------------------------------------

    /**
     * Creates the VMA [addr, addr+len) and backs it in the engine as its kind needs; with
     * {@code mayDefer}, a big writable one is demand-paged ({@link #LAZY_MIN}).
     */
    private void mapNew(long addr, long len, int prot, String name, boolean noReserve, boolean mayDefer) {
        boolean writable = (prot & Prot.WRITE) != 0;
        boolean lazy = mayDefer && !noReserve && writable && len >= LAZY_MIN;
        Backing b = noReserve || lazy ? Backing.ON_DEMAND : prot == Prot.NONE ? Backing.RESERVED : Backing.EAGER;
        mapLike(new Vma(addr, addr + len, prot, name, b, (b == Backing.EAGER || lazy) && writable));
    }

    private void mapLike(Vma v) {
        if (v.backing() == Backing.EAGER) {
            space.map(v.start(), v.length(), v.prot());
        } else if (v.backing() == Backing.SHARED) {
            long e = engineEnd(v); // the pages past the object's end stay out: SIGBUS there
            if (e > v.start()) {
                space.mapShared(v.start(), v.shared().pages(), v.shared().offset(), e - v.start(), v.prot());
            }
        }
        putMerged(v);
    }

    /** Charges {@code bytes} ahead of an operation; {@link #settle} later corrects the estimate. */
    private boolean reserve(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        if (!accountant.tryCharge(bytes)) {
            return false;
        }
        charged += bytes;
        return true;
    }

    /** Makes the charge equal what the VMAs commit (returns what an operation released). */
    private void settle() {
        if (charged > committed) {
            accountant.uncharge(charged - committed);
            charged = committed;
        } else if (charged < committed && accountant.tryCharge(committed - charged)) {
            // Estimates are never low; should one be, the pages exist and are charged if they fit.
            charged = committed;
        }
    }

    /** may_expand_vm: RLIMIT_AS over every mapping, RLIMIT_DATA over private writable ones. */
    private boolean mayExpand(long addedVm, int prot, long addedData) {
        if (limits == null) {
            return true;
        }
        // The sums walk every VMA: only when a limit is set (the default is unlimited).
        if (addedVm > 0 && limits.soft(ResourceLimits.RLIMIT_AS) != ResourceLimits.RLIM_INFINITY
                && limits.exceeds(ResourceLimits.RLIMIT_AS, totalVm() + addedVm)) {
            return false;
        }
        return addedData <= 0 || (prot & Prot.WRITE) == 0
                || limits.soft(ResourceLimits.RLIMIT_DATA) == ResourceLimits.RLIM_INFINITY
                || !limits.exceeds(ResourceLimits.RLIMIT_DATA, dataVm() + addedData);
    }

    /** Bytes of every mapping, reservations included (RLIMIT_AS, the OOM report's total-vm). */
    public long totalVm() {
        long n = 0;
        for (Vma v : vmas.values()) {
            n += v.length();
        }
        return n;
    }

    /** Linux's data_vm: private writable mappings that are not the stack (shared ones are not data). */
    private long dataVm() {
        long n = 0;
        for (Vma v : vmas.values()) {
            n += isData(v) ? v.length() : 0;
        }
        return n;
    }

    private static boolean isData(Vma v) {
        return (v.prot() & Prot.WRITE) != 0 && !v.name().equals("[stack]") && v.backing() != Backing.SHARED;
    }

    private long mappedIn(long start, long end) {
        long n = 0;
        for (Vma v : overlapping(start, end)) {
            n += Math.min(v.end(), end) - Math.max(v.start(), start);
        }
        return n;
    }

    private long dataIn(long start, long end) {
        long n = 0;
        for (Vma v : overlapping(start, end)) {
            n += isData(v) ? Math.min(v.end(), end) - Math.max(v.start(), start) : 0;
        }
        return n;
    }

    private long accountedIn(long start, long end) {
        long n = 0;
        for (Vma v : overlapping(start, end)) {
            n += v.accounted() ? MemoryAccountant.withPageTables(Math.min(v.end(), end) - Math.max(v.start(), start)) : 0;
        }
        return n;
    }

    private void insert(Vma v) {
        vmas.put(v.start(), v);
        gaps.refresh(vmas, v.start(), v.end());
        committed += v.accounted() ? MemoryAccountant.withPageTables(v.length()) : 0;
        hold(v);
    }

    private void remove(Vma v) {
        vmas.remove(v.start());
        gaps.refresh(vmas, v.start(), v.end());
        committed -= v.accounted() ? MemoryAccountant.withPageTables(v.length()) : 0;
        unhold(v);
    }

    /**
     * A SHARED VMA holds its pages, counts as a writable mapping if it may write, and makes this
     * memory follow the pages' valid length.
     */
    private void hold(Vma v) {
        if (v.shared() != null) {
            SharedPages p = v.shared().pages();
            p.retain();
            if (v.shared().mayWrite()) {
                p.addWritableMapping();
            }
            if (sharedHeld.merge(p, 1, Integer::sum) == 1) {
                p.addListener(validLengthListener);
            }
        }
    }

    private void unhold(Vma v) {
        if (v.shared() != null) {
            SharedPages p = v.shared().pages();
            if (v.shared().mayWrite()) {
                p.removeWritableMapping();
            }
            if (sharedHeld.merge(p, -1, Integer::sum) == 0) {
                sharedHeld.remove(p);
                p.removeListener(validLengthListener);
            }
            p.release();
        }
    }

    /** The end of the part of a SHARED VMA within its pages' valid length (what the engine maps). */
    private static long engineEnd(Vma v) {
        long valid = v.shared().pages().validLength() - v.shared().offset();
        return v.start() + Math.clamp(valid, 0, v.length());
    }

    /**
     * The object behind shared pages shrank or grew (a tmpfs file truncated or extended):
     * mappings drop the pages past its end (later accesses there are SIGBUS) or map the pages
     * it gained (Linux: unmap_mapping_range on truncation; faults map them back in).
     */
    private void validLengthChanged(SharedPages pages, long oldValid, long newValid) {
        if (closed) {
            return;
        }
        for (Vma v : List.copyOf(vmas.values())) {
            if (v.shared() == null || v.shared().pages() != pages) {
                continue;
            }
            long off = v.shared().offset();
            long lo = Math.max(Math.min(oldValid, newValid), off);
            long hi = Math.min(Math.max(oldValid, newValid), off + v.length());
            if (lo >= hi) {
                continue;
            }
            long at = v.start() + (lo - off);
            if (newValid < oldValid) {
                space.unmap(at, hi - lo);
            } else {
                try {
                    space.mapShared(at, pages, lo, hi - lo, v.prot());
                } catch (HostMemoryException e) {
                    // The host refused the mapping: those pages stay out, and an access is SIGBUS.
                }
            }
        }
    }

    /** Whether {@code address} is in a shared mapping but past the end of the object it maps (SIGBUS). */
    public boolean pastObjectEnd(long address) {
        Vma v = vmaAt(address);
        return v != null && v.shared() != null
                && v.shared().offset() + (pageDown(address) - v.start()) >= v.shared().pages().validLength();
    }

    /** Inserts {@code v}, merging it with neighbours of the same kind (vma_merge). */
    private void putMerged(Vma v) {
        long start = v.start();
        long end = v.end();
        Map.Entry<Long, Vma> below = vmas.lowerEntry(start);
        if (below != null && below.getValue().end() == start && below.getValue().sameKind(v)) {
            start = below.getKey();
            remove(below.getValue());
        }
        Vma above = vmas.get(end);
        if (above != null && above.sameKind(v)) {
            end = above.end();
            remove(above);
        }
        insert(v.slice(start, end));
    }

    private void unmapRange(long start, long end) {
        if (!shared.isEmpty()) {
            unshare(start, end);
        }
        for (Vma v : overlapping(start, end)) {
            long s = Math.max(v.start(), start);
            long e = Math.min(v.end(), end);
            removeRange(v, s, e);
            switch (v.backing()) {
                case EAGER, SHARED -> space.unmap(s, e - s);
                case ON_DEMAND -> unpopulate(s, e, v.accounted());
                case RESERVED -> { }
            }
        }
    }

    /**
     * Unmaps the engine-held pieces of demand-paged memory in [s, e) and drops their charge
     * (none for an accounted VMA: its charge goes with the VMA).
     */
    private void unpopulate(long s, long e, boolean accounted) {
        for (Map.Entry<Long, Long> p : List.copyOf(populatedIn(s, e))) {
            long ps = p.getKey();
            long pe = p.getValue();
            populated.remove(ps);
            long cs = Math.max(ps, s);
            long ce = Math.min(pe, e);
            if (ps < cs) {
                populated.put(ps, cs);
            }
            if (ce < pe) {
                populated.put(ce, pe);
            }
            space.unmap(cs, ce - cs);
            populatedBytes -= ce - cs;
            committed -= accounted ? 0 : MemoryAccountant.withPageTables(ce - cs);
        }
    }

    private List<Map.Entry<Long, Long>> populatedIn(long s, long e) {
        List<Map.Entry<Long, Long>> out = new ArrayList<>();
        Map.Entry<Long, Long> first = populated.floorEntry(s);
        long from = first != null && first.getValue() > s ? first.getKey() : s;
        for (Map.Entry<Long, Long> p : populated.subMap(from, true, e, false).entrySet()) {
            if (p.getValue() > s) {
                out.add(Map.entry(p.getKey(), p.getValue()));
            }
        }
        return out;
    }

    /** Removes [s, e) from the bookkeeping of {@code v}, keeping the parts outside. */
    private void removeRange(Vma v, long s, long e) {
        remove(v);
        if (v.start() < s) {
            insert(v.slice(v.start(), s));
        }
        if (e < v.end()) {
            insert(v.slice(e, v.end()));
        }
    }

    private List<Vma> overlapping(long start, long end) {
        List<Vma> out = new ArrayList<>();
        Map.Entry<Long, Vma> first = vmas.floorEntry(start);
        Long from = first != null && first.getValue().end() > start ? first.getKey() : Long.valueOf(start);
        for (Vma v : vmas.subMap(from, true, end, false).values()) {
            if (v.end() > start && v.start() < end) {
                out.add(v);
            }
        }
        return out;
    }

    private boolean fullyMapped(long start, long end) {
        long at = start;
        for (Vma v : overlapping(start, end)) {
            if (v.start() > at) {
                return false;
            }
            at = v.end();
        }
        return at >= end;
    }

    /** The highest free placement of {@code len} bytes below MMAP_BASE (top-down, as Linux with ASLR off), or -1. */
    private long findFreeTopDown(long len) {
        return gaps.highestFit(len);
    }

    public static long pageUp(long x) {
        return (x + PAGE - 1) & -PAGE;
    }

    static long pageDown(long x) {
        return x & -PAGE;
    }

    @Override
    public String toString() {
        return "MemoryManager{brk=0x" + Long.toHexString(brk) + ", vmas=" + vmas.size()
                + ", charged=" + (charged >> 10) + " KiB}";
    }
}
