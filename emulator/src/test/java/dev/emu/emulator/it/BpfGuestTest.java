package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's guest-side checks: {@code bpf_guest_tests.elf SCENARIO} under {@code emu run}, each
 * printing {@code key=value} lines (see userspace-images/bpf_guest_tests.c).
 */
@Tag("integration")
class BpfGuestTest {
    @TempDir
    Path tmp;

    record Run(int status, Map<String, String> values, String stdout, String serial) {}

    private Run scenario(String name) throws IOException, InterruptedException {
        Path serial = tmp.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand", "run", "--serial-log", serial.toString(),
                "bpf_guest_tests.elf", name));
        Path out = tmp.resolve(name + ".out");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("emu finished").isTrue();
        String stdout = Files.readString(out);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : stdout.lines().toList()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertThat(stdout).as("scenario %s", name).doesNotContain("FAIL");
        assertThat(p.exitValue()).as("status of %s: %s", name, stdout).isZero();
        return new Run(p.exitValue(), values, stdout, Files.exists(serial) ? Files.readString(serial) : "");
    }

    @Test
    void ringbufFullDropsAreCountedAndNoRecordIsCorrupted() throws Exception {
        Map<String, String> v = scenario("ringbuf_full").values();
        long received = Long.parseLong(v.get("received"));
        long dropped = Long.parseLong(v.get("dropped"));
        // 4096 bytes of 32-byte records (8-byte header + 24): Linux's producer check
        // (new_prod_pos - cons_pos > mask) lets 127 in.
        assertThat(received).isEqualTo(127);
        assertThat(dropped).isPositive();
        assertThat(received + dropped).isEqualTo(Long.parseLong(v.get("attempts")));
        assertThat(v).containsEntry("corrupt", "0").containsEntry("consistent", "yes").containsEntry("last", "127");
    }

    @Test
    void discardedRecordsNeverReachTheConsumerSubmittedOnesDo() throws Exception {
        Map<String, String> v = scenario("reserve_discard").values();
        assertThat(v).containsEntry("received", "10").containsEntry("odd", "0").containsEntry("last", "20");
    }

    @Test
    void closingTheLastProgramFdDetachesIt() throws Exception {
        Run r = scenario("detach_on_close");
        assertThat(r.values()).containsEntry("close", "0").containsEntry("after_close", "0");
    }

    @Test
    void progDetachStopsTheProgramAndASecondDetachIsEnoent() throws Exception {
        Map<String, String> v = scenario("prog_detach").values();
        assertThat(v).containsEntry("detach", "0").containsEntry("after_detach", "0")
                .containsEntry("detach_again", "-2").containsEntry("reattach", "0")
                .containsEntry("events_after_reattach", "yes");
    }

    @Test
    void progTestRunFromTheGuest() throws Exception {
        Map<String, String> v = scenario("test_run").values();
        assertThat(v).containsEntry("test_run", "0").containsEntry("retval", "42")
                .containsEntry("duration", "0") // the virtual clock: deterministic runs report 0
                .containsEntry("data_size_out", "32").containsEntry("data_out_matches", "yes")
                .containsEntry("short_out", "-28").containsEntry("short_out_size", "32")
                .containsEntry("short_out_prefix", "40").containsEntry("not_a_prog", "-22");
    }

    @Test
    void anEndlessTestRunYieldsSoTheParentRunsAndItsSignalKillsTheChild() throws Exception {
        long start = System.nanoTime();
        Map<String, String> v = scenario("test_run_forever").values();
        assertThat(v).containsEntry("parent_ran", "yes").containsEntry("reaped", "yes").containsEntry("child_signal", "15");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(60);
    }

    @Test
    void eachPollErrorFromTheGuestSide() throws Exception {
        Map<String, String> v = scenario("poll_errors").values();
        assertThat(v).containsEntry("enospc", "-28").containsEntry("needed", "16")
                .containsEntry("ebadf", "-9").containsEntry("einval_not_a_bpf_fd", "-22")
                .containsEntry("einval_not_ringbuf", "-22").containsEntry("einval_flags", "-22")
                .containsEntry("efault", "-14")
                // the ENOSPC and EFAULT polls left the record: the next good poll gets event #2
                .containsEntry("after_errors", "16").containsEntry("first_counter", "2");
    }
}
