package dev.emu.bpf.verifier;

import java.util.HashMap;
import java.util.Map;

/**
 * Linux's states_equal for pruning against a fully explored state: the explored state covers the
 * current one if every frame matches (regsafe per register, stacksafe per stack byte, the same
 * acquired references), where registers of the innermost frame that are dead at the prune point
 * ({@link Liveness}) are skipped, as Linux skips registers without REG_LIVE_READ.
 *
 * <p>Only for pruning: the infinite-loop check against a state still being explored keeps
 * comparing every register ({@link VerifierState#covers}), as Linux's loop check compares exactly.
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
}
