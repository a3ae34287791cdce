package dev.emu.bpf.verifier;

/**
 * A tristate number: bits set in {@code mask} are unknown, the others equal {@code value}'s
 * (value & mask == 0). A straight port of Linux's kernel/bpf/tnum.c.
 */
record Tnum(long value, long mask) {
    static final Tnum UNKNOWN = new Tnum(0, -1L);
    static final long M32 = 0xffffffffL;

    static Tnum of(long v) {
        return new Tnum(v, 0);
    }

    boolean isConst() {
        return mask == 0;
    }

    /** tnum_range: the tnum of all values in [min, max] (unsigned). */
    static Tnum range(long min, long max) {
        long chi = min ^ max;
        int bits = 64 - Long.numberOfLeadingZeros(chi);
        if (bits > 63) {
            return UNKNOWN;
        }
        long delta = (1L << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    Tnum lshift(int s) {
        return new Tnum(value << s, mask << s);
    }

    Tnum rshift(int s) {
        return new Tnum(value >>> s, mask >>> s);
    }

    Tnum arshift(int s) {
        return new Tnum(value >> s, mask >> s);
    }

    Tnum add(Tnum b) {
        long sm = mask + b.mask, sv = value + b.value, sigma = sm + sv, chi = sigma ^ sv;
        long mu = chi | mask | b.mask;
        return new Tnum(sv & ~mu, mu);
    }

    Tnum sub(Tnum b) {
        long dv = value - b.value, alpha = dv + mask, beta = dv - b.mask, chi = alpha ^ beta;
        long mu = chi | mask | b.mask;
        return new Tnum(dv & ~mu, mu);
    }

    Tnum and(Tnum b) {
        long alpha = value | mask, beta = b.value | b.mask, v = value & b.value;
        return new Tnum(v, alpha & beta & ~v);
    }

    Tnum or(Tnum b) {
        long v = value | b.value, mu = mask | b.mask;
        return new Tnum(v, mu & ~v);
    }

    Tnum xor(Tnum b) {
        long v = value ^ b.value, mu = mask | b.mask;
        return new Tnum(v & ~mu, mu);
    }

    Tnum mul(Tnum b) {
        Tnum a = this;
        long accV = value * b.value;
        Tnum accM = new Tnum(0, 0);
        while (a.value != 0 || a.mask != 0) {
            if ((a.value & 1) != 0) {
                accM = accM.add(new Tnum(0, b.mask));
            } else if ((a.mask & 1) != 0) {
                accM = accM.add(new Tnum(0, b.value | b.mask));
            }
            a = a.rshift(1);
            b = b.lshift(1);
        }
        return of(accV).add(accM);
    }

    Tnum intersect(Tnum b) {
        long v = value | b.value, mu = mask & b.mask;
        return new Tnum(v & ~mu, mu);
    }

    Tnum cast32() {
        return new Tnum(value & M32, mask & M32);
    }

    /** tnum_in: every value of {@code b} is a value of this. */
    boolean contains(Tnum b) {
        if ((b.mask & ~mask) != 0) {
            return false;
        }
        return value == (b.value & ~mask);
    }

    @Override
    public String toString() {
        return "(0x" + Long.toHexString(value) + "; 0x" + Long.toHexString(mask) + ")";
    }
}
