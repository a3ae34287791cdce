package dev.emu.bpf.verifier;

import static dev.emu.bpf.verifier.VerifierState.SPILL;
import static dev.emu.bpf.verifier.VerifierState.STACK;
import static dev.emu.bpf.verifier.VerifierState.ZERO;

import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.map.BpfMap;

/**
 * A map key the verifier knows (Linux 6.13+'s get_constant_map_key): bpf_map_lookup_elem on an
 * array or per-CPU array with a constant key below max_entries cannot return NULL
 * (can_elide_value_nullness), so its result is a plain map value pointer. The key must be on the
 * stack at a constant offset, inside one 8-byte slot, and be either zero bytes (STACK_ZERO) or an
 * 8-byte spill of a constant scalar when the key is 8 bytes (emu keeps only 8-byte spills).
 * emu compares every scalar exactly when pruning, so the constant needs no precision mark.
 */
final class ConstMapKey {
    private ConstMapKey() {}

    /** The key {@code r} points at if the verifier knows it and the map may elide NULL, else -1. */
    static long of(VerifierState st, BpfMap map, RegState r) {
        if (map.type() != BpfMapType.ARRAY && map.type() != BpfMapType.PERCPU_ARRAY) {
            return -1;
        }
        if (r.type != RegType.PTR_TO_STACK || !r.isConst()) {
            return -1;
        }
        int o = r.off + (int) r.constValue();
        int size = map.keySize();
        int idx = STACK + o;
        if (idx < 0 || idx + size > STACK || idx / 8 != (idx + size - 1) / 8) {
            return -1;
        }
        VerifierState.Frame f = st.frames.get(r.frameNo);
        boolean zero = true;
        for (int k = idx; k < idx + size; k++) {
            zero &= f.stype[k] == ZERO;
        }
        if (zero) {
            return 0;
        }
        RegState sp = f.spill[idx / 8];
        if (size == 8 && idx % 8 == 0 && f.stype[idx] == SPILL && sp != null && sp.isScalar() && sp.isConst()) {
            return sp.constValue();
        }
        return -1;
    }
}
