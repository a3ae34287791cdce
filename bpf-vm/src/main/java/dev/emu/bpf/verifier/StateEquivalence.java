package dev.emu.bpf.verifier;

import java.util.HashMap;
import java.util.Map;

/**
 * Linux's states_equal for pruning against a fully explored state: the explored state covers the
 * current one if every frame matches (regsafe per register, stacksafe per stack byte, the same
 * acquired references), where registers of the innermost frame that are dead at the prune point
 * ({@link Liveness}) are skipped, as Linux skips registers without REG_LIVE_READ.
 *
 * <p>The infinite-loop check against a state still being explored compares exactly
 * ({@link #exact}), as Linux's states_equal(EXACT) does.
 */
final class StateEquivalence {
    private StateEquivalence() {}

    /** {@code old} (explored) covers {@code cur}, ignoring innermost-frame registers not in {@code live}. */
    static boolean covers(VerifierState old, VerifierState cur, int live) {
        if (old.frames.size() != cur.frames.size() || old.refs.size() != cur.refs.size()) {
            return false;
        }
        Map<Integer, Integer> idmap = new HashMap<>();
        int innermost = old.frames.size() - 1;
        for (int i = 0; i < old.frames.size(); i++) {
            VerifierState.Frame o = old.frames.get(i), c = cur.frames.get(i);
            if (o.callsite != c.callsite) {
                return false;
            }
            int mask = i == innermost ? live : 0x7ff;
            for (int r = 0; r < 11; r++) {
                if ((mask & 1 << r) != 0 && !o.regs[r].covers(c.regs[r], idmap)) {
                    return false;
                }
            }
        }
        for (int i = 0; i < old.frames.size(); i++) {
            if (!VerifierState.stackCovers(old.frames.get(i), cur.frames.get(i), idmap)) {
                return false;
            }
        }
        for (int i = 0; i < old.refs.size(); i++) {
            if (!RegState.sameId(old.refs.get(i).id(), cur.refs.get(i).id(), idmap)) {
                return false;
            }
        }
        return true;
    }

    /**
     * states_equal(EXACT), the infinite-loop check against a state still being explored: every
     * register live at the prune point (Linux cleans dead ones from both states first) and every
     * stack byte and spill are the same, ids consistently renamed.
     */
    static boolean exact(VerifierState old, VerifierState cur, int live) {
        if (old.frames.size() != cur.frames.size() || old.refs.size() != cur.refs.size()) {
            return false;
        }
        Map<Integer, Integer> idmap = new HashMap<>();
        int innermost = old.frames.size() - 1;
        for (int i = 0; i < old.frames.size(); i++) {
            VerifierState.Frame o = old.frames.get(i), c = cur.frames.get(i);
            if (o.callsite != c.callsite) {
                return false;
            }
            int mask = i == innermost ? live : 0x7ff;
            for (int r = 0; r < 11; r++) {
                if ((mask & 1 << r) != 0 && !same(o.regs[r], c.regs[r], idmap)) {
                    return false;
                }
            }
            if (!java.util.Arrays.equals(o.stype, c.stype)) {
                return false;
            }
            for (int k = 0; k < o.spill.length; k++) {
                if ((o.spill[k] == null) != (c.spill[k] == null)
                        || (o.spill[k] != null && !same(o.spill[k], c.spill[k], idmap))) {
                    return false;
                }
            }
        }
        for (int i = 0; i < old.refs.size(); i++) {
            if (!RegState.sameId(old.refs.get(i).id(), cur.refs.get(i).id(), idmap)) {
                return false;
            }
        }
        return true;
    }

    /** regs_exact: the same type, offsets, bounds and known bits, ids consistently renamed. */
    private static boolean same(RegState o, RegState c, Map<Integer, Integer> idmap) {
        if (o.type != c.type) {
            return false;
        }
        if (o.type == RegType.NOT_INIT) {
            return true;
        }
        return o.off == c.off && o.var.equals(c.var) && o.smin == c.smin && o.smax == c.smax && o.umin == c.umin
                && o.umax == c.umax && o.frameNo == c.frameNo && o.map == c.map && o.memSize == c.memSize
                && o.range == c.range && RegState.sameId(o.id, c.id, idmap)
                && RegState.sameId(o.refObjId, c.refObjId, idmap);
    }
}
