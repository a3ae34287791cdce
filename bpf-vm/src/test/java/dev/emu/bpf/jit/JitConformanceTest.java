package dev.emu.bpf.jit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.Interpreter;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.load.MapResolver;
import dev.emu.bpf.tool.BpfTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every conformance/*.data program through the JIT, compared with the expected result and the
 * interpreter, once with the default layout and once with every function cut into 3-slot chunks.
 */
class JitConformanceTest {
    @TestFactory
    List<DynamicTest> conformance() throws Exception {
        Path dir = Path.of(JitConformanceTest.class.getResource("/conformance").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".data")).sorted().toList();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            tests.add(DynamicTest.dynamicTest(f.getFileName() + " [JIT]", () -> check(f, JitCompiler.CHUNK)));
            // chunk methods of 3 slots: every jump crosses a chunk boundary somewhere
            tests.add(DynamicTest.dynamicTest(f.getFileName() + " [JIT, 3-slot chunks]", () -> check(f, 3)));
        }
        return tests;
    }

    static void check(Path f, int chunk) throws Exception {
        String asm = "", mem = "", result = "", error = "", section = null;
        StringBuilder a = new StringBuilder(), m = new StringBuilder(), r = new StringBuilder(), e = new StringBuilder();
        for (String line : Files.readAllLines(f)) {
            if (line.startsWith("-- ")) {
                section = line.substring(3).trim();
                continue;
            }
            if (section == null) {
                continue;
            }
            switch (section) {
                case "asm" -> a.append(line).append('\n');
                case "mem" -> m.append(line).append(' ');
                case "result" -> r.append(line.trim());
                case "error" -> e.append(line.trim());
                default -> { }
            }
        }
        asm = a.toString();
        mem = m.toString();
        result = r.toString();
        error = e.toString();
        LoadResult lr = LoadedProgram.load(Assembler.assemble(asm), MapResolver.NONE);
        if (lr instanceof LoadResult.Refused) {
            assertThat(error).as("refused but no error expected").isNotEmpty();
            return;
        }
        LoadedProgram p = ((LoadResult.Loaded) lr).program();
        JitCompiler.Result c = JitCompiler.compile(p, chunk);
        assertThat(c.note()).isNull();
        byte[] m1 = BpfTool.parseHex(mem), m2 = m1.clone();
        ExecutionResult jit = c.program().run(m1, new StandaloneEnvironment());
        ExecutionResult ref = new Interpreter().run(p, m2, new StandaloneEnvironment());
        assertThat(jit).isEqualTo(ref);
        assertThat(m1).isEqualTo(m2);
        if (error.isEmpty()) {
            assertThat(jit).isEqualTo(new ExecutionResult.Exit(Long.parseUnsignedLong(result.replaceFirst("^0x", ""), 16)));
        } else {
            assertThat(jit).isInstanceOf(ExecutionResult.Fault.class);
            assertThat(((ExecutionResult.Fault) jit).message()).contains(error);
        }
    }
}
