package dev.emu.bpf.jit;

import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.interp.ExecutionEngine;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.Interpreter;
import dev.emu.bpf.load.LoadedProgram;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The JIT as an {@link ExecutionEngine}: compiles each program once (cached per program object)
 * and runs the compiled code; falls back to the interpreter if a program cannot be compiled.
 */
public final class JitEngine implements ExecutionEngine {
    private static final Interpreter FALLBACK = new Interpreter();
    private final Map<LoadedProgram, JitCompiler.Result> cache = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public ExecutionResult run(LoadedProgram program, byte[] context, HelperEnvironment env) {
        JitCompiler.Result r = cache.computeIfAbsent(program, JitCompiler::compile);
        return r.program() != null ? r.program().run(context, env) : FALLBACK.run(program, context, env);
    }

    /**
     * Runs with an instruction budget ({@link dev.emu.bpf.interp.InsnBudget}): the same fault, at
     * the same instruction, as {@link Interpreter#run(LoadedProgram, byte[], HelperEnvironment, long)}.
     */
    public ExecutionResult run(LoadedProgram program, byte[] context, HelperEnvironment env, long budget) {
        JitCompiler.Result r = cache.computeIfAbsent(program, JitCompiler::compile);
        return r.program() != null ? r.program().run(context, env, budget, null)
                : FALLBACK.run(program, context, env, budget);
    }
}
