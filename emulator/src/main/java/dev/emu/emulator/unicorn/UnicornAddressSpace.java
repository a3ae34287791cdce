package dev.emu.emulator.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.HostMemoryException;
import dev.emu.kernel.platform.PageFaultHandler;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.SharedPages;
import dev.emu.kernel.platform.StopReason;
import dev.emu.kernel.platform.SyscallTrap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One guest process's memory and CPU: one Unicorn engine (x86, 64-bit mode).
 *
 * <p>The threads of the process are {@link UnicornCpu}s, each holding a saved {@code uc_context}.
 * At most one of them is <em>loaded</em> (its registers live in the engine, its saved context is
 * stale); running or touching another thread's registers in the engine first saves the loaded
 * one and restores the other ({@link #switchTo}). Like a CPU's task switch, this is skipped when
 * the same thread runs again.
 *
 * <p>Hooks installed on every engine: the native block counter (time slices, {@link
 * SliceCounter}), and Java upcalls for {@code syscall}, CPU exceptions (UC_HOOK_INTR) and invalid
 * memory accesses. An exception must never unwind out of an upcall (the JVM would abort), so the
 * upcall wrappers stash it, stop the engine, and {@link UnicornCpu#run} rethrows it.
 *
 * <p>Not thread-safe: all calls happen on the emulation thread (see {@code Platform}).
 */
final class UnicornAddressSpace implements AddressSpace {

    /** Emulation never reaches this "until" address (non-canonical-free kernel half). */
    private static final long UNTIL = -1L;
    /** A data address no user process maps (the last page): the sync-PC hook's range. */
    private static final long NEVER_MAPPED = -4096L;
    /** "No pending RIP": not a user address (non-canonical). */
    private static final long NO_RIP = 0x8000_0000_0000_0001L;
    /** Length of the {@code syscall} instruction (0F 05). */
    static final long SYSCALL_LENGTH = 2;
    private static final int CHUNK = 1 << 20;
    /** Physical addresses of shared-page windows start here: above user space, below the shadow range. */
    private static final long WINDOW_BASE = 1L << 47;
    private static final int RWX = 7;
    private static final long PAGE = 4096;
    /** TLB misses since the last flush after which {@link #run} flushes (lets the TLB grow; see flushTlb()). */
    private static final long TLB_MISSES_BEFORE_FLUSH = 4096;
    /** Blocks after which {@link #run} flushes anyway (about 0.1-0.3 s of guest code). */
    private static final long TLB_REGROW_BLOCKS = 1L << 25;
    private static final byte[] ZEROS = new byte[64 * 1024];
    /** CHUNK zero bytes to compare copied chunks with. */
    private static final MemorySegment ZERO_SEGMENT = MemorySegment.ofArray(new byte[CHUNK]);

    private static final MethodHandle ON_SYSCALL;
    private static final MethodHandle ON_INTERRUPT;
    private static final MethodHandle ON_BAD_MEMORY;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            MethodType upcall = MethodType.methodType(long.class, long.class, long.class, long.class, long.class,
                    long.class, long.class);
            ON_SYSCALL = l.findVirtual(UnicornAddressSpace.class, "syscallUpcall", upcall);
            ON_INTERRUPT = l.findVirtual(UnicornAddressSpace.class, "interruptUpcall", upcall);
            ON_BAD_MEMORY = l.findVirtual(UnicornAddressSpace.class, "badMemoryUpcall", upcall);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }


    private final UnicornPlatform platform;
    private final SliceCounter slice;
    /** Owns the scratch buffer and the upcall stubs; closed with the engine. */
    private final Arena arena;
    final MemorySegment uc;
    /** Register values and small memory accesses pass through here (16 bytes: an XMM register). */
    final MemorySegment scratch;
    /**
     * uc_reg_read_batch arguments for {@link #readSyscallRegs}, filled once: the register ids
     * (int[7]), pointers to the value slots, and the slots (long[7]).
     */
    private final MemorySegment syscallRegIds;
    private final MemorySegment syscallRegPtrs;
    private final MemorySegment syscallRegVals;
    /** The initial register state (all zero, SSE enabled), copied by {@link #newCpu}. */
    private final MemorySegment pristine;
    private final Set<UnicornCpu> cpus = Collections.newSetFromMap(new IdentityHashMap<>());

    /** The fast memory configuration (Unicorn 2.1.4+), or null on older libraries. */
    private final VirtualTlb tlb;
    /**
     * With {@link #tlb}: the guest's page tables (what is mapped where, with which permissions),
     * and the blocks of host memory behind its private pages. Without: null, and every mapping
     * is its own Unicorn region.
     */
    private final RegionTable table;
    private final GuestBlocks blocks;
    /** With {@link #tlb}: shared pages mapped into the engine, each once, above user space. */
    private final Map<HostPages, Window> windows = new IdentityHashMap<>();
    /** Where the next window goes in the engine's physical address space. */
    private long nextWindow = WINDOW_BASE;
    /** The platform's workDone() at the last TLB flush (see {@link #run}). */
    private long blocksAtFlush;
    /** The debugger's watch hook (uc_hook), 0 when not installed; see syncWatchHook. */
    private long watchHook;
    /** Misses after which the fill hook stops the engine for a flush (see flushTlb()). */
    private long missesBeforeFlush = TLB_MISSES_BEFORE_FLUSH;
    /** The fill hook's count at the last TLB flush (see {@link #run}). */
    private long fillsAtFlush;

    /**
     * Ranges mapped onto shared pages (mapShared), by start: each holds one reference to its
     * pages. Unicorn may split their regions (protect, partial unmap: split_region keeps a
     * uc_mem_map_ptr region's host memory); this table says which host bytes back which
     * addresses, for fork and for the references.
     */
    private final TreeMap<Long, SharedRange> sharedRanges = new TreeMap<>();

    /**
     * Shared pages in the engine's physical address space at [phys, phys + length), above every
     * user address: the table's entries for ranges mapped onto them carry delta = phys + offset
     * - address. One window per pages, whatever the number of ranges mapping them.
     */
    private record Window(long phys, long length) { }

    /** [start, end) mapped onto {@code pages} from byte {@code offset}. */
    private record SharedRange(long start, long end, HostPages pages, long offset) {
        long hostAddress(long address) {
            return pages.hostAddress(offset + (address - start));
        }
    }

    /** The thread whose registers are in the engine, or null. */
    private UnicornCpu loaded;

    // State of the current run(); only meaningful while `running` is non-null.
    private UnicornCpu running;
    private SyscallTrap trap;
    private boolean syscallStopped;
    /** A RIP the kernel set in a trap that stopped the thread; written after uc_emu_start. */
    private long resumeRip;
    private StopReason fault;
    /** Debugger stops delivered before this run; see stopReason. */
    private long debugStopsBefore;
    private Throwable upcallFailure;

    private boolean closed;
    private boolean closeDeferred;
    /** The kernel's demand paging, asked before an unmapped access becomes a fault; may be null. */
    private PageFaultHandler pageFaults;

    UnicornAddressSpace(UnicornPlatform platform) {
        this.platform = platform;
        this.slice = platform.slice();
        this.arena = Arena.ofShared();
        MemorySegment engine = null;
        try {
            engine = Unicorn.openX86_64();
            this.uc = engine;
            // The TLB type must be chosen before anything is mapped or run.
            this.tlb = platform.fastMemory() ? new VirtualTlb(uc, arena, slice) : null;
            if (tlb != null) {
                tlb.stopAfterMisses(TLB_MISSES_BEFORE_FLUSH); // see flushTlb()
            }
            this.table = tlb == null ? null : tlb.table();
            this.blocks = tlb == null ? null : new GuestBlocks(uc);
            this.scratch = arena.allocate(16, 16);
            this.syscallRegIds = arena.allocate(JAVA_INT, SYSCALL_REGS.length);
            this.syscallRegPtrs = arena.allocate(ADDRESS, SYSCALL_REGS.length);
            this.syscallRegVals = arena.allocate(JAVA_LONG, SYSCALL_REGS.length);
            for (int i = 0; i < SYSCALL_REGS.length; i++) {
                syscallRegIds.setAtIndex(JAVA_INT, i, X86.ucId(SYSCALL_REGS[i]));
                syscallRegPtrs.setAtIndex(ADDRESS, i, syscallRegVals.asSlice(i * 8L, 8));
            }
            // SAFETY: the hook's user_data is the 24-byte struct emu_slice it expects; `slice`
            // (held by this object) keeps it alive for as long as the engine.
            Unicorn.hookAdd(uc, Unicorn.UC_HOOK_BLOCK, SliceCounter.BLOCK_HOOK, slice.address(), 0);
            // SAFETY: the upcall stubs take the callbacks' arguments as Unicorn.UPCALL (the *Upcall
            // methods) and live in `arena`, which is closed only after uc_close (no callback can
            // run afterwards).
            Unicorn.hookAdd(uc, Unicorn.UC_HOOK_INSN,
                    Unicorn.LINKER.upcallStub(ON_SYSCALL.bindTo(this), Unicorn.UPCALL, arena),
                    MemorySegment.NULL, X86.INS_SYSCALL);
            Unicorn.hookAdd(uc, Unicorn.UC_HOOK_INTR,
                    Unicorn.LINKER.upcallStub(ON_INTERRUPT.bindTo(this), Unicorn.UPCALL, arena),
                    MemorySegment.NULL, 0);
            MemorySegment onBadMemory = Unicorn.LINKER.upcallStub(ON_BAD_MEMORY.bindTo(this), Unicorn.UPCALL, arena);
            if (tlb != null) {
                // Only over the shadow range: a hook covering guest addresses would keep every
                // store on Unicorn's slow path (VirtualTlb).
                Unicorn.hookAdd(uc, Unicorn.UC_HOOK_MEM_UNMAPPED | Unicorn.UC_HOOK_MEM_PROT, onBadMemory,
                        MemorySegment.NULL, VirtualTlb.SHADOW_BEGIN, VirtualTlb.SHADOW_END, 0);
            } else {
                Unicorn.hookAdd(uc, Unicorn.UC_HOOK_MEM_UNMAPPED | Unicorn.UC_HOOK_MEM_PROT, onBadMemory,
                        MemorySegment.NULL, 0);
            }
            if (tlb == null && platform.preciseFaults()) {
                Unicorn.hookAdd(uc, Unicorn.UC_HOOK_MEM_READ_WRITE, SliceCounter.SYNC_PC_HOOK, MemorySegment.NULL,
                        NEVER_MAPPED, NEVER_MAPPED, 0);
            }
            InsnHook insn = platform.insn();
            if (insn != null) {
                // SAFETY: user_data is the struct emu_insn the hooks expect; the platform (held by
                // this object) keeps it alive for as long as the engine.
                Unicorn.hookAdd(uc, Unicorn.UC_HOOK_CODE, InsnHook.CODE_HOOK, insn.address(), 0);
                if (platform.debug() != null && tlb == null) {
                    // Unicorn 2.0 cannot flush translations, so the watch hook cannot come and
                    // go with the watchpoints (syncWatchHook): it stays for the whole session.
                    watchHook = Unicorn.hookAdd(uc, Unicorn.UC_HOOK_MEM_READ_WRITE, InsnHook.WATCH_HOOK,
                            insn.address(), 0);
                }
            }
            // Linux enables fxsave/SSE for user code (CR4.OSFXSR, OSXMMEXCPT). Unicorn's SSE works
            // without them, but fxsave/fxrstor (used by some libcs) consult OSFXSR.
            setEngineRegister(X86.CR4, X86.CR4_OSFXSR_OSXMMEXCPT);
            // Unicorn resets MXCSR to 0 (every SIMD exception unmasked); Linux starts threads
            // with the hardware defaults.
            setEngineRegister(X86.MXCSR, X86.MXCSR_DEFAULT);
            setEngineRegister(X86.FPCW, X86.FPCW_DEFAULT);
            this.pristine = Unicorn.contextAlloc(uc);
            Unicorn.contextSave(uc, pristine);
        } catch (RuntimeException | Error e) {
            if (engine != null) {
                Unicorn.close(engine);
            }
            arena.close();
            throw e;
        }
    }

    private void setEngineRegister(int ucId, long value) {
        scratch.set(JAVA_LONG_UNALIGNED, 0, value);
        Unicorn.regWrite(uc, ucId, scratch);
    }

    UnicornPlatform platform() {
        return platform;
    }

    // ---- memory ------------------------------------------------------------------------------

    @Override
    public void map(long address, long length, int prot) {
        checkOpen();
        if (table != null) {
            refuseOverlap(address, length);
            blocks.ensure(address, address + length);
            table.set(address, address + length, prot, 0);
        } else {
            try {
                Unicorn.memMap(uc, address, length, prot);
            } catch (UnicornException e) {
                throw hostMemory(e);
            }
        }
        mappingChanged(address, length, prot);
    }

    @Override
    public void mapShared(long address, SharedPages pages, long pageOffset, long length, int prot) {
        checkOpen();
        if (!(pages instanceof HostPages host)) {
            throw new IllegalArgumentException("not this platform's shared pages: " + pages);
        }
        if (pageOffset < 0 || length <= 0 || pageOffset + length > pages.length() || ((pageOffset | length) & 4095) != 0) {
            throw new IllegalArgumentException("bad shared range: offset " + pageOffset + ", length " + length
                    + " of " + pages);
        }
        if (table != null) {
            refuseOverlap(address, length);
            Window w = window(host);
            table.set(address, address + length, prot, w.phys() + pageOffset - address);
        } else {
            try {
                Unicorn.memMapPtr(uc, address, length, prot, host.hostAddress(pageOffset));
            } catch (UnicornException e) {
                throw hostMemory(e);
            }
        }
        pages.retain();
        sharedRanges.put(address, new SharedRange(address, address + length, host, pageOffset));
        mappingChanged(address, length, prot);
    }

    /** The range must not overlap a mapping (AddressSpace#map), as uc_mem_map refuses it. */
    private void refuseOverlap(long address, long length) {
        if (table.anyIn(address, address + length)) {
            throw new UnicornException("uc_mem_map", Unicorn.UC_ERR_MAP, "0x" + Long.toHexString(address) + "+0x"
                    + Long.toHexString(length) + " overlaps a mapping");
        }
    }

    /**
     * The window of {@code pages} in this engine, mapped now if it is not yet. It holds no
     * reference of its own: the shared ranges mapping the pages do, and it goes with the last
     * of them ({@link #dropUnusedWindows}, before their references are released).
     */
    private Window window(HostPages pages) {
        Window w = windows.get(pages);
        if (w != null) {
            return w;
        }
        long length = (pages.length() + PAGE - 1) & -PAGE;
        if (nextWindow + length > VirtualTlb.SHADOW_BEGIN) {
            throw new HostMemoryException("no room left for shared-page windows in the engine");
        }
        try {
            Unicorn.memMapPtr(uc, nextWindow, length, RWX, pages.hostAddress(0));
        } catch (UnicornException e) {
            throw hostMemory(e);
        }
        w = new Window(nextWindow, length);
        nextWindow += length;
        windows.put(pages, w);
        return w;
    }

    /** Unmaps the windows of pages no shared range uses any more. */
    private void dropUnusedWindows() {
        if (windows.isEmpty()) {
            return;
        }
        Set<HostPages> used = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SharedRange r : sharedRanges.values()) {
            used.add(r.pages());
        }
        for (var it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<HostPages, Window> e = it.next();
            if (!used.contains(e.getKey())) {
                Unicorn.memUnmap(uc, e.getValue().phys(), e.getValue().length());
                it.remove();
            }
        }
    }

    /**
     * Forgets [start, end) of the shared ranges, keeping (and retaining for) the parts outside;
     * windows no range uses any more go before the references are released (their pages may be
     * freed then).
     */
    private void forgetShared(long start, long end) {
        java.util.List<HostPages> released = new java.util.ArrayList<>();
        Map.Entry<Long, SharedRange> first = sharedRanges.floorEntry(start);
        long from = first != null && first.getValue().end() > start ? first.getKey() : start;
        for (SharedRange r : java.util.List.copyOf(sharedRanges.subMap(from, true, end, false).values())) {
            if (r.end() <= start) {
                continue;
            }
            sharedRanges.remove(r.start());
            if (r.start() < start) {
                r.pages().retain();
                sharedRanges.put(r.start(), new SharedRange(r.start(), start, r.pages(), r.offset()));
            }
            if (end < r.end()) {
                r.pages().retain();
                sharedRanges.put(end, new SharedRange(end, r.end(), r.pages(), r.offset() + (end - r.start())));
            }
            released.add(r.pages());
        }
        dropUnusedWindows();
        for (HostPages p : released) {
            p.release();
        }
    }

    /** The shared range holding {@code address}, or null. */
    private SharedRange sharedAt(long address) {
        Map.Entry<Long, SharedRange> e = sharedRanges.floorEntry(address);
        return e != null && address < e.getValue().end() ? e.getValue() : null;
    }

    /** UC_ERR_NOMEM (the host refused the memory) is the guest's ENOMEM; anything else a bug. */
    private static RuntimeException hostMemory(UnicornException e) {
        return e.code() == Unicorn.UC_ERR_NOMEM ? new HostMemoryException(e.getMessage()) : e;
    }

    @Override
    public void setPageFaultHandler(PageFaultHandler handler) {
        this.pageFaults = handler;
    }

    /**
     * After a failed kernel access to [address, address+length): asks the kernel to map the first
     * missing page (demand paging); true when the access should be retried.
     */
    private boolean faultIn(long address, long length) {
        return pageFaults != null && pageFaults.populate(firstUnmapped(address, length));
    }

    @Override
    public void unmap(long address, long length) {
        checkOpen();
        long end = address + length;
        if (table != null) {
            unmapEntries(address, end);
        } else {
            for (Unicorn.Region r : Unicorn.memRegions(uc)) {
                long lo = Math.max(address, r.begin());
                long hi = Math.min(end, r.end() + 1);
                if (lo < hi) {
                    Unicorn.memUnmap(uc, lo, hi - lo);
                }
            }
        }
        if (!sharedRanges.isEmpty()) {
            forgetShared(address, end);
        }
        mappingChanged(address, length, 0);
    }

    /** Removes [address, end) from the table and gives its private pages back to the host. */
    private void unmapEntries(long address, long end) {
        for (int i = table.firstEndingAfter(address); i < table.count()
                && Long.compareUnsigned(table.begin(i), end) < 0; i++) {
            if (table.delta(i) == 0) {
                discardPrivate(Math.max(address, table.begin(i)), Math.min(end, table.end(i)));
            }
        }
        table.remove(address, end);
    }

    /** Zeroes private pages [lo, hi) (page-aligned) by giving them back to the host. */
    private void discardPrivate(long lo, long hi) {
        if (!blocks.discard(lo, hi)) {
            for (long at = lo; at < hi; ) { // cannot happen for private anonymous memory
                long n = Math.min(hi, blocks.pieceEnd(at)) - at;
                blocks.host(at, n).fill((byte) 0);
                at += n;
            }
        }
    }

    @Override
    public void protect(long address, long length, int prot) {
        checkOpen();
        long end = address + length;
        if (table != null) {
            table.protect(address, end, prot);
        } else {
            for (Unicorn.Region r : Unicorn.memRegions(uc)) {
                long lo = Math.max(address, r.begin());
                long hi = Math.min(end, r.end() + 1);
                if (lo < hi) {
                    Unicorn.memProtect(uc, lo, hi - lo, prot);
                }
            }
        }
        mappingChanged(address, length, prot);
    }

    /**
     * Keeps the fast configuration in step after map/unmap/protect (the table was edited): a
     * TLB flush, and fresh translations for pages that (again) allow execution.
     */
    private void mappingChanged(long address, long length, int prot) {
        if (tlb == null) {
            return;
        }
        tlb.flushTlb();
        if ((prot & 4) != 0 && length > 0) { // PROT_EXEC
            tlb.dropTranslations(address, address + length);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Unicorn's uc_mem_read ignores protections, so a PROT_NONE page reads successfully.
     */
    @Override
    public void read(long address, byte[] dst, int offset, int length) {
        checkOpen();
        MemorySegment heap = MemorySegment.ofArray(dst);
        if (table != null) {
            transfer(address, heap.asSlice(offset, length), false);
            return;
        }
        for (int done = 0; done < length; ) {
            int n = Math.min(CHUNK, length - done);
            if (Unicorn.memRead(uc, address + done, heap.asSlice(offset + done, n), n) != Unicorn.UC_ERR_OK) {
                if (faultIn(address + done, n)) {
                    continue;
                }
                throw new BadAddressException(firstUnmapped(address, length));
            }
            done += n;
        }
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) {
        checkOpen();
        MemorySegment heap = MemorySegment.ofArray(src);
        if (table != null) {
            transfer(address, heap.asSlice(offset, length), true);
            return;
        }
        for (int done = 0; done < length; ) {
            int n = Math.min(CHUNK, length - done);
            if (Unicorn.memWrite(uc, address + done, heap.asSlice(offset + done, n), n) != Unicorn.UC_ERR_OK) {
                if (faultIn(address + done, n)) {
                    continue;
                }
                throw new BadAddressException(firstUnmapped(address, length));
            }
            done += n;
        }
    }

    /**
     * Copies between {@code bytes} and guest memory at {@code address} through the table: each
     * present piece at its physical address (uc_mem_write invalidates translated code it
     * overwrites); an absent page is demand-paged or the first byte of a BadAddressException.
     */
    private void transfer(long address, MemorySegment bytes, boolean write) {
        long length = bytes.byteSize();
        for (long done = 0; done < length; ) {
            long at = address + done;
            int i = table.find(at);
            if (i < 0) {
                if (pageFaults != null && pageFaults.populate(at)) {
                    continue;
                }
                throw new BadAddressException(at);
            }
            long n = Math.min(Math.min(length - done, table.end(i) - at), CHUNK);
            long phys = at + table.delta(i);
            MemorySegment part = bytes.asSlice(done, n);
            int err = write ? Unicorn.memWrite(uc, phys, part, n) : Unicorn.memRead(uc, phys, part, n);
            if (err != Unicorn.UC_ERR_OK) {
                throw new IllegalStateException("a table entry's memory is not in the engine at 0x"
                        + Long.toHexString(at) + ": " + Unicorn.strerror(err));
            }
            done += n;
        }
    }

    /** The physical address of [address, address + n) if one table entry holds it, else -1. */
    private long physical(long address, int n) {
        int i = table.find(address);
        return i >= 0 && Long.compareUnsigned(table.end(i) - address, n) >= 0 ? address + table.delta(i) : -1;
    }

    /** A small kernel access through {@link #scratch}: the fast path when one entry holds it. */
    private void small(long address, int n, boolean write) {
        long phys = physical(address, n);
        if (phys != -1) {
            int err = write ? Unicorn.memWrite(uc, phys, scratch, n) : Unicorn.memRead(uc, phys, scratch, n);
            if (err == Unicorn.UC_ERR_OK) {
                return;
            }
        }
        transfer(address, scratch.asSlice(0, n), write);
    }

    @Override
    public long readLong(long address) {
        checkOpen();
        if (table != null) {
            small(address, 8, false);
            return scratch.get(JAVA_LONG_UNALIGNED, 0);
        }
        while (Unicorn.memRead(uc, address, scratch, 8) != Unicorn.UC_ERR_OK) {
            if (!faultIn(address, 8)) {
                throw new BadAddressException(firstUnmapped(address, 8));
            }
        }
        return scratch.get(JAVA_LONG_UNALIGNED, 0);
    }

    @Override
    public int readInt(long address) {
        checkOpen();
        if (table != null) {
            small(address, 4, false);
            return scratch.get(JAVA_INT_UNALIGNED, 0);
        }
        while (Unicorn.memRead(uc, address, scratch, 4) != Unicorn.UC_ERR_OK) {
            if (!faultIn(address, 4)) {
                throw new BadAddressException(firstUnmapped(address, 4));
            }
        }
        return scratch.get(JAVA_INT_UNALIGNED, 0);
    }

    @Override
    public void writeLong(long address, long value) {
        checkOpen();
        scratch.set(JAVA_LONG_UNALIGNED, 0, value);
        if (table != null) {
            small(address, 8, true);
            return;
        }
        while (Unicorn.memWrite(uc, address, scratch, 8) != Unicorn.UC_ERR_OK) {
            if (!faultIn(address, 8)) {
                throw new BadAddressException(firstUnmapped(address, 8));
            }
        }
    }

    @Override
    public void writeInt(long address, int value) {
        checkOpen();
        scratch.set(JAVA_INT_UNALIGNED, 0, value);
        if (table != null) {
            small(address, 4, true);
            return;
        }
        while (Unicorn.memWrite(uc, address, scratch, 4) != Unicorn.UC_ERR_OK) {
            if (!faultIn(address, 4)) {
                throw new BadAddressException(firstUnmapped(address, 4));
            }
        }
    }

    @Override
    public void zero(long address, long length) {
        checkOpen();
        if (table != null) {
            zeroEntries(address, length);
            return;
        }
        MemorySegment zeros = MemorySegment.ofArray(ZEROS);
        MemorySegment seen = MemorySegment.ofArray(new byte[ZEROS.length]);
        for (long done = 0; done < length; ) {
            long n = Math.min(ZEROS.length, length - done);
            // Only chunks that hold data are written: zeroing untouched pages would make the host
            // back them (MADV_DONTNEED of a huge mapping).
            if (Unicorn.memRead(uc, address + done, seen, n) != Unicorn.UC_ERR_OK
                    || (!allZero(seen, n) && Unicorn.memWrite(uc, address + done, zeros, n) != Unicorn.UC_ERR_OK)) {
                if (faultIn(address + done, n)) {
                    continue;
                }
                throw new BadAddressException(firstUnmapped(address, length));
            }
            done += n;
        }
    }

    /**
     * zero() through the table: whole private pages go back to the host (they read as zero, and
     * untouched ones are not made resident), partial pages and shared pages are written.
     */
    private void zeroEntries(long address, long length) {
        MemorySegment zeros = MemorySegment.ofArray(ZEROS);
        MemorySegment seen = MemorySegment.ofArray(new byte[ZEROS.length]);
        for (long done = 0; done < length; ) {
            long at = address + done;
            int i = table.find(at);
            if (i < 0) {
                if (pageFaults != null && pageFaults.populate(at)) {
                    continue;
                }
                throw new BadAddressException(at);
            }
            long hi = Math.min(table.end(i), address + length);
            long delta = table.delta(i);
            if (delta == 0) {
                long lo = (at + PAGE - 1) & -PAGE;
                long top = hi & -PAGE;
                if (lo < top) {
                    write(at, ZEROS, 0, (int) (lo - at));
                    discardPrivate(lo, top);
                    write(top, ZEROS, 0, (int) (hi - top));
                    if ((table.perms(i) & 4) != 0) {
                        tlb.dropTranslations(lo, top); // code there is gone without uc_mem_write seeing it
                    }
                } else {
                    zeroPhys(at, hi - at, zeros, seen);
                }
            } else {
                zeroPhys(at + delta, hi - at, zeros, seen);
            }
            done = hi - address;
        }
    }

    /** Writes zeros over the non-zero 64 KiB chunks of physical [phys, phys + n). */
    private void zeroPhys(long phys, long n, MemorySegment zeros, MemorySegment seen) {
        for (long done = 0; done < n; ) {
            long k = Math.min(ZEROS.length, n - done);
            if (Unicorn.memRead(uc, phys + done, seen, k) != Unicorn.UC_ERR_OK
                    || !allZero(seen, k) && Unicorn.memWrite(uc, phys + done, zeros, k) != Unicorn.UC_ERR_OK) {
                throw new IllegalStateException("a table entry's memory is not in the engine at 0x" + Long.toHexString(phys));
            }
            done += k;
        }
    }

    /** Whether the first {@code n} bytes of {@code seg} are all zero. */
    private static boolean allZero(MemorySegment seg, long n) {
        return MemorySegment.mismatch(seg, 0, n, ZERO_SEGMENT, 0, n) == -1;
    }

    /** The first byte of [address, address+length) that no region covers (for the EFAULT report). */
    private long firstUnmapped(long address, long length) {
        if (table != null) {
            for (long at = address; Long.compareUnsigned(at, address + length) < 0; ) {
                int i = table.find(at);
                if (i < 0) {
                    return at;
                }
                at = table.end(i);
            }
            return address + length;
        }
        long at = address;
        long end = address + length;
        for (Unicorn.Region r : Unicorn.memRegions(uc)) { // sorted by address
            if (Long.compareUnsigned(r.end(), at) < 0) {
                continue;
            }
            if (Long.compareUnsigned(r.begin(), at) > 0) {
                return at;
            }
            at = r.end() + 1;
            if (Long.compareUnsigned(at, end) >= 0 || at == 0) {
                break;
            }
        }
        return at;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Chunks that read as zero are not written: the child's fresh pages are zero already, and
     * writing them would make the host back pages the parent never touched (a 4 GiB mapping
     * with a few touched pages forks without 4 GiB of host memory). Reading an untouched page
     * maps the host's shared zero page, which costs no memory.
     */
    @Override
    public AddressSpace fork() {
        checkOpen();
        UnicornAddressSpace child;
        try {
            child = new UnicornAddressSpace(platform);
        } catch (UnicornException e) {
            throw hostMemory(e);
        }
        if (table != null) {
            try {
                forkEntries(child);
            } catch (RuntimeException | Error e) {
                child.close();
                throw e;
            }
            return child;
        }
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment buf = tmp.allocate(CHUNK, 16);
            for (Unicorn.Region r : Unicorn.memRegions(uc)) {
                SharedRange shared = sharedAt(r.begin());
                if (shared != null) {
                    // Shared pages stay shared: the child maps the same host bytes.
                    Unicorn.memMapPtr(child.uc, r.begin(), r.size(), r.perms(), shared.hostAddress(r.begin()));
                    continue;
                }
                Unicorn.memMap(child.uc, r.begin(), r.size(), r.perms());
                for (long done = 0; done < r.size(); ) {
                    long n = Math.min(CHUNK, r.size() - done);
                    long at = r.begin() + done;
                    if (Unicorn.memRead(uc, at, buf, n) != Unicorn.UC_ERR_OK) {
                        throw new IllegalStateException("fork: copying mapped region at 0x" + Long.toHexString(at));
                    }
                    // The child's fresh pages are zero: writing zeros would only make the host
                    // back pages the guest never touched (a 2 GiB brk cost 2 GiB per fork).
                    if (!allZero(buf, n) && Unicorn.memWrite(child.uc, at, buf, n) != Unicorn.UC_ERR_OK) {
                        throw new IllegalStateException("fork: copying mapped region at 0x" + Long.toHexString(at));
                    }
                    done += n;
                }
            }
            for (SharedRange r : sharedRanges.values()) {
                r.pages().retain();
                child.sharedRanges.put(r.start(), r);
            }
            child.mappingChanged(0, 0, 0);
        } catch (UnicornException e) {
            child.close();
            throw hostMemory(e);
        } catch (RuntimeException | Error e) {
            child.close();
            throw e;
        }
        return child;
    }

    /**
     * fork() through the table: the child gets the same entries; private pages are copied host
     * to host, only those the host backs (mincore) and that are not all zero, so untouched or
     * zero pages cost the child nothing; shared pages get a window in the child.
     */
    private void forkEntries(UnicornAddressSpace child) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment vec = tmp.allocate(CHUNK / PAGE);
            for (int i = 0; i < table.count(); i++) {
                long b = table.begin(i);
                long e = table.end(i);
                long delta = table.delta(i);
                if (delta == 0) {
                    child.blocks.ensure(b, e);
                    copyPrivate(b, e, child, vec);
                    child.table.set(b, e, table.perms(i), 0);
                } else {
                    SharedRange r = sharedAt(b);
                    Window mine = windows.get(r.pages());
                    Window theirs = child.window(r.pages());
                    child.table.set(b, e, table.perms(i), delta - mine.phys() + theirs.phys());
                }
            }
        }
        for (SharedRange r : sharedRanges.values()) {
            r.pages().retain();
            child.sharedRanges.put(r.start(), r);
        }
        child.mappingChanged(0, 0, 0);
    }

    /** Copies the resident, non-zero pages of private [b, e) into {@code child}'s blocks. */
    private void copyPrivate(long b, long e, UnicornAddressSpace child, MemorySegment vec) {
        for (long at = b; at < e; ) {
            long n = Math.min(Math.min(e, at + CHUNK), Math.min(blocks.pieceEnd(at), child.blocks.pieceEnd(at))) - at;
            MemorySegment src = blocks.host(at, n);
            MemorySegment dst = child.blocks.host(at, n);
            int pages = (int) (n / PAGE);
            boolean known = HostPages.mincore(src.address(), n, vec);
            int run = -1;
            for (int p = 0; p <= pages; p++) {
                boolean copy = p < pages && (!known || (vec.get(JAVA_BYTE, p) & 1) != 0)
                        && !allZero(src.asSlice(p * PAGE, PAGE), PAGE);
                if (copy && run < 0) {
                    run = p;
                } else if (!copy && run >= 0) {
                    HostPages.populate(dst.address() + run * PAGE, (p - run) * PAGE);
                    MemorySegment.copy(src, run * PAGE, dst, run * PAGE, (p - run) * PAGE);
                    run = -1;
                }
            }
            at += n;
        }
    }

    // ---- threads -----------------------------------------------------------------------------

    @Override
    public Cpu newCpu() {
        checkOpen();
        requireIdle("newCpu");
        UnicornCpu cpu = allocCpu();
        unload();
        Unicorn.contextRestore(uc, pristine);
        Unicorn.contextSave(uc, cpu.context);
        loaded = cpu;
        return cpu;
    }

    /** A thread whose context is allocated but not yet filled. */
    UnicornCpu allocCpu() {
        UnicornCpu cpu = new UnicornCpu(this, Unicorn.contextAlloc(uc));
        cpus.add(cpu);
        return cpu;
    }

    /** What {@link Cpu#getSyscallRegs} reads, in its order. */
    private static final Reg[] SYSCALL_REGS = {Reg.RAX, Reg.RDI, Reg.RSI, Reg.RDX, Reg.R10, Reg.R8, Reg.R9};

    /** The loaded thread's syscall number and arguments, in one uc_reg_read_batch. */
    void readSyscallRegs(long[] out) {
        checkOpen();
        // SAFETY: ids, pointers and slots were allocated for SYSCALL_REGS.length entries in
        // `arena`, which lives as long as the engine; every register is 8 bytes.
        Unicorn.regReadBatch(uc, syscallRegIds, syscallRegPtrs, SYSCALL_REGS.length);
        for (int i = 0; i < SYSCALL_REGS.length; i++) {
            out[i] = syscallRegVals.getAtIndex(JAVA_LONG, i);
        }
    }

    boolean isLoaded(UnicornCpu cpu) {
        return loaded == cpu;
    }

    boolean isRunning() {
        return running != null;
    }

    void requireIdle(String what) {
        if (running != null) {
            throw new IllegalStateException(what + " needs the engine, but a thread of this address space is running");
        }
    }

    /** Saves the loaded thread's registers into its context; the engine then holds no thread. */
    void unload() {
        if (loaded != null) {
            Unicorn.contextSave(uc, loaded.context);
            loaded = null;
        }
    }

    /** Makes {@code cpu} the loaded thread (a context switch). */
    void switchTo(UnicornCpu cpu) {
        if (loaded == cpu) {
            return;
        }
        requireIdle("a context switch");
        unload();
        Unicorn.contextRestore(uc, cpu.context);
        loaded = cpu;
    }

    /** Marks that {@code cpu}'s registers were just put into the engine by the caller. */
    void setLoaded(UnicornCpu cpu) {
        loaded = cpu;
    }

    void released(UnicornCpu cpu) {
        cpus.remove(cpu);
        if (loaded == cpu) {
            loaded = null;
        }
    }

    // ---- running -----------------------------------------------------------------------------

    /** Runs {@code cpu} until a stop; see {@link Cpu#run}. */
    StopReason run(UnicornCpu cpu, long budget, SyscallTrap syscalls) {
        checkOpen();
        requireIdle("run");
        platform.enterRun();
        try {
            switchTo(cpu);
            if (slice.stopRequested()) {
                return interrupted();
            }
            running = cpu;
            if (platform.debug() != null) {
                platform.debug().running(cpu);
            }
            trap = syscalls;
            syscallStopped = false;
            resumeRip = NO_RIP;
            fault = null;
            upcallFailure = null;
            debugStopsBefore = platform.debug() == null ? 0 : platform.debug().stops();
            slice.startSlice(budget);
            syncWatchHook();
            if (tlb != null && platform.workDone() - blocksAtFlush > TLB_REGROW_BLOCKS) {
                missesBeforeFlush = TLB_MISSES_BEFORE_FLUSH;
                flushTlb();
            } else if (tlb != null && (tlb.fills() - fillsAtFlush > TLB_MISSES_BEFORE_FLUSH || tlb.flushWanted())) {
                flushTlb();
            }
            int err;
            try {
                while (true) {
                    Unicorn.regRead(uc, X86.RIP, scratch);
                    long rip = scratch.get(JAVA_LONG_UNALIGNED, 0);
                    err = Unicorn.emuStart(uc, rip, UNTIL, 0, 0);
                    if (!stoppedForTlbFlush(err)) {
                        break;
                    }
                    // Each stop waits for twice as many misses as the last, so a working set
                    // that the grown TLB holds but a flush empties is not refilled forever.
                    missesBeforeFlush = Math.min(missesBeforeFlush * 2, TLB_MISSES_BEFORE_FLUSH << 10);
                    slice.startSlice(tlb.savedBudget()); // go on with what was left of the slice
                    flushTlb();
                }
            } finally {
                running = null;
                trap = null;
            }
            if (resumeRip != NO_RIP && !closeDeferred && cpu.context != null && loaded == cpu) {
                setEngineRegister(X86.RIP, resumeRip);
            }
            if (upcallFailure != null) {
                Throwable t = upcallFailure;
                upcallFailure = null;
                throw kernelBug(t);
            }
            return stopReason(err);
        } finally {
            platform.exitRun();
            if (closeDeferred) {
                close();
            }
        }
    }

    /**
     * Unicorn resizes its softmmu TLB only when it is flushed: it doubles when most entries were
     * used, and shrinks (down to 64 entries) when few were used for 100 ms of host time, as
     * during start-up. So after {@link #TLB_MISSES_BEFORE_FLUSH} misses the fill hook ends the
     * slice before the next block (VirtualTlb#stopAfterMisses; a block boundary, so block counts
     * and virtual time do not change), and run() flushes and resumes the slice: the TLB grows to the working set after a few thousand misses instead of a
     * slice of them (random 4-byte loads over 256 pages: 1.07M misses of ~200 ns in the first
     * slices when the flush waited for the slice's end; page-stride stores over 4096 pages:
     * ~270 ns per store with 64 entries, ~12 ns grown). A run without misses is flushed now and
     * then anyway ({@link #TLB_REGROW_BLOCKS}).
     */
    private void flushTlb() {
        tlb.flushTlb();
        blocksAtFlush = platform.workDone();
        fillsAtFlush = tlb.fills();
        tlb.stopAfterMisses(missesBeforeFlush);
    }

    /**
     * Adds the debugger's watch hook while watchpoints are set and removes it when the last one
     * goes (UnicornDebug#watchHookWanted): a UC_HOOK_MEM_READ|WRITE hook, whatever its range,
     * sends every load and store to Unicorn's slow path. Memory hooks are compiled into
     * translated code and TLB entries, so both are flushed when it changes.
     */
    private void syncWatchHook() {
        UnicornDebug debug = platform.debug();
        if (debug == null || tlb == null) {
            return;
        }
        boolean wanted = debug.watchHookWanted();
        if (wanted == (watchHook != 0)) {
            return;
        }
        if (wanted) {
            // SAFETY: user_data is the platform's struct emu_insn, alive as long as the engine.
            watchHook = Unicorn.hookAdd(uc, Unicorn.UC_HOOK_MEM_READ_WRITE, InsnHook.WATCH_HOOK,
                    platform.insn().address(), 0);
        } else {
            Unicorn.hookDel(uc, watchHook);
            watchHook = 0;
        }
        tlb.flushTranslations();
        tlb.flushTlb();
    }

    /** Whether the debugger's watch hook is on this engine now (tests). */
    boolean hasWatchHook() {
        return watchHook != 0;
    }

    /** Whether the engine stopped only because the fill hook asked for a TLB flush. */
    private boolean stoppedForTlbFlush(int err) {
        return tlb != null && tlb.flushWanted() && tlb.savedBudget() > 0 && err == Unicorn.UC_ERR_OK
                && !syscallStopped && fault == null && upcallFailure == null && slice.exhausted()
                && !slice.stopRequested()
                && platform.haltReason() == null
                && (platform.debug() == null || platform.debug().stops() == debugStopsBefore);
    }

    private StopReason stopReason(int err) {
        if (platform.haltReason() != null && fault == null && !syscallStopped) {
            return new StopReason(StopReason.Kind.INTERRUPTED, 0, platform.haltReason());
        }
        if (syscallStopped) {
            return StopReason.syscallStop();
        }
        if (fault != null) {
            return fault;
        }
        switch (err) {
            case Unicorn.UC_ERR_OK -> { }
            case Unicorn.UC_ERR_INSN_INVALID -> {
                return new StopReason(StopReason.Kind.ILLEGAL_INSTRUCTION, 0, "invalid instruction");
            }
            case Unicorn.UC_ERR_READ_UNMAPPED, Unicorn.UC_ERR_WRITE_UNMAPPED, Unicorn.UC_ERR_FETCH_UNMAPPED -> {
                return new StopReason(StopReason.Kind.FAULT_UNMAPPED, 0, Unicorn.strerror(err));
            }
            case Unicorn.UC_ERR_READ_PROT, Unicorn.UC_ERR_WRITE_PROT, Unicorn.UC_ERR_FETCH_PROT -> {
                return new StopReason(StopReason.Kind.FAULT_PROTECTION, 0, Unicorn.strerror(err));
            }
            default -> {
                // UC_ERR_EXCEPTION cannot normally happen (the INTR hook sees every exception).
                return new StopReason(StopReason.Kind.GENERAL_PROTECTION, 0,
                        Unicorn.strerror(err) + " (uc_err " + err + ")");
            }
        }
        if (slice.stopRequested()) {
            return interrupted();
        }
        if (slice.exhausted()) {
            return StopReason.budgetExhausted();
        }
        if (platform.debug() != null && platform.debug().stops() != debugStopsBefore) {
            // The debugger wrote RIP during a stop (gdb's `jump`, an inferior call's return):
            // Unicorn 2.0 ends the run at a PC write inside a hook. Resume from the new RIP.
            return interrupted();
        }
        // Unicorn ends emulation on hlt (privileged: #GP in user mode on Linux) with RIP past it.
        Unicorn.regRead(uc, X86.RIP, scratch);
        long rip = scratch.get(JAVA_LONG_UNALIGNED, 0);
        if (peek(rip - 1, scratch, 1) == Unicorn.UC_ERR_OK
                && scratch.get(JAVA_BYTE, 0) == (byte) 0xf4) {
            scratch.set(JAVA_LONG_UNALIGNED, 0, rip - 1);
            Unicorn.regWrite(uc, X86.RIP, scratch);
            return new StopReason(StopReason.Kind.GENERAL_PROTECTION, 0, "hlt in user mode");
        }
        return new StopReason(StopReason.Kind.GENERAL_PROTECTION, 0, "emulation stopped without a reason");
    }

    private static StopReason interrupted() {
        return new StopReason(StopReason.Kind.INTERRUPTED, 0, "interrupted");
    }

    private static RuntimeException kernelBug(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("kernel bug: checked exception from a syscall trap", t);
    }

    // The upcall entry points, in the one shape of every upcall (Unicorn.UPCALL): each takes the
    // C callback's arguments as six longs, narrows the C ints and ignores the rest.

    /** UC_HOOK_INSN callback: void (uc_engine *uc, void *user_data). */
    private long syscallUpcall(long engine, long userData, long unused3, long unused4, long unused5, long unused6) {
        onSyscall();
        return 0;
    }

    /** UC_HOOK_INTR callback: void (uc_engine *uc, uint32_t intno, void *user_data). */
    private long interruptUpcall(long engine, long intno, long userData, long unused4, long unused5, long unused6) {
        onInterrupt((int) intno);
        return 0;
    }

    /**
     * UC_HOOK_MEM_* callback: bool (uc_engine *uc, uc_mem_type type, uint64_t address, int size,
     * int64_t value, void *user_data); 1 is true.
     */
    private long badMemoryUpcall(long engine, long type, long address, long size, long value, long userData) {
        return onBadMemory((int) type, address, (int) size, value) ? 1 : 0;
    }

    /**
     * UC_HOOK_INSN (syscall) upcall. Unicorn calls it with RIP still at the {@code syscall}
     * instruction and adds the instruction length to RIP after it returns; {@link UnicornCpu}
     * hides this from the kernel while {@code inSyscall} is set (RIP reads as past the
     * instruction, writes are compensated), so a RIP the kernel sets is where the thread resumes.
     */
    private void onSyscall() {
        // Catch-all is deliberate: an exception unwinding into Unicorn's native frames would
        // terminate the JVM. It is stashed and rethrown by run() as a kernel bug.
        try {
            UnicornCpu cpu = running;
            Unicorn.regRead(uc, X86.RIP, scratch);
            cpu.enterSyscall(scratch.get(JAVA_LONG_UNALIGNED, 0) + SYSCALL_LENGTH);
            boolean keepRunning;
            UnicornDebug debug = platform.debug();
            int nr = debug == null ? -1 : (int) cpu.get(dev.emu.kernel.platform.Reg.RAX);
            try {
                if (debug != null) {
                    debug.syscallEntry(cpu, nr);
                }
                keepRunning = trap.onSyscall(cpu);
                if (debug != null && keepRunning && cpu.context != null) {
                    debug.syscallReturn(cpu, nr);
                }
            } finally {
                cpu.inSyscall = false;
            }
            if (keepRunning) {
                if (cpu.syscallRipChanged && cpu.context != null) {
                    // Unicorn adds the instruction length after this hook returns.
                    setEngineRegister(X86.RIP, cpu.syscallRip - SYSCALL_LENGTH);
                }
            } else {
                // Writing RIP inside the hook would cancel uc_emu_stop (Unicorn restarts at a
                // written PC), so a new RIP is written once emulation has stopped.
                syscallStopped = true;
                if (cpu.syscallRipChanged) {
                    resumeRip = cpu.syscallRip;
                }
                Unicorn.emuStop(uc);
            }
        } catch (Throwable t) {
            failInUpcall(t);
        }
    }

    /** UC_HOOK_INTR upcall: a CPU exception; RIP is at the faulting instruction (after int3). */
    private void onInterrupt(int intno) {
        try { // catch-all: see onSyscall
            StopReason.Kind kind = switch (intno) {
                case 0 -> StopReason.Kind.DIVIDE_ERROR;
                case 1, 3 -> StopReason.Kind.BREAKPOINT;
                case 6 -> StopReason.Kind.ILLEGAL_INSTRUCTION;
                default -> StopReason.Kind.GENERAL_PROTECTION;
            };
            fault = new StopReason(kind, 0, "cpu exception " + intno);
            if (platform.debug() != null) {
                platform.debug().fault(running, switch (kind) {
                    case DIVIDE_ERROR -> 8; // SIGFPE
                    case BREAKPOINT -> 5; // SIGTRAP
                    case ILLEGAL_INSTRUCTION -> 4; // SIGILL
                    default -> 11; // SIGSEGV
                }, 0);
            }
            Unicorn.emuStop(uc);
        } catch (Throwable t) {
            failInUpcall(t);
        }
    }

    /**
     * UC_HOOK_MEM_UNMAPPED / UC_HOOK_MEM_PROT upcall: records the fault; returning false makes
     * uc_emu_start fail with RIP at the faulting instruction.
     */
    private boolean onBadMemory(int type, long address, int size, long value) {
        try { // catch-all: see onSyscall
            StopReason.Kind kind = switch (type) {
                case Unicorn.UC_MEM_READ_PROT, Unicorn.UC_MEM_WRITE_PROT, Unicorn.UC_MEM_FETCH_PROT ->
                        StopReason.Kind.FAULT_PROTECTION;
                default -> StopReason.Kind.FAULT_UNMAPPED;
            };
            if (tlb != null) {
                // A denied access, sent to the shadow range by the fill hook: the region table
                // says whether the page is mapped (protection) or not.
                address = tlb.guestAddress(address);
                kind = tlb.isMapped(address) ? StopReason.Kind.FAULT_PROTECTION : StopReason.Kind.FAULT_UNMAPPED;
            }
            if (kind == StopReason.Kind.FAULT_UNMAPPED && pageFaults != null && pageFaults.populate(address)) {
                return true; // demand paging mapped it: Unicorn retries the access
            }
            String access = switch (type) {
                case Unicorn.UC_MEM_READ_UNMAPPED, Unicorn.UC_MEM_READ_PROT -> "read";
                case Unicorn.UC_MEM_WRITE_UNMAPPED, Unicorn.UC_MEM_WRITE_PROT -> "write";
                default -> "fetch";
            };
            if (type != Unicorn.UC_MEM_FETCH_UNMAPPED && type != Unicorn.UC_MEM_FETCH_PROT) {
                int decoded = instructionAccessSize();
                if (decoded > size) {
                    // Unicorn splits an access that crosses into the faulting page into single
                    // bytes; Linux reports the first byte of that page (CR2), and the report
                    // names the instruction's size.
                    if ((address & 0xfff) < decoded) {
                        address &= -4096L;
                    }
                    size = decoded;
                }
            }
            fault = new StopReason(kind, address, access + " of " + size + " bytes at 0x" + Long.toHexString(address));
            if (platform.debug() != null) {
                platform.debug().fault(running, 11, address); // SIGSEGV
            }
        } catch (Throwable t) {
            failInUpcall(t);
        }
        return false;
    }

    /** The memory operand size of the instruction at RIP (AccessSize), or 0 if unknown. */
    private int instructionAccessSize() {
        Unicorn.regRead(uc, X86.RIP, scratch);
        long rip = scratch.get(JAVA_LONG_UNALIGNED, 0);
        for (int n = 15; n > 0; n--) { // at most 15 bytes, fewer before an unmapped page
            if (peek(rip, scratch, n) == Unicorn.UC_ERR_OK) {
                return AccessSize.decode(scratch.asSlice(0, n).toArray(JAVA_BYTE), n);
            }
        }
        return 0;
    }

    /** Reads guest bytes without demand paging (for fault reports); a uc_err. */
    private int peek(long address, MemorySegment buf, int n) {
        if (table == null) {
            return Unicorn.memRead(uc, address, buf, n);
        }
        long phys = physical(address, n);
        return phys == -1 ? Unicorn.UC_ERR_READ_UNMAPPED : Unicorn.memRead(uc, phys, buf, n);
    }

    private void failInUpcall(Throwable t) {
        if (upcallFailure == null) {
            upcallFailure = t;
        } else if (upcallFailure != t) {
            upcallFailure.addSuppressed(t);
        }
        try {
            Unicorn.emuStop(uc);
        } catch (Throwable ignored) {
            // uc_emu_stop only fails for a closed engine; there is nothing left to stop then.
        }
    }

    // ---- lifetime ----------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("address space is closed");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Called from inside a syscall trap of this address space (exit_group), the engine is
     * closed when its run() returns: closing it under its own hook would crash.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (running != null) {
            closeDeferred = true;
            return;
        }
        closed = true;
        if (tlb != null && dev.emu.emulator.StartupTrace.enabled()) {
            dev.emu.emulator.StartupTrace.mark("address space closed: " + tlb.fills() + " TLB fills, "
                    + platform.workDone() + " blocks");
        }
        for (UnicornCpu cpu : cpus.toArray(UnicornCpu[]::new)) {
            cpu.release();
        }
        Unicorn.contextFree(pristine);
        Unicorn.close(uc);
        arena.close();
        if (tlb != null) {
            tlb.close();
            blocks.close();
            windows.clear();
        }
        // After uc_close: no engine maps the host memory any more.
        for (SharedRange r : sharedRanges.values()) {
            r.pages().release();
        }
        sharedRanges.clear();
    }

    boolean isClosed() {
        return closed;
    }
}
