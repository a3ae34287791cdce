package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * emu's kernel BTF as a guest sees it at /sys/kernel/btf/vmlinux: the host kernel's BTF_LOAD
 * (btf.c's checks) takes the blob, emu's own BTF_LOAD takes it inside the guest, `bpftool btf
 * dump ... format c` run under emu gives exactly the checked-in userspace-images/libbpf/vmlinux.h
 * (regenerate with scripts/gen-vmlinux-h), which the libbpf programs are compiled against.
 */
@Tag("integration")
class KernelBtfTest {
    private static final Path BPFTOOL = Path.of("/usr/sbin/bpftool");

    @TempDir
    Path tmp;

    private record Run(int status, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }
    }

    private Run run(List<String> cmd, String name) throws Exception {
        Path out = tmp.resolve(name + ".out"), err = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(name + " timed out: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    private Run emu(String name, String... guestCommand) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand", "run"));
        cmd.addAll(List.of(guestCommand));
        Run r = run(cmd, name);
        assertThat(r.status()).as("%s under emu: %s", name, r.stderr()).isZero();
        return r;
    }

    private static Path image(String rel) {
        Path p = DifferentialTest.imagesDir().resolve(rel);
        assertThat(p).as("run `make -C userspace-images`").isRegularFile();
        return p;
    }

    @Test
    void theHostKernelLoadsEmusBtf() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "bpf() natively needs root");
        byte[] blob = emu("cat", "/bin/cat", "/sys/kernel/btf/vmlinux").stdout();
        assertThat(blob.length).isGreaterThan(1000);
        Path file = tmp.resolve("vmlinux");
        Files.write(file, blob);
        Run host = run(List.of(image("glibc/btf_load").toString(), file.toString()), "btf_load.native");
        assumeTrue(!host.text().startsWith("refused 1:"), "the host refuses bpf(): " + host.text());
        assertThat(host.text()).isEqualTo("loaded " + blob.length + " bytes\n");
    }

    @Test
    void emuLoadsItsOwnBtfAndStatGivesItsSize() throws Exception {
        byte[] blob = emu("cat", "/bin/cat", "/sys/kernel/btf/vmlinux").stdout();
        Run guest = emu("btf_load", image("glibc/btf_load").toString());
        assertThat(guest.text()).isEqualTo("loaded " + blob.length + " bytes\n");
        Run ls = emu("stat", "/bin/busybox", "stat", "-c", "%s %A", "/sys/kernel/btf/vmlinux");
        assertThat(ls.text()).isEqualTo(blob.length + " -r--r--r--\n");
    }

    /** The dump inside the guest is the checked-in header: scripts/gen-vmlinux-h regenerates it. */
    @Test
    void checkedInVmlinuxHeaderIsCurrent() throws Exception {
        assumeTrue(Files.isExecutable(BPFTOOL), "no bpftool (apt-get install bpftool)");
        Run dump = emu("bpftool", BPFTOOL.toString(), "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c");
        Path header = DifferentialTest.imagesDir().getParent().resolve("libbpf/vmlinux.h");
        assertThat(dump.text()).contains("struct task_struct {", "typedef void (*btf_trace_sched_switch)");
        assertThat(dump.text()).as("userspace-images/libbpf/vmlinux.h is stale: run scripts/gen-vmlinux-h")
                .isEqualTo(Files.readString(header, StandardCharsets.ISO_8859_1));
    }

    /** bpftool finds BTF object 1, the kernel's, by id: `bpftool btf show` lists it named vmlinux. */
    @Test
    void bpftoolListsTheKernelBtfAsId1() throws Exception {
        assumeTrue(Files.isExecutable(BPFTOOL), "no bpftool (apt-get install bpftool)");
        Run show = emu("bpftool-show", BPFTOOL.toString(), "btf", "show");
        assertThat(show.text()).startsWith("1: name [vmlinux]  size ");
    }
}
