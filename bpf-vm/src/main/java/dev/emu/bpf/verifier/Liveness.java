package dev.emu.bpf.verifier;

import dev.emu.bpf.isa.Opcode;

/**
 * Register liveness: per instruction, the registers of its own frame that some path from there
 * may read before writing (after Linux's compute_live_registers, a backward data-flow over the
 * control-flow graph). A register not live at a prune point cannot influence anything the walk
 * does from there, so {@link StateEquivalence} ignores it: two paths that differ only in a dead
 * scratch register are pruned as one.
 *
 * <p>The model of each instruction follows what {@link Verifier} does with it, erring towards
 * "read" (over-approximating liveness is always safe, under-approximating is not): a helper call
 * reads r1-r5 whatever its prototype, and clobbers r0-r5 (the verifier marks r1-r5 NOT_INIT); a
 * bpf-to-bpf call reads r1-r5 (the callee's arguments) and clobbers r0-r5 in the caller; exit
 * reads r0; atomics read r0 (cmpxchg) and write nothing here. r10 is always live.
 */
final class Liveness {
    private static final int R0_TO_R5 = 0x3f;
    private static final int R1_TO_R5 = 0x3e;
    private static final int R10 = 1 << 10;
    private static final int ALL = 0x7ff;

    /** liveIn[i]: bit r set if register r is live before instruction i. */
    private final int[] liveIn;

    private Liveness(int[] liveIn) {
        this.liveIn = liveIn;
    }

    /** The registers live before instruction {@code insn}, as a bit mask (bit r = register r). */
    int liveIn(int insn) {
        return liveIn[insn];
    }

    /** Computes liveness for {@code code}, which passed the load and control-flow checks. */
    static Liveness compute(long[] code) {
        int n = code.length;
        int[] use = new int[n];
        int[] def = new int[n];
        // Successors: at most two per instruction (-1 for none).
        int[] succ1 = new int[n];
        int[] succ2 = new int[n];
        boolean[] second = new boolean[n];
        for (int i = 0; i < n; i++) {
            succ1[i] = -1;
            succ2[i] = -1;
            if (second[i]) {
                continue;
            }
            long ins = code[i];
            Opcode o = Opcode.of((int) ins & 0xff);
            int dst = (int) (ins >>> 8) & 0xf;
            int src = (int) (ins >>> 12) & 0xf;
            short off = (short) (ins >>> 16);
            int imm = (int) (ins >> 32);
            int next = i + (o == null ? 1 : o.slots());
            if (o == null) {
                use[i] = ALL;
                succ1[i] = next;
                continue;
            }
            switch (o.kind()) {
                case ALU -> {
                    int s = o.regSource() ? 1 << src : 0;
                    use[i] = o.op() == Opcode.ALU_MOV ? s : s | 1 << dst;
                    def[i] = 1 << dst;
                    succ1[i] = next;
                }
                case NEG, END -> {
                    use[i] = 1 << dst;
                    def[i] = 1 << dst;
                    succ1[i] = next;
                }
                case LDDW -> {
                    def[i] = 1 << dst;
                    second[i + 1] = true;
                    succ1[i] = next;
                }
                case LDX, LDXS -> {
                    use[i] = 1 << src;
                    def[i] = 1 << dst;
                    succ1[i] = next;
                }
                case ST -> {
                    use[i] = 1 << dst;
                    succ1[i] = next;
                }
                case STX -> {
                    use[i] = 1 << dst | 1 << src;
                    succ1[i] = next;
                }
                case ATOMIC -> {
                    use[i] = 1 << dst | 1 << src | 1;
                    succ1[i] = next;
                }
                case LD_ABS, LD_IND -> {
                    // The packet comes from the context in r6 (Linux: "at the time of LD_ABS/IND R6 ctx").
                    use[i] = 1 << 6 | (o.kind() == Opcode.Kind.LD_IND ? 1 << src : 0);
                    def[i] = R0_TO_R5;
                    succ1[i] = next;
                }
                case JA -> succ1[i] = i + off + 1;
                case JA32 -> succ1[i] = i + imm + 1;
                case JCOND -> {
                    use[i] = 1 << dst | (o.regSource() ? 1 << src : 0);
                    succ1[i] = next;
                    succ2[i] = i + off + 1;
                }
                case CALL -> {
                    // Helpers and bpf-to-bpf calls alike: arguments in r1-r5, r0-r5 clobbered on return.
                    use[i] = R1_TO_R5;
                    def[i] = R0_TO_R5;
                    succ1[i] = next;
                }
                case EXIT -> use[i] = 1;
                default -> { // callx (refused by check_cfg) and anything new: assume it reads everything
                    use[i] = ALL;
                    succ1[i] = next;
                }
            }
        }
        // Backward sweeps to the fixed point: one sweep for straight-line code, a few per loop nest.
        int[] in = new int[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                if (second[i]) {
                    continue;
                }
                int out = 0;
                if (succ1[i] >= 0 && succ1[i] < n) {
                    out |= in[succ1[i]];
                }
                if (succ2[i] >= 0 && succ2[i] < n) {
                    out |= in[succ2[i]];
                }
                int v = use[i] | (out & ~def[i]) | R10;
                if (v != in[i]) {
                    in[i] = v;
                    changed = true;
                }
            }
        }
        return new Liveness(in);
    }
}
