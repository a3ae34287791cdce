package dev.emu.bpf.bench;

import dev.emu.bpf.asm.AsmException;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.load.MapResolver;
import dev.emu.bpf.verifier.ProgramTypes;
import dev.emu.bpf.verifier.Verifier;
import dev.emu.bpf.verifier.VerifierResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifier speed: wall time to verify straight-line programs of 4k, 64k and 1M instructions
 * ({@code mov r0, k} repeated; Linux verifies the 1M one in under a second) and a bounded loop of
 * {@code LOOP_ITERATIONS} iterations (explored iteration by iteration, as Linux does), and a clang -O2
 * program with three loops and a nested one over a 256-byte stack buffer (resource
 * {@code clang_loops.s}, its C in the comment; 12104 processed instructions, as Linux 6.18). A command:
 * {@code java -cp ... dev.emu.bpf.bench.VerifierBenchmark [rounds]}; each figure is the best of
 * {@code rounds} (default 5) in one JVM, log level 0.
 */
public final class VerifierBenchmark {
    private VerifierBenchmark() {}

    static final int LOOP_ITERATIONS = 1000;

    /** {@code n} instructions: n-1 moves, then exit. */
    static List<Instruction> straightLine(int n) {
        List<Instruction> p = new ArrayList<>(n);
        for (int i = 0; i < n - 1; i++) {
            p.add(new Instruction(0xb7, 0, 0, 0, i));
        }
        p.add(new Instruction(0x95, 0, 0, 0, 0));
        return p;
    }

    static List<Instruction> boundedLoop() throws AsmException {
        return Assembler.assemble("""
                mov %r0, 0
                mov %r1, 0
                add %r0, %r1
                add %r1, 1
                jlt %r1, ITER, -3
                exit
                """.replace("ITER", Integer.toString(LOOP_ITERATIONS)));
    }

    /** clang -O2 -target bpf output of stack-only loops, as {@code .insn} lines. */
    static List<Instruction> clangLoops() throws AsmException {
        try (java.io.InputStream in = VerifierBenchmark.class.getResourceAsStream("clang_loops.s")) {
            return Assembler.assemble(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Best wall time of {@code rounds} verifications, in ms; fails unless the program is accepted. */
    static double measure(String name, List<Instruction> prog, int rounds) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            VerifierResult r = Verifier.verify(prog, MapResolver.NONE, ProgramTypes.SOCKET_FILTER, 0);
            long t1 = System.nanoTime();
            if (!(r instanceof VerifierResult.Accepted)) {
                throw new IllegalStateException(name + ": refused: " + r);
            }
            best = Math.min(best, (t1 - t0) / 1e6);
        }
        System.out.printf("%-40s %9.1f ms (best of %d)%n", name, best, rounds);
        return best;
    }

    public static void main(String[] args) throws AsmException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double k4 = measure("straight line, 4096 insns", straightLine(4096), rounds);
        double k64 = measure("straight line, 65536 insns", straightLine(65536), rounds);
        double m1 = measure("straight line, 1000000 insns", straightLine(1_000_000), rounds);
        double loop = measure("bounded loop, " + LOOP_ITERATIONS + " iterations", boundedLoop(), rounds);
        double clang = measure("clang -O2 loops (12104 processed)", clangLoops(), rounds);
        System.out.printf("RESULT verify 1M=%.1f ms 64k=%.1f ms 4k=%.1f ms loop=%.1f ms clang=%.1f ms%n", m1, k64, k4,
                loop, clang);
    }
}
