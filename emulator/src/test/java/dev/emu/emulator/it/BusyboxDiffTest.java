package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's busybox-static applets on a scratch tree, natively and under emu (issue 13): each case
 * is a shell snippet run by {@code busybox sh} in its own fresh copy of the tree; its output
 * (stdout and stderr together) and exit status must be the same.
 *
 * <p>All cases run in one driver script, so one emu process covers every case (the guest forks
 * and execs each applet through the VFS). The tree lives in the working directory, which emu's
 * default view mounts read-write at its own path; it is built at the same path for both runs,
 * with fixed timestamps, so paths and times print the same.
 *
 * <p>Host-identity fields legitimately differ and are kept out of the outputs compared, in one
 * place: timestamps of files the commands create (host clock vs the virtual clock), inode and
 * device numbers, the processes `ps` lists, the sizes `df` and `free` report and the host's own
 * mounts. The cases touching those (ps, free, df, mount) compare only what does not depend on
 * them.
 */
@Tag("integration")
class BusyboxDiffTest {
    private static final String BUSYBOX = "/bin/busybox";
    private static final FileTime FIXED = FileTime.fromMillis(1_704_164_645_000L); // 2024-01-02 03:04:05 UTC

    /** One snippet, run with the tree copy as its working directory. */
    record Case(String name, String script) {}

