package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `emu` as a user runs it: statuses, messages, the trace, the serial log. */
@Tag("integration")
class CliTest {
    @TempDir
    Path tmp;

    private EmuCli.Result emu(String... args) throws IOException, InterruptedException {
        return EmuCli.run(tmp, args);
    }

    private static Path image(String name) {
        return DifferentialTest.imagesDir().resolve(name);
    }

    @Test
    void helloByBareNameFromTheImagesDirectory() throws Exception {
        EmuCli.Result r = emu("run", "hello.elf");
        assertThat(r.stdout()).isEqualTo("Hello from emu guest!\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void missingImageNamesThePathAndExits127() throws Exception {
        EmuCli.Result r = emu("run", "/nonexistent/prog");
        assertThat(r.status()).isEqualTo(127);
        assertThat(r.stderr()).contains("/nonexistent/prog").contains("no such image");
    }

    @Test
    void corruptedElfIsRefusedWithAPreciseMessage() throws Exception {
        byte[] elf = Files.readAllBytes(image("hello.elf"));
        elf[18] = (byte) 183; // e_machine = AArch64
        Path bad = Files.write(tmp.resolve("arm.elf"), elf);
        EmuCli.Result r = emu("run", bad.toString());
        assertThat(r.status()).isEqualTo(126);
        assertThat(r.stderr()).contains(bad.toString()).contains("AArch64").contains("x86-64");

        Path truncated = Files.write(tmp.resolve("trunc.elf"), java.util.Arrays.copyOf(Files.readAllBytes(image("hello.elf")), 40));
        EmuCli.Result t = emu("run", truncated.toString());
        assertThat(t.status()).isEqualTo(126);
        assertThat(t.stderr()).contains(truncated.toString()).containsIgnoringCase("truncated");

        // A script runs through its interpreter as execve runs it; without an x bit it is EACCES.
        Path text = Files.writeString(tmp.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        EmuCli.Result s = emu("run", text.toString());
        assertThat(s.status()).isEqualTo(126);
        assertThat(s.stderr()).contains("Permission denied");

        Path data = Files.writeString(tmp.resolve("data.txt"), "just text\n");
        EmuCli.Result d = emu("run", data.toString());
        assertThat(d.status()).isEqualTo(126);
        assertThat(d.stderr()).contains("not an ELF");
    }

    @Test
    void onlyRegularFilesAreImages() throws Exception {
        EmuCli.Result zero = emu("run", "/dev/zero"); // was read until the JVM died
        assertThat(zero.status()).isEqualTo(126);
        assertThat(zero.stderr()).contains("/dev/zero").contains("character device, not a regular file");

        Path fifo = tmp.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor()).isZero();
        EmuCli.Result f = emu("run", fifo.toString()); // was a hang: opening a FIFO waits for a writer
        assertThat(f.status()).isEqualTo(126);
        assertThat(f.stderr()).contains(fifo.toString()).contains("is a FIFO, not a regular file");

        EmuCli.Result dir = emu("run", tmp.toString());
        assertThat(dir.status()).isEqualTo(126);
        assertThat(dir.stderr()).contains(tmp.toString()).contains("is a directory");
    }

    @Test
    void anImageWhoseSegmentsNeedATerabyteIsRefusedWithAPreciseMessage() throws Exception {
        java.nio.ByteBuffer elf = java.nio.ByteBuffer.wrap(Files.readAllBytes(image("hello.elf")))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long phoff = elf.getLong(32);
        int last = -1;
        for (int i = 0; i < elf.getShort(56); i++) {
            if (elf.getInt((int) phoff + 56 * i) == 1) {
                last = (int) phoff + 56 * i;
            }
        }
        elf.putLong(last + 40, 1L << 40); // the last PT_LOAD's p_memsz: a 1 TiB .bss
        Path big = Files.write(tmp.resolve("big.elf"), elf.array());
        EmuCli.Result r = emu("run", big.toString());
        assertThat(r.status()).isEqualTo(126);
        assertThat(r.stderr()).contains(big.toString()).contains("need 1099511").contains("GiB emu maps for an image")
                .doesNotContain("Exception");
    }

    @Test
    void badUsageIsStatus2WithUsage() throws Exception {
        EmuCli.Result r = emu("run", "--no-such-option", "hello.elf");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).contains("Usage:");
        assertThat(emu("run").status()).isEqualTo(2);
    }

