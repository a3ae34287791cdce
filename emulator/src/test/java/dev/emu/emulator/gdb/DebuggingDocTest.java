package dev.emu.emulator.gdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Follows docs/debugging.md: its marked commands are run and their shown output must appear. */
@Tag("integration")
class DebuggingDocTest {
    @TempDir
    Path tmp;

    static final Path ROOT = EmuUnderGdb.imagesDir().getParent().getParent();

    /** The fenced block after {@code <!-- doc-test:NAME -->}. */
    static String block(String name) throws Exception {
        String doc = Files.readString(ROOT.resolve("docs/debugging.md"));
        Matcher m = Pattern.compile("<!-- doc-test:" + Pattern.quote(name) + " -->\\n```[a-z]*\\n(.*?)```",
                Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("block " + name + " in docs/debugging.md").isTrue();
        return m.group(1);
    }

    static List<String> lines(String block) {
        return block.lines().filter(l -> !l.isBlank()).toList();
    }

    record Run(int status, String stdout, String stderr) {}

    /** Runs a `scripts/emu ...` line from the doc (via the test classpath, in {@code dir}). */
    static Run emu(Path dir, String docLine) throws Exception {
        assertThat(docLine).startsWith("scripts/emu ");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand"));
        cmd.addAll(List.of(docLine.substring("scripts/emu ".length()).trim().split(" +")));
        Path out = dir.resolve("out" + System.nanoTime());
        Path err = dir.resolve("err" + System.nanoTime());
        Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void traceOfBpfCalls() throws Exception {
        Run r = emu(tmp, lines(block("trace")).getFirst());
        assertThat(r.status()).isZero();
        for (String expected : lines(block("trace-output"))) {
            assertThat(r.stderr()).contains(expected);
        }
    }

    @Test
    void verifierRejection() throws Exception {
        Files.writeString(tmp.resolve("bad.s"), block("verify-program"));
        Run r = emu(tmp, lines(block("verify")).getFirst());
        assertThat(r.status()).isEqualTo(1);
        for (String expected : lines(block("verify-output"))) {
            assertThat(r.stdout() + r.stderr()).contains(expected);
        }
    }

    @Test
    void gdbSession() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gdb")), "gdb is not installed");
        Path demo = EmuUnderGdb.imagesDir().resolve("debug/gdbdemo");
        List<String> commands = new ArrayList<>(lines(block("gdb")));
        assertThat(commands.getFirst()).isEqualTo("target remote :1234");
        commands.removeFirst(); // the helper connects to the port the test's emu chose
        try (EmuUnderGdb emu = new EmuUnderGdb(tmp, demo.toString())) {
            String out = GdbBatchTest.gdb(emu, demo, commands.toArray(String[]::new));
            for (String expected : lines(block("gdb-output"))) {
                assertThat(out).contains(expected);
            }
            assertThat(emu.waitFor()).isZero();
        }
    }
}
