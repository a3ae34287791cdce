package dev.emu.emulator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code BenchSuite --quick}: every row runs (tiny counts, one repetition) and the table and JSON
 * have their shape. Timings are not checked: they depend on the machine.
 */
@Tag("integration")
class BenchSuiteTest {

    @Test
    // Every row runs emu, qemu-user and native twice: past the suite's default 180 s once the
    // machine is loaded (issue 18 added four rows).
    @Timeout(value = 480, unit = TimeUnit.SECONDS)
    void quickRunPrintsEveryRowAndWritesJson(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("bench.json");
        List<String> args = new ArrayList<>(List.of("--quick", "--json", json.toString(),
                "--classpath", System.getProperty("java.class.path"),
                "--jvm-opt", "--enable-native-access=ALL-UNNAMED", "--jvm-opt", "-Xss16m"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status = BenchSuite.run(args.toArray(String[]::new), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String table = buf.toString(StandardCharsets.UTF_8);

        assertThat(table).as(table).doesNotContain("FAILED");
        assertThat(status).as(table).isZero();
        assertThat(table).contains("| row ").contains("| emu/qemu |").contains("| target ")
                .contains("syscall round trip (getppid)").contains("startup: run hello.elf")
                .contains("ringbuf: BPF timer -> blocking poll").contains("BPF JIT, ALU loop");
        // One table line per row, plus header and separator.
        assertThat(table.lines().filter(l -> l.startsWith("|")).count()).isEqualTo(BenchSuite.ROW_IDS.size() + 2);

        String j = Files.readString(json);
        assertThat(j).contains("\"machine\": {\"cpus\": ").contains("\"quick\": true");
        for (String id : BenchSuite.ROW_IDS) {
            assertThat(j).contains("{\"id\": \"" + id + "\"");
        }
        // Rows with a value for emu have a number there, not null.
        assertThat(j).doesNotContain("\"emu\": null");
        assertThat(j).containsPattern("\"id\": \"syscall\".*\"emu\": [0-9.e+-]+, \"qemu\": ");
    }

    @Test
    void unknownRowIsAUsageError() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status = BenchSuite.run(new String[] {"--rows", "nope"}, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
    }
}