    @Test
    void traceSyscallsPrintsStraceFormatLines() throws Exception {
        Path trace = tmp.resolve("trace.txt");
        EmuCli.Result r = emu("run", "--trace-syscalls", "--trace-file", trace.toString(), "hello.elf");
        assertThat(r.status()).isZero();
        assertThat(Files.readAllLines(trace)).containsExactly(
                "write(1, \"Hello from emu guest!\\n\", 22) = 22",
                "exit_group(0) = 0");
    }

    @Test
    void traceFilterAndErrnoNames() throws Exception {
        Path trace = tmp.resolve("trace.txt");
        EmuCli.Result r = emu("run", "--trace-syscalls=writev,ioctl", "--trace-file", trace.toString(), image("musl/hello").toString());
        assertThat(r.status()).isZero();
        List<String> lines = Files.readAllLines(trace);
        assertThat(lines).isNotEmpty().allMatch(l -> l.startsWith("writev(") || l.startsWith("ioctl("));
        // stdout is a file here, not a terminal: musl's isatty probe fails as it does natively.
        assertThat(lines).contains("ioctl(1, TIOCGWINSZ, 0x" + lines.stream().filter(l -> l.startsWith("ioctl(1"))
                .findFirst().orElseThrow().replaceAll(".*0x([0-9a-f]+)\\).*", "$1") + ") = -1 ENOTTY");
    }

    @Test
    void bpfCallsAreTracedWithTheirAttrDecoded() throws Exception {
        Path trace = tmp.resolve("trace.txt");
        EmuCli.Result r = emu("run", "--trace-syscalls=bpf,nanosleep", "--trace-file", trace.toString(), "bpf_loader.elf", "1");
        assertThat(r.status()).isZero();
        List<String> lines = Files.readAllLines(trace);
        // The program's instructions sit on the guest's stack, whose addresses move with the
        // length of the image path (execfn and argv[0] are copied above it, as on Linux).
        List<String> first = lines.subList(0, 4).stream()
                .map(l -> l.replaceFirst("insns=0x7fffffff[0-9a-f]{4},", "insns=STACK,")).toList();
        assertThat(first).containsExactly(
                "bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, value_size=8, max_entries=1, map_flags=0x0, ...}, 144) = 3",
                "bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_RINGBUF, key_size=0, value_size=0, max_entries=16384, map_flags=0x0, ...}, 144) = 4",
                "bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_EMU_TIMER, insn_cnt=22, insns=STACK, license=\"GPL\", log_level=1, log_size=65536, ...}, 144) = 5",
                "bpf(BPF_PROG_ATTACH, {target_fd=0, attach_bpf_fd=5, attach_type=BPF_EMU_TIMER, attach_flags=0x1}, 144) = 0");
        assertThat(lines).contains("nanosleep({tv_sec=0, tv_nsec=10000000}, NULL) = 0");
        assertThat(lines).anyMatch(l -> l.matches("bpf\\(BPF_EMU_RINGBUF_POLL, \\{map_fd=4, flags=0x0, buf=0x[0-9a-f]+, buf_size=16, timeout_ns=0\\}, 32\\) = 16"));
    }

    @Test
    void structsTheKernelFillsAreShownByContent() throws Exception {
        Path trace = tmp.resolve("trace.txt");
        EmuCli.Result r = emu("run", "--trace-syscalls=clock_gettime,newfstatat", "--trace-file", trace.toString(),
                image("glibc/sleepclock").toString());
        assertThat(r.status()).isZero();
        List<String> lines = Files.readAllLines(trace);
        // stdout is a file in this test; glibc asks what it is before choosing its buffering.
        assertThat(lines).contains("newfstatat(1, \"\", {st_mode=S_IFREG|0644, st_size=0, ...}, AT_EMPTY_PATH) = 0");
        assertThat(lines).anyMatch(l -> l.matches("clock_gettime\\(CLOCK_REALTIME, \\{tv_sec=1767225600, tv_nsec=\\d+\\}\\) = 0"));
    }

