package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's static busybox {@code sh} (busybox-static, a program nobody here wrote) runs the same
 * scripts natively and under emu: pipelines, subshells, {@code $(…)}, here-documents, xargs,
 * functions, traps and signals to itself. Every one of them forks and waits with glibc's
 * {@code wait4(-1)}, whose pid_t arrives zero-extended (issue 11); busybox re-executes its own
 * applets through {@code /proc/self/exe}. PATH names no directory, so every command is an applet
 * on both sides.
 */
@Tag("integration")
class BusyboxShellTest {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    @BeforeAll
    static void busyboxIsInstalled() {
        assertThat(BUSYBOX).as("busybox-static is missing: apt-get install busybox-static (scripts/lib/deps.sh)")
                .isRegularFile();
    }

    /** What one run produced. */
    record Outcome(int status, String stdout, String stderr) {}

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "echo a | cat; echo done",
        "echo one two three | tr ' ' '\\n' | sort -r | head -2",
        "x=$(echo sub); echo \"got $x\"",
        "echo $(echo $(echo nested))",
        "(echo in subshell; exit 3); echo \"status $?\"",
        "cat <<END\nhere doc $((1+2))\nline two\nEND\necho after",
        "echo a b c | xargs -n1 echo item",
        "printf '1\\n2\\n3\\n' | xargs echo",
        "for i in 1 2 3; do echo $i; done | wc -l",
        "f() { echo \"func $1\"; return 4; }; f arg; echo $?",
        "false || echo or; true && echo and",
        "sh -c 'exit 5'; echo \"child sh $?\"",
        "kill -0 $$ && echo self alive",
        "trap 'echo trapped' USR1; kill -USR1 $$; echo after trap",
        "echo \"${HOME:-nohome}\" | cut -c1-3",
        "exit 9",
        // Issue 14: pipes block writers instead of losing data; read loops.
        "seq 1 300000 | cat | wc -c",
        "seq 1 5 | while read x; do echo \"n=$x\"; done",
        "printf 'a b\\nc d\\n' | { read x y; read z w; echo \"$y$x$w$z\"; }",
        // Job control and timers (issue 14): the sleeps run on virtual time under emu.
        "sleep 5 & kill %1; wait; echo \"wait status $?\"",
        "timeout 1 sleep 5; echo \"timeout status $?\"",
        "printf '1\\n2\\n3\\n4\\n5\\n6\\n' | xargs -P 4 -n 1 echo | sort",
        "sleep 5 & p=$!; kill -STOP $p; kill -CONT $p; kill $p; wait $p; echo \"stopped, continued, killed: $?\"",
        "(sleep 0.2; echo piped) | cat & p=$!; kill -STOP $p; kill -CONT $p; wait; echo pipeline done",
        "trap 'echo got ALRM' ALRM; (sleep 0.05; kill -ALRM $$) & wait; echo after",
    })
    void sameOutputNativelyAndUnderEmu(String script, @TempDir Path tmp) throws Exception {
        Outcome host = runNative(script, tmp.resolve("native"));
        Outcome emu = runEmu(script, tmp.resolve("emu"));
        assertThat(emu.stdout()).as("stdout of %s under emu; stderr: %s", script, emu.stderr()).isEqualTo(host.stdout());
        assertThat(emu.stderr()).as("stderr of %s under emu", script).isEqualTo(host.stderr());
        assertThat(emu.status()).as("status of %s under emu", script).isEqualTo(host.status());
    }

    /**
     * A background job and {@code wait} end: before issue 11 the shell spun forever on
     * {@code wait4(-1, WNOHANG)} returning ECHILD. The job's stdin redirection from /dev/null
     * fails under emu until it has a filesystem (issue 13), so only stdout and status are
     * compared here.
     */
    @Test
    void backgroundJobAndWaitTerminate(@TempDir Path tmp) throws Exception {
        String script = "sleep 0.1 & wait; echo waited";
        Outcome host = runNative(script, tmp.resolve("native"));
        Outcome emu = runEmu(script, tmp.resolve("emu"));
        assertThat(host.stdout()).isEqualTo("waited\n");
        assertThat(emu.stdout()).as("stdout under emu; stderr: %s", emu.stderr()).isEqualTo(host.stdout());
        assertThat(emu.status()).isEqualTo(host.status()).isZero();
    }

    /**
     * busybox's httpd serves a file and wget fetches it over the guest's own loopback (issue 14);
     * a port nobody listens on refuses. Under emu only: the guest's 127.0.0.1 is its own, so the
     * port can never clash with the host's.
     */
    @Test
    void httpdAndWgetTalkOverTheGuestsLoopback(@TempDir Path tmp) throws Exception {
        String script = "mkdir -p /tmp/www; echo hello from httpd > /tmp/www/index.html;"
                + " httpd -f -p 127.0.0.1:8080 -h /tmp/www & sleep 1;"
                + " wget -q -O - http://127.0.0.1:8080/index.html; echo \"wget $?\";"
                + " wget -q -O - http://127.0.0.1:8081/; echo \"closed port $?\"; kill $!";
        Outcome emu = runEmu(script, tmp.resolve("emu"));
        assertThat(emu.stdout()).as("stdout; stderr: %s", emu.stderr())
                .isEqualTo("hello from httpd\nwget 0\nclosed port 1\n");
        assertThat(emu.stderr()).contains("Connection refused");
        assertThat(emu.status()).isZero();
    }

    private static Outcome runNative(String script, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(BUSYBOX.toString(), "sh", "-c", script);
        pb.environment().clear();
        pb.environment().put("PATH", "/nonexistent");
        pb.environment().put("HOME", "/home/guest");
        return run(pb, dir);
    }

    private static Outcome runEmu(String script, Path dir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(EmuCli.command("run", "--env", "PATH=/nonexistent", "--env", "HOME=/home/guest",
                BUSYBOX.toString(), "sh", "-c", script));
        return run(new ProcessBuilder(cmd), dir);
    }

    private static Outcome run(ProcessBuilder pb, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("timed out after 60 s: %s%nstderr so far: %s", pb.command(), Files.readString(err, StandardCharsets.ISO_8859_1));
        }
        return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }
}
