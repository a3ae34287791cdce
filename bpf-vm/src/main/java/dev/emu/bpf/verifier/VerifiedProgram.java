package dev.emu.bpf.verifier;

import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.interp.ExecutionEngine;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.InsnBudget;
import dev.emu.bpf.interp.InsnCounter;
import dev.emu.bpf.interp.Interpreter;
import dev.emu.bpf.jit.CompiledProgram;
import dev.emu.bpf.jit.JitCompiler;
import dev.emu.bpf.load.LoadedProgram;

/**
 * A program the {@link Verifier} accepted: the only kind the kernel runs. Immutable apart from
 * the JIT-compiled form, which is made once, on first run, and cached here.
 *
 * <p>Engine choice: the JIT by default; {@code -Demu.bpf.engine=interpreter} (or
 * {@link #run(byte[], HelperEnvironment, Engine)} with {@link Engine#INTERPRETER}) forces the
 * reference interpreter. If a program cannot be compiled (too large for one JVM method), the
 * interpreter runs it and {@link #jitNote()} says why.
 *
 * <p>Runtime guard: {@link #run(byte[], HelperEnvironment, Engine, long)} bounds the instructions
 * one run may execute (see {@link InsnBudget}); the kernel runs every program that way.
 */
public final class VerifiedProgram {
    /** Which engine runs the program. */
    public enum Engine {
        /** The system property {@code emu.bpf.engine} ("jit" unless "interpreter"). */
        DEFAULT,
        /** The JIT to JVM bytecode. */
        JIT,
        /** The reference interpreter. */
        INTERPRETER
    }

    /** System property selecting the default engine. */
    public static final String ENGINE_PROPERTY = "emu.bpf.engine";

    private static final Interpreter INTERPRETER = new Interpreter();

    private final LoadedProgram program;
    private final ProgramType type;
    private final int maxCtxOffset;
    private volatile CompiledProgram compiled;
    private volatile String jitNote;

    VerifiedProgram(LoadedProgram program, ProgramType type) {
        this(program, type, 0);
    }

    VerifiedProgram(LoadedProgram program, ProgramType type, int maxCtxOffset) {
        this.program = program;
        this.type = type;
        this.maxCtxOffset = maxCtxOffset;
    }

    /**
     * The end of the furthest context byte the program reads (Linux's aux->max_ctx_offset):
     * attaching checks it against the context an attach point provides.
     */
    public int maxCtxOffset() {
        return maxCtxOffset;
    }

    /** The loaded program that passed verification. */
    public LoadedProgram program() {
        return program;
    }

    /** The type it was verified as. */
    public ProgramType type() {
        return type;
    }

    /** Runs with the default engine (see class comment). */
    public ExecutionResult run(byte[] context, HelperEnvironment env) {
        return run(context, env, Engine.DEFAULT);
    }

    /**
     * Runs once: r1 points at {@code context} (read and written in place), r2 holds its length.
     *
     * @return r0, or the fault that stopped the program
     */
    public ExecutionResult run(byte[] context, HelperEnvironment env, Engine engine) {
        return run(context, env, engine, InsnBudget.UNLIMITED);
    }

    /**
     * Runs once under the runtime guard: a run that would execute more than {@code maxInsns}
     * instructions stops with the fault "instruction budget of N exhausted" at the first
     * instruction of the block that would exceed it, in either engine ({@link InsnBudget}).
     */
    public ExecutionResult run(byte[] context, HelperEnvironment env, Engine engine, long maxInsns) {
        return run(context, env, engine, maxInsns, null);
    }

    /** As {@link #run(byte[], HelperEnvironment, Engine, long)}, adding the instructions run to {@code counter} (if not null). */
    public ExecutionResult run(byte[] context, HelperEnvironment env, Engine engine, long maxInsns, InsnCounter counter) {
        Engine e = engine == Engine.DEFAULT ? defaultEngine() : engine;
        if (e == Engine.JIT) {
            CompiledProgram c = compiled();
            if (c != null) {
                return c.run(context, env, maxInsns, counter);
            }
        }
        return INTERPRETER.run(program, context, env, maxInsns, counter);
    }

    /** The engine {@link Engine#DEFAULT} means now. */
    public static Engine defaultEngine() {
        return "interpreter".equalsIgnoreCase(System.getProperty(ENGINE_PROPERTY, "jit")) ? Engine.INTERPRETER
                : Engine.JIT;
    }

    /** The compiled form, compiling on first use; null if the program cannot be compiled. */
    public CompiledProgram compiled() {
        CompiledProgram c = compiled;
        if (c == null && jitNote == null) {
            synchronized (this) {
                if (compiled == null && jitNote == null) {
                    JitCompiler.Result r = JitCompiler.compile(program);
                    if (r.program() != null) {
                        compiled = r.program();
                    } else {
                        jitNote = r.note();
                    }
                }
                c = compiled;
            }
        }
        return c;
    }

    /** Why the JIT is not used for this program (null if it is, or was not tried yet). */
    public String jitNote() {
        return jitNote;
    }

    /** An engine view of this program for code written against {@link ExecutionEngine}. */
    public ExecutionEngine engine(Engine engine) {
        return (p, ctx, env) -> run(ctx, env, engine);
    }
}
