package dev.emu.bpf.bench;

import dev.emu.bpf.asm.AsmException;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.jit.CompiledProgram;
import dev.emu.bpf.jit.JitCompiler;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.load.MapResolver;

/**
 * JIT speed in ns per executed instruction on the same two loops as {@link InterpreterBenchmark}.
 * A command: {@code java -cp ... dev.emu.bpf.bench.JitBenchmark [iterations]}. Target ≤ 0.3
 * ns/insn on the ALU loop (uBPF's x86-64 JIT: 0.14).
 */
public final class JitBenchmark {
    private JitBenchmark() {}

    public static void main(String[] args) throws AsmException {
        int iter = args.length > 0 ? Integer.parseInt(args[0]) : 200_000_000;
        double a = measure("ALU loop (add, xor, sub, jne)", InterpreterBenchmark.ALU_LOOP, iter, 4);
        double b = measure("stack store/load loop", InterpreterBenchmark.STACK_LOOP, iter, 7);
        System.out.printf("RESULT jit alu=%.3f ns/insn stack=%.3f ns/insn%n", a, b);
    }

    static double measure(String name, String src, int iter, int perIter) throws AsmException {
        LoadResult lr = LoadedProgram.load(Assembler.assemble(src.replace("ITER", Integer.toString(iter))),
                MapResolver.NONE);
        LoadedProgram p = ((LoadResult.Loaded) lr).program();
        CompiledProgram c = JitCompiler.compile(p).program();
        StandaloneEnvironment env = new StandaloneEnvironment();
        long insns = 3 + (long) iter * perIter;
        double best = Double.MAX_VALUE;
        long r0 = 0;
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            ExecutionResult res = c.run(null, env);
            long t1 = System.nanoTime();
            if (!(res instanceof ExecutionResult.Exit)) {
                throw new IllegalStateException(name + ": " + res);
            }
            r0 = ((ExecutionResult.Exit) res).r0();
            best = Math.min(best, (double) (t1 - t0) / insns);
        }
        System.out.printf("%-32s %6.3f ns/insn (best of 8 runs, %d insns each, r0=%d)%n", name, best, insns, r0);
        return best;
    }
}
