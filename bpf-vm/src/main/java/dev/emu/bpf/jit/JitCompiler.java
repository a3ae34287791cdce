package dev.emu.bpf.jit;

import dev.emu.bpf.load.LoadedProgram;

/** Compiles loaded programs to JVM bytecode. */
public final class JitCompiler {
    private JitCompiler() {}

    /** The compiled program, or null and the reason it was not compiled. */
    public record Result(CompiledProgram program, String note) {}

    /** Compiles {@code program}; never throws. */
    public static Result compile(LoadedProgram program) {
        return new Result(null, "JIT not available yet");
    }
}
