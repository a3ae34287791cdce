package dev.emu.bpf.interp;

import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.load.LoadedProgram;

/**
 * Something that runs a loaded program: the interpreter (reference semantics) or, later, the JIT.
 * The kernel never sees which engine runs a program.
 */
public interface ExecutionEngine {

    /**
     * Runs {@code program} once. On entry r1 points at a region holding {@code context} (r1 = 0 if
     * {@code context} is null or empty), r2 holds its length, r10 points at the top of a 512-byte
     * zeroed stack frame.
     *
     * @param context the context/input memory; the program may read and write it in place
     * @param env what helpers need from the kernel (time, current task, trace log)
     * @return the program's r0, or the fault that stopped it
     */
    ExecutionResult run(LoadedProgram program, byte[] context, HelperEnvironment env);
}
