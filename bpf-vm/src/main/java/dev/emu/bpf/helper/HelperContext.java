package dev.emu.bpf.helper;

import dev.emu.bpf.interp.MemoryMap;
import dev.emu.bpf.map.BpfMap;

/**
 * What a helper body sees of the running program: its memory, its maps, the kernel environment.
 * Implemented by each execution engine. Methods throw {@link dev.emu.bpf.interp.VmFault} for a bad
 * guest pointer; the engine turns it into a fault result.
 */
public interface HelperContext {
    /** The kernel services for this run. */
    HelperEnvironment env();

    /** The run's memory regions. */
    MemoryMap memory();

    /** The map a CONST_MAP_PTR argument designates; faults if {@code ptr} is not a map pointer. */
    BpfMap map(long ptr);

    /**
     * Calls the subprogram {@code func} (a PTR_TO_FUNC argument) with r1-r5 and returns its r0,
     * for callback helpers (bpf_loop, bpf_for_each_map_elem); it runs one frame below the caller
     * and spends the run's instruction budget. Faults (as a {@link dev.emu.bpf.interp.VmFault})
     * where an engine cannot call back.
     */
    default long callback(long func, long r1, long r2, long r3, long r4, long r5) {
        throw new dev.emu.bpf.interp.VmFault("this engine cannot run callbacks");
    }
}