    static final List<Case> CASES = List.of(
            new Case("ls", "ls"),
            new Case("ls -la dir", "ls -la dir"),
            new Case("ls -lR dir", "ls -lR dir"),
            new Case("ls -1 sub", "ls -1 dir/sub"),
            new Case("ls -ld", "ls -ld dir empty a.txt"),
            new Case("ls -a empty", "ls -a empty"),
            new Case("ls missing", "ls nonexistent; echo $?"),
            new Case("cat", "cat a.txt b.txt"),
            new Case("cat link", "cat link"),
            new Case("cat missing", "cat nonexistent; echo $?"),
            new Case("wc", "wc a.txt b.txt"),
            new Case("wc -l", "wc -l dir/d.txt"),
            new Case("sort", "sort a.txt"),
            new Case("sort -u", "sort -u a.txt"),
            new Case("sort -rn | head", "sort -rn b.txt | head -3"),
            new Case("head -n", "head -n 3 b.txt"),
            new Case("tail -n", "tail -n 3 b.txt"),
            new Case("head -c", "head -c 10 a.txt"),
            new Case("tail -c", "tail -c 5 a.txt"),
            new Case("grep -r", "grep -r hello ."),
            new Case("grep -rn", "grep -rn ba . | sort"),
            new Case("grep -c", "grep -c apple a.txt"),
            new Case("grep -lr", "grep -lr foo dir"),
            new Case("grep miss", "grep zzz a.txt; echo $?"),
            new Case("find", "find ."),
            new Case("find sorted", "find . | sort"),
            new Case("find -type f", "find . -type f | sort"),
            new Case("find -type d", "find . -type d | sort"),
            new Case("find -name", "find . -name '*.txt' | sort"),
            new Case("find -type l", "find . -type l"),
            new Case("find -size", "find . -size +0 -type f | sort"),
            new Case("stat -c", "stat -c '%n %s %F %a %h' a.txt dir link empty"),
            new Case("stat -L", "stat -L -c '%n %s %F' link"),
            new Case("stat times", "stat -c '%n %Y' a.txt dir/sub/c.txt"),
            new Case("du -a", "du -a dir | sort -k2"),
            new Case("du -s", "du -s dir"),
            new Case("mkdir -p", "mkdir -p x/y/z && find x | sort"),
            new Case("mkdir twice", "mkdir x && mkdir x; echo $?"),
            new Case("rmdir non-empty", "rmdir dir; echo $?"),
            new Case("rmdir", "rmdir empty && ls"),
            new Case("cp", "cp a.txt a2.txt && cat a2.txt && cmp a.txt a2.txt && echo same"),
            new Case("cp -a", "cp -a dir dir2 && ls -lR dir2"),
            new Case("cp -r", "cp -r dir dir3 && find dir3 | sort"),
            new Case("cp link", "cp link lcopy && test -L lcopy || echo regular copy"),
            new Case("mv", "mv a.txt moved.txt && ls && cat moved.txt"),
            new Case("mv into itself", "mv dir dir/sub/x; echo $?"),
            new Case("mv dir", "mv dir renamed && find renamed | sort"),
            new Case("rm -r", "rm -r dir && ls"),
            new Case("rm -rf", "rm -rf empty dir nonexistent && ls"),
            new Case("rm dangling", "rm a.txt && cat link; echo $?"),
            new Case("ln -s", "ln -s a.txt l2 && readlink l2 && cat l2"),
            new Case("ln", "ln a.txt hard && stat -c '%h %s' a.txt hard"),
            new Case("ln -s dangling", "ln -s nowhere dangling; readlink dangling; test -e dangling; echo $?; test -L dangling; echo $?"),
            new Case("readlink -f", "readlink -f dir/sub/../d.txt"),
            new Case("realpath", "realpath link"),
            new Case("touch", "touch new && test -f new && echo yes && wc -c new"),
            new Case("redirect", "echo hello > out && cat out"),
            new Case("append", "echo appended >> a.txt && tail -n 1 a.txt"),
            new Case("tee", "printf 'x\\ny\\n' | tee t1 | wc -l && cat t1"),
            new Case("sed -i", "sed -i s/apple/APPLE/ a.txt && cat a.txt"),
            new Case("sed -n", "sed -n 2p b.txt"),
            new Case("awk sum", "awk '{s+=$1} END {print s}' b.txt"),
            new Case("awk field", "awk '{print $2}' dir/d.txt"),
            new Case("tar c", "tar cf x.tar dir && tar tf x.tar"),
            new Case("tar x", "tar cf x.tar dir && mkdir ex && tar xf x.tar -C ex && find ex | sort && cat ex/dir/sub/c.txt"),
            new Case("tar z", "tar czf x.tgz dir a.txt && tar tzf x.tgz"),
            new Case("gzip -k", "gzip -k a.txt && gunzip -c a.txt.gz | cmp - a.txt && echo same"),
            new Case("gzip round trip", "gzip a.txt && ls && gzip -d a.txt.gz && cat a.txt"),
            new Case("zcat", "gzip -c b.txt > b.gz && zcat b.gz | tail -n 2"),
            new Case("xargs wc", "find . -name '*.txt' | sort | xargs wc -l"),
            new Case("xargs -n1", "ls | xargs -n1 echo item"),
            new Case("for glob", "for f in *.txt dir/*; do echo \"$f\"; done"),
            new Case("here-document", "cat <<EOF > h.txt\nline one\nline $((1+1))\nEOF\ncat h.txt"),
            new Case("subshell", "(cd dir && pwd) && pwd"),
            new Case("command substitution", "echo \"lines: $(cat a.txt | wc -l)\"; x=$(ls dir); echo \"$x\""),
            new Case("group redirect", "{ echo a; echo b; } > grp && cat grp"),
            new Case("pipeline", "cat a.txt | sort | uniq -c | sort -rn"),
            new Case("test", "test -d dir && echo dir; test -r a.txt && echo readable; test -x a.txt || echo notexec"),
            new Case("chmod", "chmod 755 a.txt && stat -c %a a.txt && test -x a.txt && echo x"),
            new Case("chmod -R", "chmod -R go-rwx dir && stat -c '%a %n' dir dir/sub dir/d.txt"),
            new Case("truncate", "truncate -s 5 a.txt && cat a.txt && echo && wc -c a.txt"),
            new Case("dd", "dd if=b.txt of=dd.out bs=4 count=2 2>/dev/null && cat dd.out"),
            // Reads bigger than the kernel's 64 KiB copy chunk: a regular file and /dev/zero fill
            // the whole buffer (whole records), as on Linux.
            new Case("dd big blocks", "dd if=/dev/zero of=big bs=1M count=3 2>&1 && dd if=big of=/dev/null bs=1M 2>&1 && wc -c big"),
            new Case("md5sum", "md5sum a.txt b.txt"),
            new Case("sha256sum", "sha256sum dir/d.txt"),
            new Case("cut", "cut -d' ' -f1 dir/d.txt"),
            new Case("tr", "tr a-z A-Z < a.txt"),
            new Case("uniq", "uniq -c a.txt"),
            new Case("basename dirname", "basename /a/b/c.txt; dirname /a/b/c.txt"),
            new Case("cd relative", "cd dir/sub && ls ../.. && cat ../d.txt"),
            new Case("diff", "diff a.txt b.txt > /dev/null; echo $?"),
            new Case("cmp", "cmp a.txt b.txt; echo $?"),
            new Case("od", "od -c a.txt | head -n 2"),
            new Case("hexdump", "hexdump -C dir/d.txt"),
            new Case("dev null", "cat /dev/null; echo $?; echo x > /dev/null && echo ok"),
            new Case("dev zero", "head -c 16 /dev/zero | od -An -tx1"),
            new Case("exit status", "sh -c 'exit 3'; echo $?; false; echo $?"),
            new Case("seq sort", "seq 1 5 | sort -r | paste -s -d+"),
            new Case("expr", "expr 3 + 4"),
            new Case("mv symlink", "mv link l3 && readlink l3"),
            new Case("#! script", "printf '#!/bin/busybox sh\\necho from script \"$0\" \"$1\"\\n' > s.sh && chmod +x s.sh && ./s.sh arg"),
            new Case("#! with argument", "printf '#!/bin/busybox cat -n\\nline\\n' > c.sh && chmod +x c.sh && ./c.sh"),
            new Case("exec not executable", "./a.txt; echo $?"),
            new Case("exec directory", "./dir; echo $?"),
            new Case("ps", "ps | head -n 1"),
            new Case("free", "free | head -n 1 | awk '{print $1, $2, $3}'"),
            new Case("df", "df . | head -n 1"),
            new Case("mount", "mount > /dev/null; echo $?; grep -c ' /proc proc ' /proc/mounts"),
            // Found by scripts/busybox-corpus (issue 13): getgroups, /proc/PID/loginuid,
            // ioprio_get, getpriority, sysinfo, named pipes on tmpfs, /proc/sys.
            new Case("groups", "groups; id -G"),
            new Case("logname", "logname; echo $?"),
            new Case("ionice", "ionice"),
            new Case("renice missing", "renice -n 1 -p 99999; echo $?"),
            new Case("free sysinfo", "free | awk 'NR==2 {print ($2 > 0), ($4 > 0)}'"),
            new Case("mkfifo tmpfs", "f=/dev/shm/bb-fifo.$$; mkfifo $f && (echo through > $f &) && cat $f; rm -f $f"),
            new Case("sysctl", "sysctl kernel.ostype"));

