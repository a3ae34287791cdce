package dev.emu.bpf.verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The abstract machine state on one path (cf. Linux's struct bpf_verifier_state): the call
 * frames, each with registers and a 512-byte stack described byte by byte, and the acquired
 * references (ringbuf reservations) not yet released.
 */
final class VerifierState {
    static final int STACK = 512;
    /** Stack byte states (cf. STACK_INVALID, STACK_MISC, STACK_ZERO, STACK_SPILL). */
    static final byte INVALID = 0, MISC = 1, ZERO = 2, SPILL = 3;

    /** One call frame (cf. struct bpf_func_state). */
    static final class Frame {
        final RegState[] regs = new RegState[11];
        /** stype[STACK + off] describes the byte at fp + off (off in [-512, 0)). */
        final byte[] stype = new byte[STACK];
        /** spill[k]: the register spilled to bytes [8k, 8k+8) when they are SPILL. */
        final RegState[] spill = new RegState[STACK / 8];
        final int frameNo;
        /** Index of the call instruction that made this frame (-1 for the main program). */
        final int callsite;
        /** A callback a helper calls (bpf_loop, for_each_map_elem): its exit returns into the helper. */
        final boolean callback;
        /** The first instruction of the function this frame runs (for its stack depth). */
        int entry;

        Frame(int frameNo, int callsite) {
            this(frameNo, callsite, false);
        }

        Frame(int frameNo, int callsite, boolean callback) {
            this.frameNo = frameNo;
            this.callsite = callsite;
            this.callback = callback;
        }

        Frame copy() {
            Frame f = new Frame(frameNo, callsite, callback);
            f.entry = entry;
            for (int i = 0; i < 11; i++) {
                f.regs[i] = regs[i].copy();
            }
            System.arraycopy(stype, 0, f.stype, 0, STACK);
            for (int i = 0; i < spill.length; i++) {
                f.spill[i] = spill[i] == null ? null : spill[i].copy();
            }
            return f;
        }
    }

    /** An acquired reference: its id and the instruction that acquired it. */
    record Ref(int id, int insn) {}

    final List<Frame> frames = new ArrayList<>();
    final List<Ref> refs = new ArrayList<>();
    /** The most recent checkpoint on this path (for branch counting). */
    Verifier.Checkpoint parent;
    /** Registers of the current frame written by the last instruction (for the log's "_w"). */
    int written;

    Frame cur() {
        return frames.get(frames.size() - 1);
    }

    VerifierState copy() {
        VerifierState s = new VerifierState();
        for (Frame f : frames) {
            s.frames.add(f.copy());
        }
        s.refs.addAll(refs);
        s.parent = parent;
        return s;
    }

    /** Every register and spilled register of every frame (for id-based updates). */
    List<RegState> allRegs() {
        List<RegState> out = new ArrayList<>();
        for (Frame f : frames) {
            for (RegState r : f.regs) {
                out.add(r);
            }
            for (RegState r : f.spill) {
                if (r != null) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    static boolean stackCovers(Frame o, Frame c, Map<Integer, Integer> idmap) {
        for (int i = 0; i < STACK; i++) {
            byte ot = o.stype[i], ct = c.stype[i];
            switch (ot) {
                case INVALID -> { }
                case MISC -> {
                    if (ct == INVALID || (ct == SPILL && !c.spill[i / 8].isScalar())) {
                        return false;
                    }
                }
                case ZERO -> {
                    if (ct != ZERO) {
                        return false;
                    }
                }
                default -> {
                    if (ct != SPILL) {
                        return false;
                    }
                    if (i % 8 == 0 && !o.spill[i / 8].covers(c.spill[i / 8], idmap)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The current frame in Linux's notation: {@code R1=ctx() R10=fp0 fp-8=mmmmmmmm}. */
    String describe(boolean markWritten) {
        Frame f = cur();
        StringBuilder sb = new StringBuilder();
        if (f.frameNo > 0) {
            sb.append("frame").append(f.frameNo).append(": ");
        }
        String sep = "";
        for (int r = 0; r < 11; r++) {
            if (f.regs[r].type == RegType.NOT_INIT) {
                continue;
            }
            sb.append(sep).append('R').append(r);
            if (markWritten && (written & (1 << r)) != 0) {
                sb.append("_w");
            }
            sb.append('=').append(f.regs[r]);
            sep = " ";
        }
        for (int slot = STACK / 8 - 1; slot >= 0; slot--) {
            int base = slot * 8;
            boolean any = false;
            for (int k = 0; k < 8; k++) {
                any |= f.stype[base + k] != INVALID;
            }
            if (!any) {
                continue;
            }
            sb.append(sep).append("fp").append(base - STACK).append('=');
            if (f.stype[base] == SPILL) {
                sb.append(f.spill[slot]);
            } else {
                for (int k = 7; k >= 0; k--) {
                    sb.append(switch (f.stype[base + k]) {
                        case MISC -> 'm';
                        case ZERO -> '0';
                        default -> '?';
                    });
                }
            }
            sep = " ";
        }
        if (!refs.isEmpty()) {
            sb.append(sep).append("refs=");
            for (int i = 0; i < refs.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(refs.get(i).id());
            }
        }
        return sb.toString();
    }
}
