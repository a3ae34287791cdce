package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest's view of files as `emu run` sets it up (docs/filesystem.md): --mount, --root,
 * --workdir, the default view, and attempts to reach host files that are not mounted.
 */
@Tag("integration")
class FilesystemCliTest {
    private static final String BUSYBOX = "/bin/busybox";

    @TempDir
    Path tmp;

    /** Runs `emu ARGS...` in {@code dir}. */
    private EmuCli.Result emuIn(Path dir, String... args) throws Exception {
        Path out = tmp.resolve("out" + System.nanoTime());
        Path err = tmp.resolve("err" + System.nanoTime());
        Process p = new ProcessBuilder(EmuCli.command(args)).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new EmuCli.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private EmuCli.Result sh(Path dir, List<String> options, String script) throws Exception {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(options);
        args.addAll(List.of(BUSYBOX, "sh", "-c", script));
        return emuIn(dir, args.toArray(String[]::new));
    }

    @Test
    void byDefaultTheHostIsReadOnlyAndTheCurrentDirectoryReadWrite() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        EmuCli.Result r = sh(work, List.of(), "pwd; echo data > here.txt && cat here.txt; "
                + "echo x > /etc/emu-test-file; echo status=$?; ls /tmp; echo tmp-listed; cat /etc/hostname > /dev/null && echo host-readable");
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo(work + "\ndata\nstatus=1\n" + tmpListing(work) + "tmp-listed\nhost-readable\n");
        assertThat(r.stderr()).contains("Read-only file system");
        assertThat(work.resolve("here.txt")).hasContent("data");
        assertThat(Path.of("/etc/emu-test-file")).doesNotExist();
    }

