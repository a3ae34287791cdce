package dev.emu.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.syscall.SyscallResults;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The CPU budget of BPF as a guest sees it: the largest program Linux accepts (1M instructions)
 * loads and runs in seconds, a loop the verifier cannot finish in 1M processed instructions is
 * E2BIG with Linux's message, and a PROG_TEST_RUN with a huge repeat count yields at every due
 * tick (so the kernel goes on) and ends with -EINTR once a signal handler ran.
 */
class CpuBudgetTest {
    private final BpfHarness h = new BpfHarness();
    private static final long CODE = 0x1000_0000L;
    private static final long LOG = 0x2000_0000L;
    /** Level 1 logs every processed instruction: room for the verifier's whole (rotated, 8 MiB) log. */
    private static final int LOG_SIZE = 1 << 25;
    private static final long LICENSE = BpfHarness.MEM + 0x2000;

    private static void insn(ByteBuffer b, int op, int regs, int off, int imm) {
        b.put((byte) op).put((byte) regs).putShort((short) off).putInt(imm);
    }

    private long load(ByteBuffer code, int n, boolean log) {
        h.space.map(CODE, (n * 8L + 4095) & ~4095L, Prot.READ | Prot.WRITE);
        h.space.write(CODE, code.array());
        h.space.write(LICENSE, "GPL\0".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.PROG_TYPE, EmuBpfExtensions.BPF_PROG_TYPE_EMU_TIMER)
                .putInt(BpfAttr.INSN_CNT, n).putLong(BpfAttr.INSNS, CODE).putLong(BpfAttr.LICENSE, LICENSE);
        if (log) {
            h.space.map(LOG, LOG_SIZE, Prot.READ | Prot.WRITE);
            a.putInt(BpfAttr.LOG_LEVEL, 1).putInt(BpfAttr.LOG_SIZE, LOG_SIZE).putLong(BpfAttr.LOG_BUF, LOG);
        }
        return h.bpf(BpfCommand.PROG_LOAD, a.array());
    }

    /** r1 = 0; loop: r1 += 1; if r1 < iterations goto loop; r0 = 7; exit. */
    private long loadLoop(int iterations, boolean log) {
        ByteBuffer b = ByteBuffer.allocate(5 * 8).order(ByteOrder.LITTLE_ENDIAN);
        insn(b, 0xb7, 0x01, 0, 0);
        insn(b, 0x07, 0x01, 0, 1);
        insn(b, 0xa5, 0x01, -2, iterations);
        insn(b, 0xb7, 0x00, 0, 7);
        insn(b, 0x95, 0, 0, 0);
        return load(b, 5, log);
    }

    private long testRun(long fd, long repeat) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.TEST_PROG_FD, (int) fd).putInt(BpfAttr.TEST_REPEAT, (int) repeat);
        h.space.write(BpfHarness.MEM, a.array());
        long r = h.bpf(BpfCommand.PROG_TEST_RUN, BpfHarness.MEM, a.array().length);
        return r == 0 ? h.space.readInt(BpfHarness.MEM + BpfAttr.TEST_RETVAL) : r;
    }

    @Test
    void aMillionInstructionProgramLoadsAndRunsPromptly() {
        int n = 1_000_000; // BPF_COMPLEXITY_LIMIT_INSNS: the most bpf_prog_load accepts from root
        ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n - 1; i++) {
            insn(b, 0xb7, 0x00, 0, i); // r0 = i
        }
        insn(b, 0x95, 0, 0, 0);
        long start = System.nanoTime();
        long fd = load(b, n, false);
        assertThat(fd).as("processed exactly 1M instructions: within Linux's limit").isNotNegative();
        assertThat(testRun(fd, 3)).isEqualTo(n - 2);
        assertThat((System.nanoTime() - start) / 1e9).as("seconds to load and run").isLessThan(30);
    }

    @Test
    void aLoopBeyondTheComplexityLimitIsE2bigWithLinuxsMessage() {
        long start = System.nanoTime();
        assertThat(loadLoop(10_000_000, true)).isEqualTo(Errno.E2BIG.ret());
        assertThat((System.nanoTime() - start) / 1e9).as("seconds to refuse").isLessThan(30);
        String log = new String(h.space.read(LOG, LOG_SIZE), StandardCharsets.US_ASCII);
        assertThat(log).contains("BPF program is too large. Processed 1000001 insn\n")
                .contains("processed 1000001 insns (limit 1000000)");
    }

    @Test
    void aRepeatedTestRunChargesVirtualTimeAndFinishesWithinOneTick() {
        long fd = loadLoop(100, false); // 2 + 2 * 100 + 1 = ... 1 + 2 * 100 + 2 = 203 instructions
        long before = h.kernel.clock().nanos();
        assertThat(testRun(fd, 1000)).isEqualTo(7);
        long charged = h.kernel.clock().nanos() - before;
        assertThat(charged).isEqualTo(1000 * (203 * ProgCommands.NANOS_PER_INSN + ProgCommands.NANOS_PER_REPEAT));
    }

    @Test
    void aHugeRepeatYieldsAtEachDueTickAndResumesWhereItStopped() {
        long fd = loadLoop(100_000, false); // 200,003 instructions a run: a tick (10 ms) every 50 runs
        long start = System.nanoTime();
        assertThat(testRun(fd, 0xffff_ffffL)).isEqualTo(SyscallResults.RESTART);
        assertThat((System.nanoTime() - start) / 1e9).as("seconds before the first yield").isLessThan(10);
        assertThat(h.task.resumeState()).isInstanceOf(ProgCommands.TestRunProgress.class);
        long done = ((ProgCommands.TestRunProgress) h.task.resumeState()).done();
        assertThat(done).isBetween(40L, 60L);
        assertThat(h.kernel.rescheduleRequested()).isTrue();
        // The harness never runs the tick, so every re-execution yields again after one more run.
        assertThat(testRun(fd, 0xffff_ffffL)).isEqualTo(SyscallResults.RESTART);
        assertThat(((ProgCommands.TestRunProgress) h.task.resumeState()).done()).isEqualTo(done + 1);
    }

    @Test
    void aSignalHandlerThatRanWhileTheTestRunWasYieldedEndsItWithEintr() {
        long fd = loadLoop(100_000, false);
        assertThat(testRun(fd, 0xffff_ffffL)).isEqualTo(SyscallResults.RESTART);
        h.task.countHandlerFrame(); // what signal delivery does before the syscall re-executes
        assertThat(testRun(fd, 0xffff_ffffL)).isEqualTo(Errno.EINTR.ret());
        assertThat(h.task.resumeState()).isNull();
    }
}