    /** Applets the cases call by name, linked to busybox in the PATH directory. */
    private static final List<String> APPLETS = List.of("ls", "cat", "wc", "sort", "head", "tail", "grep", "find",
            "stat", "du", "mkdir", "rmdir", "cp", "mv", "rm", "ln", "touch", "echo", "printf", "tee", "sed", "awk",
            "tar", "gzip", "gunzip", "zcat", "xargs", "cut", "tr", "uniq", "basename", "dirname", "realpath",
            "readlink", "diff", "cmp", "od", "hexdump", "dd", "md5sum", "sha256sum", "chmod", "truncate", "test",
            "expr", "seq", "paste", "pwd", "sh", "true", "false", "mount", "df", "ps", "free", "groups", "id", "logname",
            "ionice", "renice", "mkfifo", "sysctl");

    @TempDir
    static Path root;

    private static Map<String, String> nativeResults;
    private static Map<String, String> emuResults;

    /** One emu process runs every case; under a loaded CI machine that takes minutes. */
    @BeforeAll
    @org.junit.jupiter.api.Timeout(value = 900, unit = TimeUnit.SECONDS)
    static void runBoth() throws Exception {
        assertThat(Path.of(BUSYBOX)).as("Debian's busybox-static (scripts/lib/deps.sh)").isExecutable();
        Path bin = root.resolve("bin");
        Files.createDirectories(bin);
        for (String a : APPLETS) {
            Files.createSymbolicLink(bin.resolve(a), Path.of(BUSYBOX));
        }
        StringBuilder driver = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            Files.writeString(root.resolve("case" + i + ".sh"), CASES.get(i).script() + "\n");
            driver.append("echo '@@case ").append(i).append("'\n(cd tree").append(i)
                    .append(" && sh ../case").append(i).append(".sh) 2>&1\necho \"@@status $?\"\n");
        }
        Files.writeString(root.resolve("driver.sh"), driver.toString());
        List<String> env = List.of("PATH=" + bin, "HOME=/", "LC_ALL=C");

