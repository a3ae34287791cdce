package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The headline demo end to end (issue 6): bpf_loader.elf and bpf_poll_block.elf under `emu run`,
 * the serial log's determinism, and `--expect`.
 */
@Tag("integration")
class BpfLoaderTest {
    private static final Pattern EVENT = Pattern.compile("Event received: #(\\d+) t=(\\d+)( \\(blocking poll\\))?");

    @TempDir
    Path tmp;

    private EmuCli.Result emu(String... args) throws IOException, InterruptedException {
        return EmuCli.run(tmp, args);
    }

    private static void assertEvents(List<String> lines, int count) {
        long lastCounter = 0;
        long lastTime = -1;
        for (int i = 0; i < count; i++) {
            Matcher m = EVENT.matcher(lines.get(i));
            assertThat(m.matches()).as("line %s", lines.get(i)).isTrue();
            long c = Long.parseLong(m.group(1));
            long t = Long.parseLong(m.group(2));
            assertThat(c).isGreaterThan(lastCounter);
            assertThat(t).isGreaterThan(lastTime);
            lastCounter = c;
            lastTime = t;
        }
    }

    @Test
    void bpfLoaderPrintsSetupThenTenIncreasingEvents() throws Exception {
        EmuCli.Result r = emu("run", "bpf_loader.elf");
        List<String> lines = r.stdout().lines().toList();
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(lines).hasSize(13);
        assertThat(lines.subList(0, 3)).containsExactly("map created", "program loaded", "program attached");
        assertEvents(lines.subList(3, 13), 10);
    }

    @Test
    void theCountComesFromArgv() throws Exception {
        EmuCli.Result r = emu("run", "bpf_loader.elf", "3");
        assertThat(r.status()).isZero();
        assertThat(r.stdout().lines().filter(l -> l.startsWith("Event received")).count()).isEqualTo(3);
    }

    @Test
    void twoRunsGiveByteIdenticalSerialLogs() throws Exception {
        Path a = tmp.resolve("a.log");
        Path b = tmp.resolve("b.log");
        assertThat(emu("run", "--serial-log", a.toString(), "bpf_loader.elf").status()).isZero();
        assertThat(emu("run", "--serial-log", b.toString(), "bpf_loader.elf").status()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readString(a)).contains("bpf: program 1 (tick_events) attached to the timer");
    }

    @Test
    void blockingPollNeedsNoSleeps() throws Exception {
        EmuCli.Result r = emu("run", "--trace-syscalls=nanosleep", "bpf_poll_block.elf");
        List<String> lines = r.stdout().lines().toList();
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(lines.subList(0, 3)).containsExactly("map created", "program loaded", "program attached");
        assertEvents(lines.subList(3, 13), 10);
        assertThat(r.stderr()).doesNotContain("nanosleep");
    }

    /**
     * The libbpf consumer's shape (issue 14): epoll_wait on the ringbuf map fd sleeps until the
     * timer program's commit wakes it (the adaptive wake-up: the consumer had caught up), then
     * the records are drained; an array map fd reports EPOLLERR (no map_poll).
     */
    @Test
    void epollOnTheRingbufMapFdIsWokenByTheTimerProgramsCommits() throws Exception {
        EmuCli.Result r = emu("run", "--trace-syscalls=nanosleep", "bpf_epoll.elf");
        List<String> lines = r.stdout().lines().toList();
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(lines.subList(0, 5)).containsExactly("epoll_ctl(ringbuf map) = 0", "epoll_ctl(array map) = 0",
                "before attaching: 1 ready: data 2 events 8", "poll(empty ringbuf) = 0 revents 0", "program attached");
        for (int i = 1; i <= 6; i++) {
            assertThat(lines.get(4 + i)).isEqualTo("Event received: #" + i + " t=" + (i * 50_000_000L)
                    + " (epoll wake-up " + i + ", data 1)");
        }
        assertThat(lines.get(11)).isEqualTo("poll(drained ringbuf) = 0");
        assertThat(r.stderr()).doesNotContain("nanosleep");
        assertThat(emu("run", "bpf_epoll.elf").stdout()).isEqualTo(r.stdout());
    }

    /**
     * libbpf's own consumer protocol over an mmap'ed ringbuf (issue 15): the timer program's
     * records appear in the shared pages, each commit wakes the epoll_wait on the map fd (the
     * consumer had caught up, as it published in the consumer page), and the consumer position
     * ends equal to the producer position.
     */
    @Test
    void libbpfsMmapConsumerReadsTheTimerProgramsRecords() throws Exception {
        EmuCli.Result r = emu("run", "bpf_ringbuf_mmap.elf");
        List<String> lines = r.stdout().lines().toList();
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(lines.subList(0, 2)).containsExactly("ringbuf mapped", "program attached");
        for (int i = 1; i <= 6; i++) {
            assertThat(lines.get(1 + i)).isEqualTo("Event received: #" + i + " t=" + (i * 30_000_000L)
                    + " (len 16, epoll wake-up " + i + ")");
        }
        assertThat(lines.get(8)).isEqualTo("consumer_pos = producer_pos: yes");
    }

    @Test
    void expectPassesOnTheShippedExpectationFile() throws Exception {
        Path expect = DifferentialTest.imagesDir().getParent().resolve("bpf_loader.expect");
        EmuCli.Result r = emu("run", "--expect", expect.toString(), "bpf_loader.elf");
        assertThat(r.status()).as(r.stderr()).isZero();
    }

    @Test
    void expectMismatchExitsThreeWithAReadableDiff() throws Exception {
        Path expect = Files.writeString(tmp.resolve("bad.expect"), """
                line map created
                at-least 11 /Event received/
                never /Event received: #3 /
                line no such line
                """);
        EmuCli.Result r = emu("run", "--expect", expect.toString(), "bpf_loader.elf");
        assertThat(r.status()).isEqualTo(3);
        assertThat(r.stderr()).contains("does not match").contains("bad.expect:2: at-least 11 /Event received/: found 10")
                .contains("bad.expect:3: never").contains("Event received: #3 t=30000000")
                .contains("bad.expect:4: missing (in order");
        Path malformed = Files.writeString(tmp.resolve("malformed.expect"), "sometimes /x/\n");
        assertThat(emu("run", "--expect", malformed.toString(), "bpf_loader.elf").status()).isEqualTo(2);
    }
}
