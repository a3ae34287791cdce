package dev.emu.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class RunArgsTest {

    @Test
    void everyOptionOfRunCommandIsKnownToTheFastPath() {
        List<String> names = new ArrayList<>();
        for (Field f : RunCommand.class.getDeclaredFields()) {
            CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
            if (o != null) {
                names.addAll(Arrays.asList(o.names()));
            }
        }
        assertThat(names).isNotEmpty().allSatisfy(n ->
                assertThat(RunArgs.WITH_VALUE.contains(n) || RunArgs.FLAGS.contains(n)).as(n).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "hello.elf",
            "--env A=1 --env=B=2 --serial-log - --clock host --seed=7 --tick-hz 250 prog -x --seed 9",
            "--trace-syscalls --trace-time --trace-file /tmp/t -v img a b",
            "--trace-syscalls=read,write --max-blocks 100 --max-instructions=5 --timeout 1.5 img",
            "--gdb 1234 --gdb-wait --verbose --expect x.expect img --env X=1",
            "--net host img",
            "--net=loopback img",
            "--profile --profile-out p.folded img 3",
            "--profile=99 --profile-unwind fp img",
    })
    void agreesWithPicocli(String line) throws Exception {
        String[] words = line.split(" ");
        RunCommand fast = RunArgs.parse(Arrays.asList(words));
        RunCommand slow = new RunCommand();
        new CommandLine(slow).setStopAtPositional(true).parseArgs(words);
        assertThat(fast).isNotNull();
        for (Field f : RunCommand.class.getDeclaredFields()) {
            if (f.getAnnotation(CommandLine.Option.class) != null || f.getAnnotation(CommandLine.Parameters.class) != null) {
                f.setAccessible(true);
                assertThat(f.get(fast)).as(f.getName() + " in: " + line).isEqualTo(f.get(slow));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h img", "--bogus img", "--seed x img", "--clock", "--gdb-wait=1 img", "-- img", ""})
    void leavesWhatItDoesNotKnowToPicocli(String line) {
        assertThat(RunArgs.parse(line.isEmpty() ? List.of() : Arrays.asList(line.split(" ")))).isNull();
    }
}
