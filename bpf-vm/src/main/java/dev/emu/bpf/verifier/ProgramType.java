package dev.emu.bpf.verifier;

import java.util.Set;

/**
 * A program type as data (cf. Linux's {@code bpf_verifier_ops}): its Linux id and name, the layout
 * of the context r1 points at on entry, and the helper ids its programs may call. The kernel
 * builds its own types (e.g. its timer-tick type) the same way {@link ProgramTypes} does.
 */
public record ProgramType(int id, String name, ContextLayout context, Set<Integer> allowedHelpers) {
    public ProgramType {
        allowedHelpers = Set.copyOf(allowedHelpers);
    }
}
