package dev.emu.bpf.jit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.bpf.ConformanceCase;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.Interpreter;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.load.MapResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every conformance/*.data program through the JIT, compared with the expected result and the
 * interpreter, once with the default layout and once with every function cut into 3-slot chunks.
 */
class JitConformanceTest {
    @TestFactory
    List<DynamicTest> conformance() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : ConformanceCase.files()) {
            tests.add(DynamicTest.dynamicTest(f.getFileName() + " [JIT]", () -> check(f, JitCompiler.CHUNK)));
            // chunk methods of 3 slots: every jump crosses a chunk boundary somewhere
            tests.add(DynamicTest.dynamicTest(f.getFileName() + " [JIT, 3-slot chunks]", () -> check(f, 3)));
        }
        return tests;
    }

    static void check(Path f, int chunk) throws Exception {
        ConformanceCase cc = ConformanceCase.parse(f);
        LoadResult lr = LoadedProgram.load(Assembler.assemble(cc.asm()), MapResolver.NONE);
        if (lr instanceof LoadResult.Refused) {
            assertThat(cc.error()).as("refused but no error expected").isNotNull();
            return;
        }
        LoadedProgram p = ((LoadResult.Loaded) lr).program();
        JitCompiler.Result c = JitCompiler.compile(p, chunk);
        assertThat(c.note()).isNull();
        byte[] m1 = cc.mem(), m2 = m1.clone();
        ExecutionResult jit = c.program().run(m1, new StandaloneEnvironment());
        ExecutionResult ref = new Interpreter().run(p, m2, new StandaloneEnvironment());
        assertThat(jit).isEqualTo(ref);
        assertThat(m1).isEqualTo(m2);
        if (cc.error() == null) {
            assertThat(jit).isEqualTo(new ExecutionResult.Exit(cc.result()));
        } else {
            assertThat(jit).isInstanceOf(ExecutionResult.Fault.class);
            assertThat(((ExecutionResult.Fault) jit).message()).contains(cc.error());
        }
    }
}
