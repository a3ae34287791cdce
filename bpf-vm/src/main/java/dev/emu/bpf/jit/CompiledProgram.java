package dev.emu.bpf.jit;

import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.interp.ExecutionResult;

/** A program compiled to a JVM class. Thread-safe: each run has its own memory and registers. */
public interface CompiledProgram {
    /** Runs once, with the same entry state and results as {@link dev.emu.bpf.interp.Interpreter}. */
    ExecutionResult run(byte[] context, HelperEnvironment env);
}
