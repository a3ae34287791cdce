package dev.emu.bpf.verifier;

/**
 * What a JMP32 comparison teaches about a 64-bit register whose upper half is not known: the
 * branch constrains only the low 32 bits, so the refined 32-bit view's known bits carry over into
 * the register's tnum with the upper half left as it was, and the 64-bit bounds are re-derived
 * from it (Linux keeps separate u32/s32 bounds and meets them in reg_bounds_sync; emu keeps one
 * set of bounds, so only what the tnum can hold carries over). Example: after
 * {@code if w1 > 7 goto} falls through, r1's bits 3-31 are known zero, so {@code r1 &= 0xffff}
 * gives [0, 7].
 */
final class Jmp32Refinement {
    private Jmp32Refinement() {}

    private static final long HIGH32 = 0xffffffff00000000L;

    /**
     * {@code reg} narrowed by {@code view}, the refined low-32-bit view of it (zero- or
     * sign-extended: either way its low 32 bits are the register's); null if nothing can be learnt
     * (not a scalar, or the result would be empty, which a consistent state cannot produce).
     */
    static RegState carryLow32(RegState reg, RegState view) {
        if (!reg.isScalar() || !view.isScalar()) {
            return null;
        }
        Tnum low = new Tnum(view.var.value() & Tnum.M32, view.var.mask() & Tnum.M32 | HIGH32);
        RegState r = reg.copy();
        r.var = reg.var.intersect(low);
        r.normalize();
        return r.isEmpty() ? null : r;
    }
}