    @Test
    void anImageUnderTheHostsTmpStillSeesItselfAtItsOwnPath() throws Exception {
        // The guest's /tmp is a fresh tmpfs; a program started from the host's /tmp (a CI
        // checkout, a JUnit temp dir) must still be able to execve itself by argv[0].
        Path dir = Files.createDirectories(Path.of("/tmp").resolve("emu-image-" + ProcessHandle.current().pid()));
        try {
            Path image = Files.copy(DifferentialTest.imagesDir().resolve("musl/execself"), dir.resolve("execself"));
            Path work = Files.createDirectories(tmp.resolve("elsewhere"));
            EmuCli.Result r = emuIn(work, "run", image.toString());
            assertThat(r.status()).as(r.stderr()).isZero();
            assertThat(r.stdout()).startsWith("exec'd child running with 2 args\nexec'd child exited 5");
            EmuCli.Result write = emuIn(work, "run", BUSYBOX, "sh", "-c", "ls " + dir + "; echo x > " + dir + "/new; echo status=$?");
            assertThat(write.stdout()).as("a run of another image does not get that directory").isEqualTo("status=1\n");
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    /** `ls /tmp` in the guest: the fresh tmpfs holds only the mountpoint emu made for the cwd. */
    private static String tmpListing(Path work) {
        return work.startsWith("/tmp/") ? work.getName(1) + "\n" : "";
    }

    @Test
    void aMountpointCannotBeMadeUnderAFile() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("d"));
        EmuCli.Result r = emuIn(tmp, "run", "--mount", data + ":" + BUSYBOX + "/x", BUSYBOX, "true");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).contains("--mount: " + BUSYBOX + "/x does not exist in the guest and cannot be created there");
    }

    @Test
    void mountsAreReadOnlyUnlessAskedAndTheGuestCannotWriteThrough() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("f"), "host file\n");
        Path work = Files.createDirectories(tmp.resolve("w"));
        // /tmp is a tmpfs: the mountpoint /tmp/data is made there.
        EmuCli.Result ro = sh(work, List.of("--mount", data + ":/tmp/data"), "cat /tmp/data/f; touch /tmp/data/g; echo $?");
        assertThat(ro.stdout()).isEqualTo("host file\n1\n");
        assertThat(ro.stderr()).contains("Read-only file system");
        assertThat(data.resolve("g")).doesNotExist();
        EmuCli.Result rw = sh(work, List.of("--mount", data + ":/tmp/data:rw"), "touch /tmp/data/g; echo $?");
        assertThat(rw.stdout()).isEqualTo("0\n");
        assertThat(data.resolve("g")).exists();
    }

    @Test
    void aRootTreeHidesTheHostAndSymlinksCannotLeaveIt() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of(BUSYBOX), root.resolve("bin/busybox"));
        for (String d : List.of("proc", "dev", "sys", "tmp", "etc")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("etc/hostname"), "inside\n");
        Files.createSymbolicLink(root.resolve("escape"), Path.of("/../../../../etc/passwd"));
        Files.createSymbolicLink(root.resolve("up"), tmp.relativize(Path.of("/")).resolve("etc"));
        EmuCli.Result r = emuIn(tmp, "run", "--root", root.toString(), "/bin/busybox", "sh", "-c",
                "ls /; cat /etc/hostname; cat /escape; cat /up/passwd; cat ../../../etc/passwd; echo done");
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("bin\ndev\nescape\netc\nproc\nsys\ntmp\nup\ninside\ndone\n");
        assertThat(r.stderr()).contains("cat: can't open '/escape': No such file or directory")
                .contains("cat: can't open '/up/passwd': No such file or directory")
                .contains("cat: can't open '../../../etc/passwd': No such file or directory");
    }

    @Test
    void workdirSetsTheStartingDirectory() throws Exception {
        EmuCli.Result r = emuIn(tmp, "run", "--workdir", "/dev", BUSYBOX, "sh", "-c", "pwd; ls null zero");
        assertThat(r.stdout()).isEqualTo("/dev\nnull\nzero\n");
        EmuCli.Result bad = emuIn(tmp, "run", "--workdir", "/nonexistent", BUSYBOX, "true");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.stderr()).contains("--workdir: /nonexistent is not a directory in the guest");
    }

    @Test
    void aDynamicallyLinkedMuslProgramRunsWithItsLoaderFromTheHost() throws Exception {
        Path image = DifferentialTest.imagesDir().resolve("musl-dynamic/hello");
        assertThat(image).isExecutable();
        EmuCli.Result r = emuIn(tmp, "run", "--serial-log", tmp.resolve("serial").toString(), image.toString());
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo(new String(new ProcessBuilder(image.toString()).start().getInputStream().readAllBytes()));
    }

    @Test
    void procShowsTheGuestsOwnProcessesAndMounts() throws Exception {
        EmuCli.Result r = emuIn(tmp, "run", BUSYBOX, "sh", "-c",
                "ls /proc | grep -c '^[0-9]'; cat /proc/self/cmdline | tr '\\0' ' '; echo; readlink /proc/self/exe; "
                        + "grep -c . /proc/cpuinfo > /dev/null && echo cpuinfo; grep ' /proc ' /proc/mounts; cat /proc/uptime | wc -w");
        assertThat(r.status()).as(r.stderr()).isZero();
        // sh, ls and grep are running when ls lists /proc.
        assertThat(r.stdout()).isEqualTo("3\ncat /proc/self/cmdline \n/usr/bin/busybox\ncpuinfo\nproc /proc proc rw,relatime 0 0\n2\n");
    }

    /** An image named on the command line that is a "#!" script runs through its interpreter, as execve runs it. */
    @Test
    void aScriptNamedOnTheCommandLineRunsThroughItsInterpreter() throws Exception {
        Path script = tmp.resolve("s.sh");
        Files.writeString(script, "#!" + BUSYBOX + " sh\necho \"$0 $1\"; readlink /proc/self/exe\n");
        script.toFile().setExecutable(true);
        EmuCli.Result r = emuIn(tmp, "run", "./s.sh", "arg");
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("./s.sh arg\n" + Path.of(BUSYBOX).toRealPath() + "\n");
    }

    /**
     * /proc/PID/fdinfo, auxv, task/TID and /proc/sys agree with what the rest of the kernel
     * says: the fd's flags as F_GETFL gives them, the file's inode as stat gives it, AT_PAGESZ
     * in the auxv, one thread named by the pid, the release uname reports.
     */
    @Test
    void procFdinfoAuxvTaskAndSysAgreeWithTheKernel() throws Exception {
        EmuCli.Result r = emuIn(tmp, "run", BUSYBOX, "sh", "-c",
                "exec 3</etc/passwd; cat /proc/$$/fdinfo/3; stat -c %i /etc/passwd; "
                        + "od -A n -t x8 /proc/self/auxv | grep -c '0000000000000006 0000000000001000'; "
                        + "[ \"$(ls /proc/$$/task)\" = \"$$\" ] && echo one thread; cat /proc/$$/task/$$/comm; "
                        + "[ \"$(uname -r)\" = \"$(cat /proc/sys/kernel/osrelease)\" ] && echo same release; "
                        + "cat /proc/sys/net/core/bpf_jit_enable /proc/sys/kernel/unprivileged_bpf_disabled /proc/sys/kernel/pid_max");
        assertThat(r.status()).as(r.stderr()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.subList(0, 3)).containsExactly("pos:\t0", "flags:\t0100000", "mnt_id:\t1");
        assertThat(lines.get(3)).as("fdinfo's ino is stat's").isEqualTo("ino:\t" + lines.get(4));
        assertThat(lines.subList(5, lines.size())).containsExactly("1", "one thread", "busybox", "same release", "1", "0", "4194304");
    }

    /**
     * Files the guest makes in tmpfs get the same inode numbers and times on every run, and
     * listings come in the same order: two runs print the same bytes.
     */
    @Test
    void guestCreatedFilesAreTheSameOnEveryRun() throws Exception {
        String script = "cd /tmp && mkdir -p a/b && echo x > a/f && ln -s f a/l && touch a/b/g && "
                + "ls -lai a a/b && stat -c '%i %d %X %Y %Z %n' a a/f a/l a/b/g && find /tmp/a";
        EmuCli.Result first = emuIn(tmp, "run", BUSYBOX, "sh", "-c", script);
        EmuCli.Result second = emuIn(tmp, "run", BUSYBOX, "sh", "-c", script);
        assertThat(first.status()).as(first.stderr()).isZero();
        assertThat(first.stdout()).contains("a/b/g").isEqualTo(second.stdout());
    }

    @Test
    void aMountpointMissingFromTheReadOnlyTreeIsMadeInTheGuestsViewOnly() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("f"), "hello\n");
        Path work = Files.createDirectories(tmp.resolve("work"));
        EmuCli.Result r = sh(work, List.of("--mount", data + ":/emu-test-missing/deeper/place"),
                "cat /emu-test-missing/deeper/place/f; ls /emu-test-missing/deeper; mkdir /emu-test-missing/x; echo status=$?");
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("hello\nplace\nstatus=1\n");
        assertThat(r.stderr()).contains("Read-only file system");
        assertThat(Path.of("/emu-test-missing")).doesNotExist();
    }

    @Test
    void fifosAndSocketNodesInAHostDirectoryLiveInTheGuestsViewOnly() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path ro = Files.createDirectories(tmp.resolve("ro"));
        EmuCli.Result r = sh(work, List.of("--mount", ro + ":/mnt/ro"),
                "mkfifo p && ls -l p | cut -c1; ls; mkfifo p; echo clash=$?; (echo through > p &); cat p; mkfifo /mnt/ro/q; echo ro=$?");
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("p\np\nclash=1\nthrough\nro=1\n");
        assertThat(r.stderr()).contains("File exists").contains("Read-only file system");
        try (var files = Files.list(work)) {
            assertThat(files.toList()).as("the host does not see the node").isEmpty();
        }
    }
}