        makeTrees();
        List<String> nativeCmd = new ArrayList<>(List.of("/usr/bin/env", "-i"));
        nativeCmd.addAll(env);
        nativeCmd.addAll(List.of(BUSYBOX, "sh", "driver.sh"));
        nativeResults = split(run(nativeCmd, "native"));

        makeTrees();
        List<String> emuArgs = new ArrayList<>(List.of("run", "--serial-log", root.resolve("serial.log").toString()));
        for (String e : env) {
            emuArgs.addAll(List.of("--env", e));
        }
        emuArgs.addAll(List.of(BUSYBOX, "sh", "driver.sh"));
        emuResults = split(run(EmuCli.command(emuArgs.toArray(String[]::new)), "emu"));
    }

    /** A fresh copy of the scratch tree per case, with fixed times. */
    private static void makeTrees() throws IOException {
        for (int i = 0; i < CASES.size(); i++) {
            Path t = root.resolve("tree" + i);
            if (Files.exists(t)) {
                try (Stream<Path> s = Files.walk(t)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(t.resolve("dir/sub"));
            Files.createDirectories(t.resolve("empty"));
            Files.writeString(t.resolve("a.txt"), "banana\napple\ncherry\napple\n");
            StringBuilder nums = new StringBuilder();
            for (int n = 1; n <= 20; n++) {
                nums.append(n).append('\n');
            }
            Files.writeString(t.resolve("b.txt"), nums);
            Files.writeString(t.resolve("dir/sub/c.txt"), "hello world\n");
            Files.writeString(t.resolve("dir/d.txt"), "foo bar\nbaz qux\n");
            Files.createSymbolicLink(t.resolve("link"), Path.of("a.txt"));
            try (Stream<Path> s = Files.walk(t)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    if (!Files.isSymbolicLink(p)) {
                        Files.setLastModifiedTime(p, FIXED);
                    }
                }
            }
        }
    }

    private static String run(List<String> cmd, String what) throws Exception {
        Path out = root.resolve(what + ".out");
        Process p = new ProcessBuilder(cmd).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(root.resolve(what + ".err").toFile()).start();
        assertThat(p.waitFor(880, TimeUnit.SECONDS)).as("%s run finished", what).isTrue();
        assertThat(p.exitValue()).as("%s driver status; stderr: %s", what, Files.readString(root.resolve(what + ".err")))
                .isZero();
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }

    /** Case index → its output and "@@status N" line. */
    private static Map<String, String> split(String output) {
        Map<String, String> byCase = new LinkedHashMap<>();
        String current = null;
        StringBuilder sb = new StringBuilder();
        for (String line : output.split("\n", -1)) {
            if (line.startsWith("@@case ")) {
                if (current != null) {
                    byCase.put(current, sb.toString());
                }
                current = line.substring(7);
                sb.setLength(0);
            } else {
                sb.append(line).append('\n');
            }
        }
        if (current != null) {
            byCase.put(current, sb.toString());
        }
        return byCase;
    }

    @TestFactory
    Stream<DynamicTest> sameOutputAndStatusNativelyAndUnderEmu() {
        return java.util.stream.IntStream.range(0, CASES.size()).mapToObj(i -> DynamicTest.dynamicTest(
                i + " " + CASES.get(i).name(), () -> {
                    String expected = nativeResults.get(Integer.toString(i));
                    assertThat(expected).as("native output of case %d", i).isNotNull().contains("@@status");
                    assertThat(emuResults.get(Integer.toString(i))).as("case %d (%s) under emu", i, CASES.get(i).script())
                            .isEqualTo(expected);
                }));
    }
}
