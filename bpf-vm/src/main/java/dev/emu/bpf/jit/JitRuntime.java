package dev.emu.bpf.jit;

import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.interp.InsnBudget;
import dev.emu.bpf.interp.ProgramRun;
import dev.emu.bpf.interp.VmFault;
import dev.emu.bpf.load.LoadedProgram;

/**
 * Per-run state of compiled code: the interpreter's {@link ProgramRun} (memory, maps, the
 * environment) plus the BPF-to-BPF call depth and the instruction budget. Public only for the generated classes.
 */
public final class JitRuntime extends ProgramRun {
    private static final int MAX_FRAMES = BpfFlags.MAX_CALL_FRAMES;

    /** Current call depth (0 = main function). */
    public int depth;
    /** The run's budget ({@link dev.emu.bpf.interp.InsnBudget}), for the fault message. */
    private final long budgetLimit;
    /** Instructions left; generated code keeps it in a local and hands it over here at calls and chunk exits. */
    public long budget;
    /** r1-r5 as a local function left them at exit (read by its caller after the call). */
    public long c1, c2, c3, c4, c5;

    JitRuntime(LoadedProgram program, HelperEnvironment env, long budget) {
        super(program, env);
        this.budgetLimit = budget;
        this.budget = budget;
    }

    /** lddw map_value: the address of the single array element's value plus the offset. */
    public long mapValue(long slot, int pc) {
        try {
            return program.mapValueAddress(mem, slot);
        } catch (VmFault f) {
            throw new JitFault(pc, f.getMessage());
        }
    }

    /** call local at {@code pc}: one frame deeper, or a fault past 8 frames (as the interpreter). */
    public void enter(int pc) {
        if (depth + 1 >= MAX_FRAMES) {
            throw new JitFault(pc, "call stack too deep: more than " + MAX_FRAMES + " frames");
        }
        depth++;
    }

    /** Return from a local call. */
    public void leave() {
        depth--;
    }

    /** exit from a local function: its r1-r5 for the caller. */
    public void ret(long r1, long r2, long r3, long r4, long r5) {
        c1 = r1;
        c2 = r2;
        c3 = r3;
        c4 = r4;
        c5 = r5;
    }

    /** The fault for a run out of budget at the block starting at {@code pc}; generated code throws it. */
    public RuntimeException outOfBudget(int pc) {
        budget = 0;
        return new JitFault(pc, InsnBudget.exhausted(budgetLimit));
    }
}
