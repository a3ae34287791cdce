package dev.emu.bpf.verifier;

import static dev.emu.bpf.verifier.VerifierState.INVALID;
import static dev.emu.bpf.verifier.VerifierState.MISC;
import static dev.emu.bpf.verifier.VerifierState.SPILL;
import static dev.emu.bpf.verifier.VerifierState.STACK;
import static dev.emu.bpf.verifier.VerifierState.ZERO;

/**
 * Stack loads and stores through a pointer whose offset is a range, as Linux allows privileged
 * programs (check_stack_access_within_bounds, check_stack_read_var_off, check_stack_write_var_off):
 * every byte the access may touch must be inside the frame, the access must be aligned for every
 * possible offset (check_ptr_alignment is strict for the stack), a read needs every byte of the
 * range initialised (emu refuses uninitialised stack reads) and yields an unknown scalar (zero if
 * every byte is known zero), and a write may hit any slot of the range, so every spill there is
 * forgotten and every byte becomes misc (zero stays zero when zero is written).
 */
final class VarOffsetStack {
    private VarOffsetStack() {}

    /** BPF_MAX_VAR_OFF: larger offsets are "unbounded". */
    private static final long MAX_VAR_OFF = 1L << 29;

    /** A load ({@code write} false: returns the value) or store of {@code size} bytes at {@code base + off}. */
    static RegState access(Verifier v, VerifierState st, int i, int regno, RegState base, int off, int size,
            boolean write, RegState value, boolean signExt) {
        String extra = write ? " write to" : " read from";
        if (base.smax >= MAX_VAR_OFF || base.smin <= -MAX_VAR_OFF) {
            throw v.refusal(i, "invalid unbounded variable-offset" + extra + " stack R" + regno);
        }
        Tnum at = base.var.add(Tnum.of((long) base.off + off));
        if (((at.value() | at.mask()) & (size - 1)) != 0) {
            throw v.refusal(i, "misaligned stack access off " + base.var + "+" + base.off + "+" + off + " size " + size);
        }
        long minOff = base.smin + base.off + off;
        long maxOff = base.smax + base.off + off + size;
        if (minOff < -STACK || maxOff > 0) {
            String msg = "invalid variable-offset" + extra + " stack R" + regno + " var_off=" + base.var
                    + " off=" + (base.off + off) + " size=" + size;
            // Linux: below the frame is EACCES (check_stack_slot_within_bounds), above it EINVAL.
            throw minOff < -STACK ? v.refusal(i, msg) : v.malformedProgram(i, msg);
        }
        VerifierState.Frame f = st.frames.get(base.frameNo);
        v.touchStack(f, minOff);
        int lo = (int) (STACK + minOff), hi = (int) (STACK + maxOff);
        if (!write) {
            boolean zero = true;
            for (int k = lo; k < hi; k++) {
                if (f.stype[k] == INVALID) {
                    throw v.refusal(i, "invalid read from stack R" + regno + " var_off " + base.var + "+" + (k - lo)
                            + " size " + size);
                }
                zero &= f.stype[k] == ZERO
                        || (f.stype[k] == SPILL && f.spill[k / 8].isConst() && f.spill[k / 8].constValue() == 0);
            }
            return zero ? RegState.constant(0) : loaded(size, signExt);
        }
        if (value.type == RegType.PTR_TO_STACK && value.frameNo > f.frameNo) {
            throw v.refusal(i, "cannot spill pointers to stack into stack frame of the caller");
        }
        boolean writingZero = value.isScalar() && value.isConst() && value.constValue() == 0;
        for (int k = lo; k < hi; k++) {
            int slot = k / 8;
            if (f.stype[k] == SPILL) { // the write may land in this spill: forget it, keep what is known of its bytes
                RegState sp = f.spill[slot];
                byte t = sp.isScalar() && sp.isConst() && sp.constValue() == 0 ? ZERO : MISC;
                java.util.Arrays.fill(f.stype, slot * 8, slot * 8 + 8, t);
                f.spill[slot] = null;
            }
            f.stype[k] = writingZero && f.stype[k] == ZERO ? ZERO : MISC;
        }
        return null;
    }

    /**
     * A helper's memory argument on the stack at a variable offset (check_stack_range_initialized):
     * every byte of every possible range must be in the frame and initialised, also for a buffer
     * the helper only writes (Linux drops raw_mode for variable offsets: which bytes get written is
     * not known). The helper's writes make every byte of the range misc and forget its spills.
     */
    static void helperRange(Verifier v, VerifierState st, int i, int regno, RegState base, int size, boolean write) {
        String extra = write ? " write to" : " read from";
        if (base.smax >= MAX_VAR_OFF || base.smin <= -MAX_VAR_OFF) {
            throw v.refusal(i, "invalid unbounded variable-offset" + extra + " stack R" + regno);
        }
        long minOff = base.smin + base.off;
        long maxOff = base.smax + base.off + size;
        if (minOff < -STACK || maxOff > 0) {
            String msg = "invalid variable-offset" + extra + " stack R" + regno + " var_off=" + base.var
                    + " off=" + base.off + " size=" + size;
            throw minOff < -STACK ? v.refusal(i, msg) : v.malformedProgram(i, msg);
        }
        VerifierState.Frame f = st.frames.get(base.frameNo);
        v.touchStack(f, minOff);
        int lo = (int) (STACK + minOff), hi = (int) (STACK + maxOff);
        for (int k = lo; k < hi; k++) {
            if (f.stype[k] == INVALID) {
                throw v.refusal(i, "invalid read from stack R" + regno + " var_off " + base.var + "+" + (k - STACK)
                        + " size " + size);
            }
        }
        if (write) {
            for (int k = lo; k < hi; k++) {
                int slot = k / 8;
                if (f.stype[k] == SPILL) {
                    java.util.Arrays.fill(f.stype, slot * 8, slot * 8 + 8, MISC);
                    f.spill[slot] = null;
                }
                f.stype[k] = MISC;
            }
        }
    }

    /** An unknown scalar of a {@code size}-byte load (as the fixed-offset stack read gives). */
    private static RegState loaded(int size, boolean signExt) {
        RegState r = RegState.unknown();
        if (size < 8) {
            if (signExt) {
                r.smin = -(1L << (size * 8 - 1));
                r.smax = (1L << (size * 8 - 1)) - 1;
            } else {
                r.umax = (1L << (size * 8)) - 1;
            }
            r.normalize();
        }
        return r;
    }
}
