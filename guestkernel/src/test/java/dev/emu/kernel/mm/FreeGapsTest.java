package dev.emu.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FreeGapsTest {
    private static final long LOW = 0x10000;
    private static final long HIGH = 0x1000_0000;
    private static final long PAGE = 4096;

    /** The walk FreeGaps replaces: from the top down, the first gap that fits. */
    private static long naive(TreeMap<Long, Vma> vmas, long len) {
        long top = HIGH;
        for (Vma v : vmas.headMap(HIGH, false).descendingMap().values()) {
            if (v.end() <= top && top - v.end() >= len) {
                return top - len;
            }
            top = Math.min(top, v.start());
        }
        return top - len >= LOW ? top - len : -1;
    }

    @Test
    void placementIsTheHighestGapThatFitsAfterAnySequenceOfChanges() {
        Random r = new Random(18);
        TreeMap<Long, Vma> vmas = new TreeMap<>();
        FreeGaps gaps = new FreeGaps(LOW, HIGH);
        for (int step = 0; step < 5_000; step++) {
            long len = (1 + r.nextInt(r.nextBoolean() ? 4 : 64)) * PAGE;
            if (r.nextInt(3) > 0 || vmas.isEmpty()) {
                long at = r.nextInt(10) == 0 ? LOW + r.nextInt((int) ((HIGH - LOW) / PAGE)) * PAGE : naive(vmas, len);
                if (at < 0 || at + len > HIGH + 64 * PAGE || !vmas.subMap(at - 64 * PAGE, at + len).values().stream()
                        .allMatch(v -> v.end() <= at || v.start() >= at + len)) {
                    continue;
                }
                Vma v = new Vma(at, at + len, 3, "t");
                vmas.put(at, v);
                gaps.refresh(vmas, v.start(), v.end());
            } else {
                Long key = vmas.keySet().toArray(Long[]::new)[r.nextInt(vmas.size())];
                Vma v = vmas.remove(key);
                gaps.refresh(vmas, v.start(), v.end());
            }
            long ask = (1 + r.nextInt(80)) * PAGE;
            assertThat(gaps.highestFit(ask)).as("step %d, %d bytes", step, ask).isEqualTo(naive(vmas, ask));
        }
        FreeGaps copy = gaps.copy();
        for (long ask = PAGE; ask < 100 * PAGE; ask += PAGE) {
            assertThat(copy.highestFit(ask)).isEqualTo(naive(vmas, ask));
        }
    }

    @Test
    void aVmaAboveTheAreaLeavesTheGapsAlone() {
        TreeMap<Long, Vma> vmas = new TreeMap<>();
        FreeGaps gaps = new FreeGaps(LOW, HIGH);
        Vma stack = new Vma(HIGH + PAGE, HIGH + 33 * PAGE, 3, "[stack]");
        vmas.put(stack.start(), stack);
        gaps.refresh(vmas, stack.start(), stack.end());
        assertThat(gaps.highestFit(PAGE)).isEqualTo(HIGH - PAGE);
        assertThat(gaps.highestFit(HIGH)).isEqualTo(-1);
    }
}
