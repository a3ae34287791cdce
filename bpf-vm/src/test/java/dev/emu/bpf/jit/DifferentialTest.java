package dev.emu.bpf.jit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.Interpreter;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.Opcode;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.load.MapResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random valid programs (ALU mixes over r0-r5 with every ALU/ALU64 opcode, forward branches, stack
 * stores and loads, a bounded loop, occasional out-of-bounds loads) run in the interpreter and the
 * JIT with identical results and identical context memory.
 */
class DifferentialTest {
    static final List<Opcode> ALU = Opcode.all().stream()
            .filter(o -> o.kind() == Opcode.Kind.ALU || o.kind() == Opcode.Kind.NEG || o.kind() == Opcode.Kind.END)
            .toList();
    static final List<Opcode> JCOND = Opcode.all().stream().filter(o -> o.kind() == Opcode.Kind.JCOND).toList();

    static List<Instruction> generate(Random rnd) {
        List<Instruction> p = new ArrayList<>();
        for (int r = 0; r <= 5; r++) {
            p.add(new Instruction(0xb7, r, 0, 0, rnd.nextInt()));
            p.add(new Instruction(0x18, r, 0, 0, rnd.nextInt()));
            p.add(new Instruction(0, 0, 0, 0, rnd.nextInt()));
        }
        p.add(new Instruction(0xb7, 6, 0, 0, 1 + rnd.nextInt(5))); // loop counter
        int loopStart = p.size();
        int n = 5 + rnd.nextInt(40);
        for (int k = 0; k < n; k++) {
            int kind = rnd.nextInt(10);
            int dst = rnd.nextInt(6), src = rnd.nextInt(6);
            if (kind < 6) {
                Opcode o = ALU.get(rnd.nextInt(ALU.size()));
                int off = 0, imm = rnd.nextInt(8) == 0 ? rnd.nextInt() : rnd.nextInt(70) - 5;
                if (o.kind() == Opcode.Kind.NEG) {
                    imm = 0;
                    src = 0;
                } else if (o.kind() == Opcode.Kind.END) {
                    imm = new int[] {16, 32, 64}[rnd.nextInt(3)];
                    src = 0;
                } else {
                    if ((o.op() == Opcode.ALU_DIV || o.op() == Opcode.ALU_MOD) && rnd.nextBoolean()) {
                        off = 1;
                    }
                    if (o.op() == Opcode.ALU_MOV && o.regSource() && rnd.nextInt(3) == 0) {
                        off = o.insnClass() == Opcode.CLS_ALU64 ? new int[] {8, 16, 32}[rnd.nextInt(3)]
                                : new int[] {8, 16}[rnd.nextInt(2)];
                    }
                    if (o.regSource()) {
                        imm = 0;
                    } else {
                        src = 0;
                    }
                }
                p.add(new Instruction(o.code(), dst, src, off, imm));
            } else if (kind < 8) {
                int size = new int[] {1, 2, 4, 8}[rnd.nextInt(4)];
                int slot = -8 * (1 + rnd.nextInt(8));
                int sizeBits = switch (size) { case 1 -> 0x10; case 2 -> 0x08; case 4 -> 0x00; default -> 0x18; };
                p.add(new Instruction(0x63 | sizeBits, 10, src, slot, 0)); // stx
                p.add(new Instruction(0x61 | sizeBits, dst, 10, slot, 0)); // ldx
            } else if (kind < 9) {
                Opcode o = JCOND.get(rnd.nextInt(JCOND.size()));
                int skip = rnd.nextInt(3);
                p.add(new Instruction(o.code(), dst, o.regSource() ? src : 0, skip, o.regSource() ? 0 : rnd.nextInt(20) - 3));
                for (int s = 0; s < skip; s++) {
                    p.add(new Instruction(0x07, rnd.nextInt(6), 0, 0, rnd.nextInt(100)));
                }
            } else {
                // load from the context at a random (sometimes out-of-bounds) offset
                p.add(new Instruction(0x71, dst, 1 == dst ? 1 : 1, rnd.nextInt(40), 0));
                if (dst == 1) {
                    p.set(p.size() - 1, new Instruction(0x71, 0, 1, rnd.nextInt(40), 0));
                }
            }
        }
        p.add(new Instruction(0x17, 6, 0, 0, 1));
        p.add(new Instruction(0x55, 6, 0, loopStart - p.size() - 1, 0));
        p.add(new Instruction(0x95, 0, 0, 0, 0));
        return p;
    }

    @Test
    void interpreterAndJitAgree() {
        Random rnd = new Random(42);
        int faults = 0;
        for (int k = 0; k < 3000; k++) {
            List<Instruction> insns = generate(rnd);
            LoadResult lr = LoadedProgram.load(insns, MapResolver.NONE);
            assertThat(lr).as("program %d", k).isInstanceOf(LoadResult.Loaded.class);
            LoadedProgram p = ((LoadResult.Loaded) lr).program();
            byte[] ctx1 = new byte[32];
            rnd.nextBytes(ctx1);
            byte[] ctx2 = ctx1.clone();
            ExecutionResult a = new Interpreter().run(p, ctx1, new StandaloneEnvironment());
            JitCompiler.Result c = JitCompiler.compile(p);
            assertThat(c.note()).isNull();
            ExecutionResult b = c.program().run(ctx2, new StandaloneEnvironment());
            assertThat(b).as("program %d", k).isEqualTo(a);
            assertThat(ctx2).isEqualTo(ctx1);
            if (a instanceof ExecutionResult.Fault) {
                faults++;
            }
        }
        assertThat(faults).isGreaterThan(0).isLessThan(3000);
    }
}
