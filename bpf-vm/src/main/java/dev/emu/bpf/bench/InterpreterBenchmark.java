package dev.emu.bpf.bench;

import dev.emu.bpf.asm.AsmException;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.Interpreter;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.load.MapResolver;

/**
 * Interpreter speed in ns per executed instruction on (a) an ALU loop and (b) a stack store/load
 * loop, the same programs as {@link JitBenchmark}. A command, not a test: {@code java -cp ... dev.emu.bpf.bench.InterpreterBenchmark [iterations]}.
 * Reference (uBPF's C interpreter on the same machine kind): 3.3 and 5.0 ns/insn.
 */
public final class InterpreterBenchmark {
    private InterpreterBenchmark() {}

    /** 4 instructions per iteration: add, xor, sub, conditional jump back. */
    static final String ALU_LOOP = """
            mov %r0, 0
            mov %r1, ITER
            loop:
            add %r0, %r1
            xor %r0, 0x55
            sub %r1, 1
            jne %r1, 0, loop
            exit
            """;
    /**
     * 7 instructions per iteration: two stores, two loads, an add that folds both loaded values
     * into r0 (so the result depends on every load and HotSpot cannot drop them), sub,
     * conditional jump back. r0 ends as a checksum both engines must agree on.
     */
    static final String STACK_LOOP = """
            mov %r0, 0
            mov %r1, ITER
            loop:
            stxdw [%r10-8], %r1
            stxw [%r10-16], %r0
            ldxdw %r2, [%r10-8]
            ldxw %r0, [%r10-16]
            add %r0, %r2
            sub %r1, 1
            jne %r1, 0, loop
            exit
            """;

    public static void main(String[] args) throws AsmException {
        int iter = args.length > 0 ? Integer.parseInt(args[0]) : 50_000_000;
        double a = measure("ALU loop (add, xor, sub, jne)", ALU_LOOP, iter, 4);
        double b = measure("stack store/load loop", STACK_LOOP, iter, 7);
        System.out.printf("RESULT alu=%.2f ns/insn stack=%.2f ns/insn%n", a, b);
    }

    static double measure(String name, String src, int iter, int perIter) throws AsmException {
        LoadResult lr = LoadedProgram.load(Assembler.assemble(src.replace("ITER", Integer.toString(iter))),
                MapResolver.NONE);
        LoadedProgram p = ((LoadResult.Loaded) lr).program();
        Interpreter in = new Interpreter();
        StandaloneEnvironment env = new StandaloneEnvironment();
        long insns = 3 + (long) iter * perIter;
        double best = Double.MAX_VALUE;
        long r0 = 0;
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            ExecutionResult res = in.run(p, null, env);
            long t1 = System.nanoTime();
            if (!(res instanceof ExecutionResult.Exit)) {
                throw new IllegalStateException(name + ": " + res);
            }
            r0 = ((ExecutionResult.Exit) res).r0();
            double ns = (double) (t1 - t0) / insns;
            best = Math.min(best, ns);
        }
        System.out.printf("%-32s %6.2f ns/insn (best of 8 runs, %d insns each, r0=%d)%n", name, best, insns, r0);
        return best;
    }
}
