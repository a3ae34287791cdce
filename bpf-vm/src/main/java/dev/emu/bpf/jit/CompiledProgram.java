package dev.emu.bpf.jit;

import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.InsnBudget;
import dev.emu.bpf.interp.InsnCounter;

/** A program compiled to a JVM class. Thread-safe: each run has its own memory and registers. */
public interface CompiledProgram {
    /** Runs once, with the same entry state and results as {@link dev.emu.bpf.interp.Interpreter}. */
    default ExecutionResult run(byte[] context, HelperEnvironment env) {
        return run(context, env, InsnBudget.UNLIMITED);
    }

    /** Runs once with an instruction budget; stops where the interpreter would ({@link InsnBudget}). */
    default ExecutionResult run(byte[] context, HelperEnvironment env, long budget) {
        return run(context, env, budget, null);
    }

    /** As {@link #run(byte[], HelperEnvironment, long)}, adding the instructions run to {@code counter} (if not null). */
    ExecutionResult run(byte[] context, HelperEnvironment env, long budget, InsnCounter counter);
}