    @Test
    void unknownSyscallIsEnosysAndNamedOnceInTheSerialLog() throws Exception {
        Path log = tmp.resolve("serial.log");
        EmuCli.Result r = emu("run", "--serial-log", log.toString(), image("musl/unknown_syscall").toString());
        assertThat(r.stdout()).contains("ENOSYS");
        String serial = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(serial.lines().filter(l -> l.contains("unimplemented syscall 400"))).hasSize(1);
        // The kernel log never reaches the guest's stdout.
        assertThat(r.stdout()).doesNotContain("unimplemented");
    }

    @Test
    void segfaultIs139WithOneReportLine() throws Exception {
        EmuCli.Result r = emu("run", image("glibc/nullderef").toString());
        assertThat(r.status()).isEqualTo(139);
        assertThat(r.stderr().lines().toList()).hasSize(1);
        assertThat(r.stderr()).startsWith("emu: ").contains("SIGSEGV").contains("rip 0x").contains("last syscall");
        assertThat(r.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void deathsByKillRaiseAbortAlarmTgkillAndAFailedHandlerFrameGiveOneReportLine() throws Exception {
        String[][] cases = {
            {"abort", "134", "killed by SIGABRT (sent by pid 1"},
            {"kill", "143", "killed by SIGTERM (sent by pid 1, last syscall kill)"},
            {"bychild", "143", "killed by SIGTERM (sent by pid 2, last syscall pause)"},
            {"tgkill", "140", "killed by SIGUSR2 (sent by pid 1, last syscall tgkill)"},
            {"alarm", "142", "killed by SIGALRM (sent by the kernel, last syscall pause)"},
            {"raise", "138", "killed by SIGUSR1 (sent by pid 1"},
            {"badframe", "139", "killed by SIGSEGV (cannot write the signal frame for SIGUSR1"},
        };
        for (String[] c : cases) {
            EmuCli.Result r = emu("run", image("musl/selfkill").toString(), c[0]);
            assertThat(r.status()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(r.stderr().lines().toList()).as(c[0]).hasSize(1);
            assertThat(r.stderr()).as(c[0]).startsWith("emu: pid 1 (selfkill) " + c[2]);
        }
    }

    @Test
    void sameRunTwiceGivesByteIdenticalSerialLogs() throws Exception {
        Path a = tmp.resolve("a.log");
        Path b = tmp.resolve("b.log");
        emu("run", "--serial-log", a.toString(), image("musl/sleepclock").toString());
        emu("run", "--serial-log", b.toString(), image("musl/sleepclock").toString());
        assertThat(Files.readString(a)).isNotEmpty().isEqualTo(Files.readString(b));
    }

    @Test
    void aDeadlockedGuestIsReportedWithWhatEachTaskWaitsOn() throws Exception {
        Path log = tmp.resolve("serial.log");
        EmuCli.Result r = emu("run", "--serial-log", log.toString(), image("musl/deadlock").toString());
        assertThat(r.status()).isEqualTo(125);
        assertThat(r.stdout()).isEqualTo("waiting on my own pipe\n");
        assertThat(r.stderr()).contains("deadlock");
        String serial = Files.readString(log);
        assertThat(serial).contains("deadlock: no task can run and no timer is pending");
        assertThat(serial.lines().filter(l -> l.contains("deadlock (tid 1) waits on"))).hasSize(1);
    }

    @Test
    void syscallsCommandPrintsTheSupportTable() throws Exception {
        EmuCli.Result r = emu("syscalls");
        assertThat(r.status()).isZero();
        assertThat(r.stdout()).contains("write").contains("FULL").containsPattern("\\d+ syscalls: \\d+ full, \\d+ partial, \\d+ ENOSYS");
    }
}
