package dev.emu.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionEngine;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.Interpreter;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.Opcode;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.load.MapResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every {@code conformance/*.data} file ({@link ConformanceCase}) against every engine.
 */
class ConformanceTest {
    static final List<ExecutionEngine> ENGINES = List.of(new Interpreter());

    @TestFactory
    List<DynamicTest> conformance() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : ConformanceCase.files()) {
            ConformanceCase c = ConformanceCase.parse(f);
            for (ExecutionEngine engine : ENGINES) {
                tests.add(DynamicTest.dynamicTest(c.name() + " [" + engine.getClass().getSimpleName() + "]",
                        () -> check(c, engine)));
            }
        }
        return tests;
    }

    static void check(ConformanceCase c, ExecutionEngine engine) throws Exception {
        List<Instruction> insns = Assembler.assemble(c.asm());
        LoadResult lr = LoadedProgram.load(insns, MapResolver.NONE);
        String outcome;
        Long r0 = null;
        if (lr instanceof LoadResult.Refused ref) {
            outcome = ref.message();
        } else {
            ExecutionResult res = engine.run(((LoadResult.Loaded) lr).program(), c.mem().clone(),
                    new StandaloneEnvironment());
            if (res instanceof ExecutionResult.Exit e) {
                r0 = e.r0();
                outcome = "exit 0x" + Long.toHexString(e.r0());
            } else {
                outcome = ((ExecutionResult.Fault) res).message();
            }
        }
        if (c.error() != null) {
            assertThat(r0).as(c.name() + " should fail, got " + outcome).isNull();
            assertThat(outcome).as(c.name()).contains(c.error());
        } else {
            assertThat(outcome).as(c.name()).isEqualTo("exit 0x" + Long.toHexString(c.result()));
        }
    }

    /** Every opcode of the table appears in at least one conformance program. */
    @Test
    void everyOpcodeIsCovered() throws Exception {
        Set<Integer> seen = new TreeSet<>();
        for (Path f : ConformanceCase.files()) {
            for (Instruction i : Assembler.assemble(ConformanceCase.parse(f).asm())) {
                seen.add(i.opcode());
            }
        }
        List<String> missing = new ArrayList<>();
        for (Opcode o : Opcode.all()) {
            if (o.kind() == Opcode.Kind.LD_ABS || o.kind() == Opcode.Kind.LD_IND) {
                continue; // need a packet context: PacketProgramTest covers them
            }
            if (!seen.contains(o.code())) {
                missing.add(String.format("0x%02x %s", o.code(), o.mnemonic()));
            }
        }
        assertThat(missing).isEmpty();
    }
}
