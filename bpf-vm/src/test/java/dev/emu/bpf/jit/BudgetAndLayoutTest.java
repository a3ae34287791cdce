package dev.emu.bpf.jit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.InsnBudget;
import dev.emu.bpf.interp.InsnCounter;
import dev.emu.bpf.interp.Interpreter;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.load.MapResolver;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The runtime guard ({@link InsnBudget}) in both engines, and the JIT's method layout: functions
 * as separate methods, large functions cut into chunks under HotSpot's 8,000-byte limit.
 */
class BudgetAndLayoutTest {
    private static LoadedProgram load(List<Instruction> insns) {
        LoadResult lr = LoadedProgram.load(insns, MapResolver.NONE);
        assertThat(lr).isInstanceOf(LoadResult.Loaded.class);
        return ((LoadResult.Loaded) lr).program();
    }

    private static LoadedProgram asm(String src) throws Exception {
        return load(Assembler.assemble(src));
    }

    private static ExecutionResult interp(LoadedProgram p, byte[] ctx, long budget) {
        return new Interpreter().run(p, ctx, new StandaloneEnvironment(), budget);
    }

    private static ExecutionResult jit(LoadedProgram p, byte[] ctx, long budget, int chunk) {
        JitCompiler.Result c = JitCompiler.compile(p, chunk);
        assertThat(c.note()).isNull();
        return c.program().run(ctx, new StandaloneEnvironment(), budget);
    }

    @Test
    void anEndlessLoopStopsAtTheBudgetInBothEngines() throws Exception {
        // Only an unverified program can loop forever; the guard must stop it anyway.
        LoadedProgram p = asm("""
                mov %r0, 0
                loop:
                add %r0, 1
                ja loop
                """);
        ExecutionResult want = new ExecutionResult.Fault(1, "instruction budget of 1000000 exhausted");
        assertThat(interp(p, null, 1_000_000)).isEqualTo(want);
        assertThat(jit(p, null, 1_000_000, JitCompiler.CHUNK)).isEqualTo(want);
        assertThat(jit(p, null, 1_000_000, 1)).isEqualTo(want);
        assertThat(((ExecutionResult.Fault) want).message())
                .isEqualTo("instruction 1: instruction budget of 1000000 exhausted");
    }

    @Test
    void aRunThatFitsTheBudgetExactlyFinishes() throws Exception {
        // 2 + 3 * 10 + 1 = 33 instructions, lddw counting as one.
        LoadedProgram p = asm("""
                lddw %r0, 0x100000000
                mov %r1, 10
                loop:
                add %r0, %r1
                sub %r1, 1
                jne %r1, 0, loop
                exit
                """);
        for (int chunk : new int[] {JitCompiler.CHUNK, 2}) {
            assertThat(jit(p, null, 33, chunk)).isEqualTo(new ExecutionResult.Exit(0x100000000L + 55));
            assertThat(jit(p, null, 32, chunk)).isEqualTo(new ExecutionResult.Fault(6, InsnBudget.exhausted(32)));
        }
        assertThat(interp(p, null, 33)).isEqualTo(new ExecutionResult.Exit(0x100000000L + 55));
        assertThat(interp(p, null, 32)).isEqualTo(new ExecutionResult.Fault(6, InsnBudget.exhausted(32)));
        assertThat(interp(p, null, 2)).isEqualTo(new ExecutionResult.Fault(3, InsnBudget.exhausted(2)));
    }

    @Test
    void budgetCountsAcrossLocalCallsAndRecursion() throws Exception {
        LoadedProgram p = asm("""
                mov %r1, 5
                call local sum
                exit
                sum:
                mov %r0, 0
                jeq %r1, 0, done
                mov %r6, %r1
                sub %r1, 1
                call local sum
                add %r0, %r6
                done:
                exit
                """);
        for (long budget = 1; budget < 45; budget++) {
            ExecutionResult want = interp(p, null, budget);
            assertThat(jit(p, null, budget, JitCompiler.CHUNK)).as("budget %d", budget).isEqualTo(want);
            assertThat(jit(p, null, budget, 2)).as("budget %d, chunks", budget).isEqualTo(want);
        }
        assertThat(interp(p, null, 100)).isEqualTo(new ExecutionResult.Exit(15));
    }

    @Test
    void randomProgramsAgreeUnderRandomBudgetsAndChunkSizes() {
        Random rnd = new Random(7);
        int stopped = 0;
        for (int k = 0; k < 1500; k++) {
            LoadedProgram p = load(DifferentialTest.generate(rnd));
            long budget = 1 + rnd.nextInt(250);
            int chunk = 1 + rnd.nextInt(20);
            byte[] ctx = new byte[32];
            rnd.nextBytes(ctx);
            byte[] c1 = ctx.clone(), c2 = ctx.clone(), c3 = ctx.clone();
            ExecutionResult a = interp(p, c1, budget);
            assertThat(jit(p, c2, budget, JitCompiler.CHUNK)).as("program %d", k).isEqualTo(a);
            assertThat(jit(p, c3, budget, chunk)).as("program %d, %d-slot chunks", k, chunk).isEqualTo(a);
            assertThat(c2).isEqualTo(c1);
            assertThat(c3).isEqualTo(c1);
            if (a instanceof ExecutionResult.Fault f && f.reason().startsWith("instruction budget")) {
                stopped++;
            }
        }
        assertThat(stopped).isGreaterThan(100).isLessThan(1400);
    }

