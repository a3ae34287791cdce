package dev.emu.emulator.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The fast memory configuration of one engine on Unicorn 2.1.4+ (shared/reference/unicorn.md,
 * "Guest stores"): the virtual-TLB mode with the native TLB-fill hook of
 * emulator/src/main/c/emu_mem.c answering from a region table kept here.
 *
 * <p>An access the table allows maps the page at its own address with the region's permissions;
 * anything else goes to the shadow address {@link #SHADOW} + address, where the engine's only
 * invalid-access hook is registered ({@link #SHADOW_BEGIN}..{@link #SHADOW_END}). No hook covers
 * guest addresses, which is what lets Unicorn keep stores to non-executable pages on its fast
 * path (about 5x faster per store than 2.0.1 with hooks over all addresses).
 *
 * <p>Every map, unmap and protect edits the {@link RegionTable} and then flushes the TLB
 * (Unicorn does not flush when a protect only removes READ).
 *
 * <pre>
 *   struct emu_mem { struct emu_region *regions; int64 count; uint64 denied_vaddr; int64 fills;
 *                    int64 flush_after; int64 *budget; int64 saved_budget;
 *                    int32 flush_wanted, pad; }                                              64 bytes
 *   struct emu_region { uint64 begin; uint64 end (exclusive); int64 delta; uint32 perms, pad; }  32 bytes
 * </pre>
 */
final class VirtualTlb {
    /** Where denied accesses go: 2^48 + the address's low 47 bits. */
    static final long SHADOW = 1L << 48;
    static final long SHADOW_BEGIN = SHADOW;
    static final long SHADOW_END = SHADOW + (1L << 47) - 1;
    private static final long LOW_47 = (1L << 47) - 1;

    static final long REGIONS = 0;
    static final long COUNT = 8;
    private static final long DENIED = 16;
    private static final long FILLS = 24;
    private static final long FLUSH_AFTER = 32;
    private static final long BUDGET = 40;
    private static final long SAVED_BUDGET = 48;
    private static final long FLUSH_WANTED = 56;
    private static final long STATE_SIZE = 64;

    private static final MemorySegment FILL_HOOK = SliceCounter.symbol("emu_mem_tlb_fill");
    // SAFETY: int emu_mem_*(uc_engine *uc[, uint64_t begin, uint64_t end]), emu_mem.c, called
    // through Unicorn.call.
    private static final MemorySegment ENABLE = SliceCounter.symbol("emu_mem_enable_virtual_tlb");
    private static final MemorySegment FLUSH_TLB = SliceCounter.symbol("emu_mem_flush_tlb");
    private static final MemorySegment FLUSH_TB = SliceCounter.symbol("emu_mem_flush_tb");
    private static final MemorySegment REMOVE_TB = SliceCounter.symbol("emu_mem_remove_tb_cache");

    private final MemorySegment uc;
    private final MemorySegment state;
    private final RegionTable table;

    /** Whether the loaded library supports and was verified with this configuration. */
    static boolean supported() {
        return Integer.compareUnsigned(Unicorn.versionNumber(), Unicorn.FAST_MEMORY_VERSION) >= 0;
    }

    /**
     * Switches a freshly opened engine (no memory, no code run yet) to the virtual TLB and
     * installs the fill hook; {@code arena} lives as long as the engine.
     */
    VirtualTlb(MemorySegment uc, Arena arena, SliceCounter slice) {
        this.uc = uc;
        this.state = arena.allocate(STATE_SIZE, 8);
        state.set(JAVA_LONG, FLUSH_AFTER, Long.MAX_VALUE);
        // SAFETY: the platform's slice struct outlives its engines (the address space holds it).
        state.set(ADDRESS, BUDGET, slice.budgetAddress());
        this.table = new RegionTable(state);
        call("UC_CTL_TLB_TYPE", ENABLE);
        // SAFETY: emu_mem_tlb_fill is a uc_cb_tlbevent_t; its user_data is `state`, a struct
        // emu_mem in `arena`, which is closed only after uc_close.
        Unicorn.hookAdd(uc, Unicorn.UC_HOOK_TLB_FILL, FILL_HOOK, state, 0);
    }

    /** The fill hook's table: edit it on every map/unmap/protect, then {@link #flushTlb}. */
    RegionTable table() {
        return table;
    }

    /** TLB misses the fill hook has answered so far. */
    long fills() {
        return state.get(JAVA_LONG, FILLS);
    }

    /** Flushes the softmmu TLB (also the moment Unicorn may grow it). */
    void flushTlb() {
        call("UC_CTL_TLB_FLUSH", FLUSH_TLB);
    }

    /**
     * Makes the fill hook stop the engine (before the next block, by zeroing the slice budget)
     * once {@code misses} more TLB misses have been answered; withdraws an earlier request.
     */
    void stopAfterMisses(long misses) {
        state.set(JAVA_INT, FLUSH_WANTED, 0);
        state.set(JAVA_LONG, FLUSH_AFTER, fills() + misses);
    }

    /** Whether the fill hook asked for a TLB flush ({@link #stopAfterMisses}). */
    boolean flushWanted() {
        return state.get(JAVA_INT, FLUSH_WANTED) != 0;
    }

    /** The slice budget that was left when the fill hook asked for a flush. */
    long savedBudget() {
        return state.get(JAVA_LONG, SAVED_BUDGET);
    }

    /** Drops all translated code (memory hooks are compiled into it). */
    void flushTranslations() {
        call("UC_CTL_TB_FLUSH", FLUSH_TB);
    }

    /**
     * Drops translated code in [begin, end): bytes written while their page was not executable
     * were not tracked as code, so a page that becomes executable is translated afresh.
     */
    void dropTranslations(long begin, long end) {
        int err = (int) Unicorn.call(REMOVE_TB, uc.address(), begin, end);
        if (err != Unicorn.UC_ERR_OK) {
            throw new UnicornException("uc_ctl(UC_CTL_TB_REMOVE_CACHE)", err, Unicorn.strerror(err));
        }
    }

    /** The guest address of an access the invalid-access hook saw at shadow address {@code paddr}. */
    long guestAddress(long paddr) {
        long low = paddr - SHADOW;
        long denied = state.get(JAVA_LONG, DENIED);
        // The fill hook keeps the last denied address whole: it restores the top bits of a
        // non-canonical or kernel-half address that the shadow range cannot hold.
        if (((denied & LOW_47) & -4096L) == (low & -4096L)) {
            return (denied & ~LOW_47) | low;
        }
        return low;
    }

    /** Whether a table entry covers {@code address} (so a denied access there is a protection fault). */
    boolean isMapped(long address) {
        return table.find(address) >= 0;
    }

    /** Frees the table; only after uc_close. */
    void close() {
        table.close();
    }

    private void call(String what, MemorySegment fn) {
        int err = (int) Unicorn.call(fn, uc.address());
        if (err != Unicorn.UC_ERR_OK) {
            throw new UnicornException("uc_ctl(" + what + ")", err, Unicorn.strerror(err));
        }
    }
}
