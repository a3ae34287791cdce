package dev.emu.bpf.interp;

import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.isa.Opcode;

/**
 * The runtime guard both engines share: a per-run instruction budget, charged per basic block.
 *
 * <p>The verifier proves every loop bounded, but a bound of 2^32 iterations is still a hang for a
 * program the kernel runs on a timer tick. Linux relies on the verifier's 1M-instruction
 * complexity limit and on preemption; a Java kernel running programs inline on its tick cannot
 * preempt, so each run gets a budget instead. Accounting is by basic block so the JIT can charge
 * cheaply (one subtract and compare per block entered, which HotSpot keeps in a register): a
 * block's whole length is charged when control enters it, and a run whose next block would take
 * the count past the budget stops with a {@link ExecutionResult.Fault} at that block's first
 * instruction, before executing it. Both engines use the same {@link #costs} table, so they
 * stop at the same instruction with the same message; a run that ends within the budget is not
 * affected (a block is only entered in full or by a fault, so the charge equals the instructions
 * executed).
 *
 * <p>Block leaders: instruction 0, every jump and local-call target, and the instruction after
 * every jump, local call and exit (the fall-through and return sites). A {@code lddw} counts as
 * one instruction. Helper calls do not end a block.
 */
public final class InsnBudget {
    private InsnBudget() {}

    /** No budget: a run is limited only by the verifier's guarantees. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** The fault reason when a run exhausts {@code budget}. */
    public static String exhausted(long budget) {
        return "instruction budget of " + budget + " exhausted";
    }

    /**
     * Per slot: the number of instructions in the basic block starting there, 0 for slots that do
     * not start a block (and for the second slot of {@code lddw}).
     *
     * <p>Precondition: {@code code} passed the load checks (known opcodes, targets in range).
     */
    public static int[] costs(long[] code) {
        int n = code.length;
        boolean[] leader = new boolean[n + 1];
        boolean[] second = new boolean[n + 1];
        leader[0] = true;
        for (int i = 0; i < n; i++) {
            long ins = code[i];
            Opcode o = Opcode.of((int) ins & 0xff);
            if (o == null) {
                continue;
            }
            short off = (short) (ins >>> 16);
            int imm = (int) (ins >> 32);
            switch (o.kind()) {
                case LDDW -> {
                    second[i + 1] = true;
                    i++;
                }
                case JA, JCOND -> mark(leader, i + off + 1, i + 1);
                case JA32 -> mark(leader, i + imm + 1, i + 1);
                case CALL -> {
                    if (((int) ins >>> 12 & 0xf) == BpfFlags.BPF_PSEUDO_CALL) {
                        mark(leader, i + imm + 1, i + 1);
                    }
                }
                case EXIT -> leader[i + 1] = true;
                default -> { }
            }
        }
        int[] cost = new int[n];
        int start = -1, count = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || (leader[i] && !second[i])) {
                if (start >= 0) {
                    cost[start] = count;
                }
                start = i;
                count = 0;
            }
            if (i < n && !second[i]) {
                count++;
            }
        }
        return cost;
    }

    private static void mark(boolean[] leader, long target, int next) {
        if (target >= 0 && target < leader.length) {
            leader[(int) target] = true;
        }
        leader[next] = true;
    }
}