    /**
     * About 2,000 instructions: a main function with a bounded loop over a long body, three
     * local functions, lddw and stack traffic. Same result and stack-derived checksum in both
     * engines, and every generated method is under HotSpot's 8,000-byte limit.
     */
    @Test
    void aTwoThousandInstructionProgramIsCompiledInMethodsHotSpotWillCompile() {
        Random rnd = new Random(2000);
        List<Instruction> p = new ArrayList<>();
        p.add(new Instruction(0xb7, 0, 0, 0, 0));
        p.add(new Instruction(0xb7, 6, 0, 0, 3)); // outer loop counter
        int loop = p.size();
        List<Integer> callSites = new ArrayList<>();
        while (p.size() < 1100) {
            List<Instruction> block = DifferentialTest.generate(rnd);
            // the generator's body: skip its register set-up and its r6 loop, keep r0-r5 arithmetic and stack traffic
            for (Instruction in : block.subList(19, block.size() - 3)) {
                if (in.opcode() == 0x71) {
                    continue; // context loads: the context is empty here
                }
                p.add(in);
            }
            p.add(new Instruction(0x0f, 0, 1, 0, 0)); // r0 += r1 keeps everything live
            if (rnd.nextInt(4) == 0) {
                callSites.add(p.size());
                p.add(new Instruction(0x85, 0, 1, 0, 0)); // call local, patched below
            }
        }
        p.add(new Instruction(0x17, 6, 0, 0, 1));
        p.add(new Instruction(0x55, 6, 0, loop - p.size() - 1, 0));
        p.add(new Instruction(0x95, 0, 0, 0, 0));
        List<Integer> functions = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            functions.add(p.size());
            p.add(new Instruction(0xbf, 0, 1, 0, 0));
            for (int k = 0; k < 100; k++) {
                p.add(new Instruction(0x07, 0, 0, 0, rnd.nextInt(1000)));
                p.add(new Instruction(0xaf, 0, 2, 0, 0));
                p.add(new Instruction(0x7b, 10, 0, -8 * (1 + k % 8), 0));
            }
            p.add(new Instruction(0x95, 0, 0, 0, 0));
        }
        for (int k = 0; k < callSites.size(); k++) {
            int site = callSites.get(k);
            p.set(site, new Instruction(0x85, 0, 1, 0, functions.get(k % 3) - site - 1));
        }
        assertThat(p.size()).isBetween(1800, 2600);
        LoadedProgram prog = load(p);

        ClassModel cm = ClassFile.of().parse(JitCompiler.generate(prog));
        int methods = 0;
        for (MethodModel m : cm.methods()) {
            int len = m.code().map(c -> ((CodeAttribute) (CodeModel) c).codeLength()).orElse(0);
            assertThat(len).as("bytecode of %s", m.methodName().stringValue()).isLessThan(8000);
            methods++;
        }
        assertThat(methods).as("run, ctor, 4 functions and chunks of main").isGreaterThan(6);

        ExecutionResult want = interp(prog, null, 1_000_000); // a budget, so a generator bug cannot hang the test
        assertThat(want).isInstanceOf(ExecutionResult.Exit.class);
        JitCompiler.Result c = JitCompiler.compile(prog);
        assertThat(c.note()).isNull();
        for (int round = 0; round < 200; round++) { // warm up: HotSpot must compile and still agree
            assertThat(c.program().run(null, new StandaloneEnvironment())).isEqualTo(want);
        }
        long budget = 2500;
        assertThat(c.program().run(null, new StandaloneEnvironment(), budget)).isEqualTo(interp(prog, null, budget));
    }

    @Test
    void bothEnginesCountTheInstructionsTheyRanAsTheBudgetCharges() throws Exception {
        // 2 + 3 * 10 + 1 = 33 instructions (see aRunThatFitsTheBudgetExactlyFinishes).
        LoadedProgram p = asm("""
                lddw %r0, 0x100000000
                mov %r1, 10
                loop:
                add %r0, %r1
                sub %r1, 1
                jne %r1, 0, loop
                exit
                """);
        for (int chunk : new int[] {JitCompiler.CHUNK, 2}) {
            InsnCounter jit = new InsnCounter();
            CompiledProgram c = JitCompiler.compile(p, chunk).program();
            c.run(null, new StandaloneEnvironment(), 1000, jit);
            c.run(null, new StandaloneEnvironment(), 1000, jit);
            assertThat(jit.count()).as("%d-slot chunks", chunk).isEqualTo(66);
            InsnCounter stopped = new InsnCounter();
            assertThat(c.run(null, new StandaloneEnvironment(), 20, stopped)).isInstanceOf(ExecutionResult.Fault.class);
            assertThat(stopped.count()).as("a run stopped by its budget counts the budget").isEqualTo(20);
        }
        InsnCounter interp = new InsnCounter();
        new Interpreter().run(p, null, new StandaloneEnvironment(), 1000, interp);
        new Interpreter().run(p, null, new StandaloneEnvironment(), 20, interp);
        assertThat(interp.count()).isEqualTo(33 + 20);
    }

    @Test
    void aProgramLargerThanTheJitLimitIsInterpretedWithoutTryingToCompileIt() {
        List<Instruction> p = new ArrayList<>();
        for (int i = 0; i < JitCompiler.MAX_SLOTS; i++) {
            p.add(new Instruction(0xb7, 0, 0, 0, i)); // r0 = i: a distinct constant each
        }
        p.add(new Instruction(0x95, 0, 0, 0, 0));
        LoadedProgram prog = load(p);
        long start = System.nanoTime();
        JitCompiler.Result c = JitCompiler.compile(prog);
        assertThat(c.program()).isNull();
        assertThat(c.note()).contains("larger than the JIT's " + JitCompiler.MAX_SLOTS);
        assertThat(System.nanoTime() - start).as("refused without generating code").isLessThan(100_000_000L);
        assertThat(interp(prog, null, 1_000_000)).isEqualTo(new ExecutionResult.Exit(JitCompiler.MAX_SLOTS - 1));
    }
}
