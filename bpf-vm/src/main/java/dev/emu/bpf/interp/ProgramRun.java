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
}
