package dev.emu.bpf.jit;

import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.helper.HelperContext;
import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.interp.InsnBudget;
import dev.emu.bpf.interp.MemoryMap;
import dev.emu.bpf.interp.VmFault;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.map.BpfMap;

/**
 * Per-run state of compiled code (what the interpreter keeps in its Run): memory, maps, the
 * environment, the BPF-to-BPF call depth, and the instruction budget. Public only for the generated classes.
 */
public final class JitRuntime implements HelperContext {
    private static final int MAX_FRAMES = BpfFlags.MAX_CALL_FRAMES;

    final LoadedProgram program;
    final HelperEnvironment env;
    /** The run's memory; generated code caches {@code mem.regions} and reloads it after helper calls. */
    public final MemoryMap mem = new MemoryMap();
    /** Current call depth (0 = main function). */
    public int depth;
    /** The run's budget ({@link dev.emu.bpf.interp.InsnBudget}), for the fault message. */
    private final long budgetLimit;
    /** Instructions left; generated code keeps it in a local and hands it over here at calls and chunk exits. */
    public long budget;
    /** r1-r5 as a local function left them at exit (read by its caller after the call). */
    public long c1, c2, c3, c4, c5;

    JitRuntime(LoadedProgram program, HelperEnvironment env, long budget) {
        this.program = program;
        this.env = env;
        this.budgetLimit = budget;
        this.budget = budget;
    }

    @Override
    public HelperEnvironment env() {
        return env;
    }

    @Override
    public MemoryMap memory() {
        return mem;
    }

    @Override
    public BpfMap map(long ptr) {
        return program.mapAt(ptr);
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
        return new JitFault(pc, InsnBudget.exhausted(budgetLimit));
    }
}
