package dev.emu.bpf.verifier;

import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.isa.Opcode;

/**
 * The stack each function uses and the limit on their sum along any chain of calls (Linux's
 * subprog_info[].stack_depth, kept by grow_stack_state, and check_max_stack_depth): every stack
 * access grows its function's depth to the lowest byte touched (rounded up to 8); after the walk
 * each call chain of the static call graph (bpf-to-bpf calls and callbacks) may use at most 512
 * bytes together, each function's depth rounded up to 16 as with the JIT (round_up_stack_depth).
 */
final class StackDepth {
    private static final int MAX_BPF_STACK = 512;
    private static final int MAX_FRAMES = BpfFlags.MAX_CALL_FRAMES;

    /** depth[entry]: the deepest stack use of the function starting at instruction {@code entry}. */
    private final int[] depth;

    StackDepth(int insns) {
        depth = new int[insns];
    }

    /** Records a stack access whose lowest byte is at {@code fp + lowestOff} in the function at {@code entry}. */
    void touch(int entry, long lowestOff) {
        int size = (int) ((-lowestOff + 7) & ~7L);
        if (size > depth[entry]) {
            depth[entry] = size;
        }
    }

    /** The stack depth the main program reports (the "stack depth" log line lists every function). */
    int of(int entry) {
        return depth[entry];
    }

    /**
     * check_max_stack_depth: null if every call chain fits, else Linux's message. {@code code} is
     * the program, {@code subprogEnd[entry]} the end of the function starting at {@code entry}.
     */
    String check(long[] code, int[] subprogEnd) {
        return walk(code, subprogEnd, 0, 0, 0);
    }

    private String walk(long[] code, int[] subprogEnd, int entry, int frame, int depthSoFar) {
        if (frame >= MAX_FRAMES) {
            return null; // the walk already refused deeper chains ("the call stack of N frames is too deep")
        }
        int d = depthSoFar + ((depth[entry] + 15) & ~15);
        if (d > MAX_BPF_STACK) {
            return "combined stack size of " + (frame + 1) + " calls is " + d + ". Too large";
        }
        for (int k = entry; k < subprogEnd[entry]; k++) {
            int opcode = (int) code[k] & 0xff;
            int src = (int) (code[k] >>> 12) & 0xf;
            int imm = (int) (code[k] >> 32);
            boolean call = opcode == (Opcode.CLS_JMP | Opcode.JMP_CALL) && src == BpfFlags.BPF_PSEUDO_CALL;
            boolean callback = opcode == 0x18 && src == BpfFlags.BPF_PSEUDO_FUNC;
            if (call || callback) {
                String bad = walk(code, subprogEnd, k + imm + 1, frame + 1, d);
                if (bad != null) {
                    return bad;
                }
            }
            if (opcode == 0x18) {
                k++;
            }
        }
        return null;
    }
}
