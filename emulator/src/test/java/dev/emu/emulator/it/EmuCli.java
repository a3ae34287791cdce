package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the `emu` CLI as a child JVM, exactly as a user runs it, with stdin from /dev/null. */
final class EmuCli {
    private EmuCli() {}

    /** What one `emu` invocation produced. */
    record Result(int status, String stdout, String stderr) {}

    /** The command line that starts `emu ARGS...` with this test's class path. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * {@code --mount} of userspace-images/build at its own path, read-only: a guest that execs an
     * image by its path (a shell, tool_run) finds it even when the checkout is under /tmp, which
     * the guest's own tmpfs hides.
     */
    static List<String> mountImages() {
        String dir = DifferentialTest.imagesDir().toString();
        return List.of("--mount", dir + ":" + dir + ":ro");
    }

    /** Runs `emu ARGS...`, keeping its output in files under {@code tmp}; fails after 90 s. */
    static Result run(Path tmp, String... args) throws IOException, InterruptedException {
        Path out = tmp.resolve("out" + System.nanoTime());
        Path err = tmp.resolve("err" + System.nanoTime());
        Process p = new ProcessBuilder(command(args)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("emu %s finished", String.join(" ", args)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
