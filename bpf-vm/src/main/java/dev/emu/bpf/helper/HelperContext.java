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
}
