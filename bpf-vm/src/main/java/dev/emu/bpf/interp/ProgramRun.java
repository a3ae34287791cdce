package dev.emu.bpf.interp;

import dev.emu.bpf.helper.HelperContext;
import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.map.BpfMap;

/**
 * Per-run state both engines keep and helpers see: the program (for its maps), the environment
 * and the run's memory. The interpreter uses it as is; the JIT's runtime adds its own state.
 */
public class ProgramRun implements HelperContext {
    protected final LoadedProgram program;
    protected final HelperEnvironment env;
    /** The run's memory; engines cache {@code mem.regions} and reload it after helper calls. */
    public final MemoryMap mem = new MemoryMap();
    /**
     * Set by the interpreter at each helper call for {@link #callback}: the caller's call depth
     * (0 = main function), its r10, and the instructions left (read back after the helper).
     */
    int callerDepth;
    long callerFp;
    long budgetLeft;

    public ProgramRun(LoadedProgram program, HelperEnvironment env) {
        this.program = program;
        this.env = env;
    }

    @Override
    public final HelperEnvironment env() {
        return env;
    }

    @Override
    public final MemoryMap memory() {
        return mem;
    }

    @Override
    public final BpfMap map(long ptr) {
        if (mem.ownerAt(ptr) instanceof dev.emu.bpf.map.MapOfMaps.Entry inner) {
            return inner.map(); // an inner map from a map-in-map lookup
        }
        return program.mapAt(ptr);
    }

    /** Runs the callback in the interpreter, one frame below the helper's caller. */
    @Override
    public long callback(long func, long r1, long r2, long r3, long r4, long r5) {
        return Interpreter.callback(this, program.funcEntry(func), r1, r2, r3, r4, r5);
    }
}
