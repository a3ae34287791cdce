package dev.emu.bpf.interp;

/**
 * Adds up the instructions that runs executed, as {@link InsnBudget} charges them (by basic
 * block), for a caller that accounts for BPF work: PROG_TEST_RUN charges it to the guest's
 * virtual time, as Linux's bpf_test_timer measures it in real time. A run that faults counts its
 * budget at most. Not thread-safe: one counter per caller.
 */
public final class InsnCounter {
    private long count;

    /** The instructions counted so far. */
    public long count() {
        return count;
    }

    /** Adds a run that started with {@code budget} and ended with {@code left} of it (clamped at 0). */
    public void addRun(long budget, long left) {
        count += budget - Math.max(0, Math.min(budget, left));
    }
}
