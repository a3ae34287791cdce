package dev.emu.kernel.mm;

import java.util.Map;
import java.util.TreeMap;

/**
 * The free gaps between a process's VMAs in the mmap area [low, high), indexed so that the
 * top-down placement (get_unmapped_area: the highest gap that fits) costs O(log n), not a walk
 * over every VMA above the result. Linux keeps the same answer in its VMA tree, augmented with
 * each subtree's largest gap (vm_unmapped_area, mm/mmap.c); here gaps are filed by size class
 * (the power of two below their size), each class ordered by the gap's top: any gap of a higher
 * class fits, so only the request's own class is searched gap by gap.
 *
 * <p>{@link #refresh} must follow every change of the VMA map, with the changed range.
 */
final class FreeGaps {
    private final long low;
    private final long high;
    /** Every gap: top → bottom. */
    private final TreeMap<Long, Long> gaps = new TreeMap<>();
    /** Gaps by size class (63 - numberOfLeadingZeros(size)): top → bottom. */
    @SuppressWarnings("unchecked")
    private final TreeMap<Long, Long>[] bySize = new TreeMap[64];

    /** The gaps of an empty memory map: all of [low, high). */
    FreeGaps(long low, long high) {
        this(low, high, true);
    }

    private FreeGaps(long low, long high, boolean empty) {
        this.low = low;
        this.high = high;
        for (int i = 0; i < bySize.length; i++) {
            bySize[i] = new TreeMap<>();
        }
        if (empty) {
            add(low, high);
        }
    }

    /** A copy (fork). */
    FreeGaps copy() {
        FreeGaps c = new FreeGaps(low, high, false);
        for (Map.Entry<Long, Long> g : gaps.entrySet()) {
            c.add(g.getValue(), g.getKey());
        }
        return c;
    }

    /**
     * Recomputes the gaps around [start, end), whose VMAs just changed: from the end of the VMA
     * below start to the start of the VMA at or above end.
     */
    void refresh(TreeMap<Long, Vma> vmas, long start, long end) {
        Map.Entry<Long, Vma> below = vmas.lowerEntry(start);
        long lo = Math.max(low, below == null ? low : Math.min(below.getValue().end(), start));
        Map.Entry<Long, Vma> above = vmas.ceilingEntry(end);
        long hi = Math.min(high, above == null ? high : above.getKey());
        if (lo >= hi) {
            // The changed range is outside the mmap area, or VMAs meet there: only gaps inside go.
            lo = Math.max(low, Math.min(lo, start));
            hi = Math.min(high, Math.max(hi, end));
            if (lo >= hi) {
                return;
            }
        }
        remove(lo, hi);
        long at = lo;
        for (Vma v : vmas.subMap(lo, true, hi, false).values()) {
            if (v.start() > at) {
                add(at, Math.min(v.start(), hi));
            }
            at = Math.max(at, v.end());
        }
        if (at < hi) {
            add(at, hi);
        }
    }

    /**
     * The address of the highest placement of {@code len} bytes in a gap (its top minus len),
     * or -1 when no gap is large enough.
     */
    long highestFit(long len) {
        int c = 63 - Long.numberOfLeadingZeros(len);
        long best = -1;
        for (int k = c + 1; k < bySize.length; k++) {
            if (!bySize[k].isEmpty()) {
                best = Math.max(best, bySize[k].lastKey());
            }
        }
        for (Map.Entry<Long, Long> g : bySize[c].descendingMap().entrySet()) {
            if (g.getKey() <= best) {
                break;
            }
            if (g.getKey() - g.getValue() >= len) {
                best = g.getKey();
                break;
            }
        }
        return best < 0 ? -1 : best - len;
    }

    /** Forgets the gaps lying in [lo, hi] (gaps never straddle a VMA's edge, so none straddles lo or hi). */
    private void remove(long lo, long hi) {
        // Keys and values are copied out first: TreeMap reuses a removed node's Entry object.
        java.util.Map<Long, Long> doomed = gaps.subMap(lo, false, hi, true);
        long[] tops = new long[doomed.size()];
        long[] bottoms = new long[tops.length];
        int n = 0;
        for (Map.Entry<Long, Long> g : doomed.entrySet()) {
            tops[n] = g.getKey();
            bottoms[n++] = g.getValue();
        }
        for (int i = 0; i < n; i++) {
            gaps.remove(tops[i]);
            bySize[sizeClass(tops[i] - bottoms[i])].remove(tops[i]);
        }
    }

    private void add(long bottom, long top) {
        if (top <= bottom) {
            return;
        }
        gaps.put(top, bottom);
        bySize[sizeClass(top - bottom)].put(top, bottom);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        gaps.forEach((t, bo) -> b.append(Long.toHexString(bo)).append('-').append(Long.toHexString(t)).append(' '));
        return b.toString();
    }

    private static int sizeClass(long size) {
        return 63 - Long.numberOfLeadingZeros(size);
    }
}
