package dev.emu.emulator.unicorn;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The guest's page tables in the fast memory configuration: which guest ranges are present, with
 * which permissions, and where they are in the engine's physical memory. It is the table the
 * native TLB-fill hook (emu_mem.c) searches on every softmmu TLB miss, kept in native memory as a
 * sorted array of non-overlapping entries:
 *
 * <pre>
 *   struct emu_region { uint64 begin; uint64 end (exclusive); int64 delta; uint32 perms, pad; }   32 bytes
 * </pre>
 *
 * An access the entry allows is mapped at physical address {@code vaddr + delta}. Edits are a
 * binary search plus one move of the entries after the edit point (a memmove of at most the whole
 * table): with thread stacks placed top-down and torn down in any order, creating and joining N
 * threads stays far below the engine's own per-region cost (Unicorn's uc_mem_map/uc_mem_unmap
 * rebuild its view of every region). The hook reads the table only inside uc_emu_start on the
 * emulation thread, which is also the only thread that edits it, so edits need no double buffer.
 *
 * <p>Entries with permissions 0 are present (a PROT_NONE page of a mapping: a protection fault,
 * and the kernel may still read it, as uc_mem_read could), unlike addresses with no entry.
 */
final class RegionTable {
    static final long ENTRY = 32;
    private static final long BEGIN = 0;
    private static final long END = 8;
    private static final long DELTA = 16;
    private static final long PERMS = 24;

    /** struct emu_mem of VirtualTlb: the hook reads its {@code regions} and {@code count}. */
    private final MemorySegment state;
    private final Arena arena = Arena.ofShared();
    private MemorySegment table;
    private int count;

    RegionTable(MemorySegment state) {
        this.state = state;
        this.table = arena.allocate(ENTRY * 64, 8);
        publish();
    }

    int count() {
        return count;
    }

    long begin(int i) {
        return table.get(JAVA_LONG, i * ENTRY + BEGIN);
    }

    long end(int i) {
        return table.get(JAVA_LONG, i * ENTRY + END);
    }

    long delta(int i) {
        return table.get(JAVA_LONG, i * ENTRY + DELTA);
    }

    int perms(int i) {
        return table.get(JAVA_INT, i * ENTRY + PERMS);
    }

    /** The entry holding {@code address}, or -1. */
    int find(long address) {
        int i = firstEndingAfter(address);
        return i < count && Long.compareUnsigned(begin(i), address) <= 0 ? i : -1;
    }

    /** The index of the first entry whose end is above {@code address} (count if none). */
    int firstEndingAfter(long address) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(end(mid), address) > 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Whether any entry overlaps [begin, end). */
    boolean anyIn(long begin, long end) {
        int i = firstEndingAfter(begin);
        return i < count && Long.compareUnsigned(begin(i), end) < 0;
    }

    /** Makes [begin, end) one entry (replacing whatever was there), merged with equal neighbours. */
    void set(long begin, long end, int perms, long delta) {
        int i = cut(begin, end);
        int j = i;
        while (j < count && Long.compareUnsigned(begin(j), end) < 0) {
            j++;
        }
        replace(i, j, 1);
        write(i, begin, end, delta, perms);
        mergeAround(i, i);
    }

    /** Removes [begin, end) from the table (parts of entries outside it stay). */
    void remove(long begin, long end) {
        int i = cut(begin, end);
        int j = i;
        while (j < count && Long.compareUnsigned(begin(j), end) < 0) {
            j++;
        }
        replace(i, j, 0);
    }

    /** Sets the permissions of the present parts of [begin, end). */
    void protect(long begin, long end, int perms) {
        int i = cut(begin, end);
        int j = i;
        while (j < count && Long.compareUnsigned(begin(j), end) < 0) {
            table.set(JAVA_INT, j * ENTRY + PERMS, perms);
            j++;
        }
        if (j > i) {
            mergeAround(i, j - 1);
        }
    }

    /**
     * Splits the entries that straddle {@code begin} or {@code end} so that entries lie wholly
     * inside or outside [begin, end); returns the index of the first entry at or after begin.
     */
    private int cut(long begin, long end) {
        split(end);
        split(begin);
        return firstEndingAfter(begin);
    }

    private void split(long at) {
        int i = find(at);
        if (i < 0 || begin(i) == at) {
            return;
        }
        long b = begin(i);
        long e = end(i);
        long d = delta(i);
        int p = perms(i);
        replace(i, i + 1, 2);
        write(i, b, at, d, p);
        write(i + 1, at, e, d, p);
    }

    /** Merges entries from {@code first - 1} to {@code last + 1} with equal, adjacent neighbours. */
    private void mergeAround(int first, int last) {
        int i = Math.max(0, first - 1);
        int stop = Math.min(count - 1, last + 1);
        while (i < stop) {
            if (end(i) == begin(i + 1) && perms(i) == perms(i + 1) && delta(i) == delta(i + 1)) {
                long e = end(i + 1);
                replace(i + 1, i + 2, 0);
                table.set(JAVA_LONG, i * ENTRY + END, e);
                stop--;
            } else {
                i++;
            }
        }
    }

    /** Replaces entries [from, to) by {@code n} entries to be written by the caller. */
    private void replace(int from, int to, int n) {
        int newCount = count - (to - from) + n;
        MemorySegment t = table;
        if (newCount * ENTRY > t.byteSize()) {
            // The hook is not running (see the class comment): the old array may go at once.
            t = arena.allocate(Math.max(t.byteSize() * 2, newCount * ENTRY), 8);
            MemorySegment.copy(table, 0, t, 0, from * ENTRY);
        }
        long tail = (count - to) * ENTRY;
        if (tail > 0) {
            MemorySegment.copy(table, to * ENTRY, t, (from + n) * ENTRY, tail);
        }
        if (t != table) {
            // Arena.ofShared cannot free one allocation; the table only grows by doubling, so the
            // old arrays add up to less than the current one.
            table = t;
        }
        count = newCount;
        publish();
    }

    private void write(int i, long begin, long end, long delta, int perms) {
        long at = i * ENTRY;
        table.set(JAVA_LONG, at + BEGIN, begin);
        table.set(JAVA_LONG, at + END, end);
        table.set(JAVA_LONG, at + DELTA, delta);
        table.set(JAVA_INT, at + PERMS, perms);
        table.set(JAVA_INT, at + PERMS + 4, 0);
    }

    private void publish() {
        state.set(java.lang.foreign.ValueLayout.ADDRESS, VirtualTlb.REGIONS, table);
        state.set(JAVA_LONG, VirtualTlb.COUNT, count);
    }

    /** Frees the table; only after uc_close (no hook can read it any more). */
    void close() {
        count = 0;
        arena.close();
    }
}
