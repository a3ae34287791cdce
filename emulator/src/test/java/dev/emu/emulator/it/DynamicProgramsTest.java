package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's own dynamically linked programs (issue 13): /bin/ls, /bin/dash and python3 run with
 * their PT_INTERP (glibc's ld.so) and libraries loaded from the host's "/" through the VFS, and
 * print the same as natively. Times are shown in a fixed style on files with fixed times, since
 * the guest's clock is virtual.
 */
@Tag("integration")
class DynamicProgramsTest {
    @TempDir
    Path work;
    @TempDir
    Path out;

    private record Run(int status, String stdout, String stderr) {}

    private Run run(List<String> cmd) throws Exception {
        Path o = out.resolve("o" + System.nanoTime());
        Path e = out.resolve("e" + System.nanoTime());
        Process p = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(o), Files.readString(e));
    }

    /** Runs {@code program args} natively and under emu (with LC_ALL=C in both) and compares. */
    private void same(String program, String... args) throws Exception {
        assertThat(Path.of(program)).as("%s on this machine", program).isExecutable();
        List<String> nativeCmd = new ArrayList<>(List.of("/usr/bin/env", "-i", "LC_ALL=C", "PATH=/usr/bin:/bin", program));
        nativeCmd.addAll(List.of(args));
        List<String> emuArgs = new ArrayList<>(List.of("run", "--serial-log", out.resolve("serial").toString(),
                "--env", "LC_ALL=C", "--env", "PATH=/usr/bin:/bin", program));
        emuArgs.addAll(List.of(args));
        Run host = run(nativeCmd);
        Run emu = run(EmuCli.command(emuArgs.toArray(String[]::new)));
        assertThat(emu.stdout()).as("stdout of %s under emu; stderr: %s", program, emu.stderr()).isEqualTo(host.stdout());
        assertThat(emu.stderr()).as("stderr of %s", program).isEqualTo(host.stderr());
        assertThat(emu.status()).isEqualTo(host.status());
    }

    @Test
    void debiansLsListsATreeTheSame() throws Exception {
        Path tree = work.resolve("tree");
        Files.createDirectories(tree.resolve("sub"));
        Files.writeString(tree.resolve("sub/file.txt"), "hello\n");
        Files.writeString(tree.resolve("a"), "x".repeat(5000));
        Files.createSymbolicLink(tree.resolve("link"), Path.of("a"));
        FileTime fixed = FileTime.fromMillis(1_704_164_645_000L);
        for (Path p : List.of(tree.resolve("sub/file.txt"), tree.resolve("sub"), tree.resolve("a"), tree, work)) {
            Files.setLastModifiedTime(p, fixed);
        }
        same("/bin/ls", "-la", "--time-style=long-iso", "tree", "tree/sub");
        same("/bin/ls", "-lR", "--time-style=+%F", "tree");
    }

    @Test
    void debiansDashRunsAPipeline() throws Exception {
        same("/bin/dash", "-c", "echo abc | tr a-c x-z; x=$(echo sub | sed s/u/U/); echo \"$x\"; (cd / && pwd); "
                + "for i in 1 2 3; do echo $i; done | sort -r | head -n 2; printf '%s\\n' one two > f && wc -l < f && cat f");
    }

    @Test
    void python3RunsAScript() throws Exception {
        Files.writeString(work.resolve("data.txt"), "b\na\nc\n");
        same("/usr/bin/python3", "-c", "import os, json, hashlib\n"
                + "lines = sorted(open('data.txt').read().split())\n"
                + "print(json.dumps({'lines': lines, 'n': sum(range(100))}))\n"
                + "print(hashlib.sha256(b'emu').hexdigest())\n"
                + "open('out.txt', 'w').write('written\\n'); print(open('out.txt').read(), end='')\n"
                + "print(sorted(os.listdir('.')))\n");
    }
}
