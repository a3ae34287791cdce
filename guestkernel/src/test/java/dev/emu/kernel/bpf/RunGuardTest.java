package dev.emu.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.kernel.sched.TickContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The kernel's runtime guard: a verified but slow timer program stops at the per-run instruction
 * budget, is reported once and detached; PROG_TEST_RUN of it is -EFAULT. The loop runs ~2,000
 * instructions and the test lowers the budget to 500 (the verifier bounds what a real program can
 * do far below the default 1,000,000, so the default cannot be hit without a huge program).
 */
class RunGuardTest {
    private final BpfHarness h = new BpfHarness();
    private static final long BUF = BpfHarness.MEM + 0x1000;

    /** r1 = 0; loop: r1 += 1; if r1 < 1000 goto loop; r0 = 7; exit. */
    private long loadLoop() {
        ByteBuffer code = ByteBuffer.allocate(5 * 8).order(ByteOrder.LITTLE_ENDIAN);
        code.put((byte) 0xb7).put((byte) 0x01).putShort((short) 0).putInt(0);
        code.put((byte) 0x07).put((byte) 0x01).putShort((short) 0).putInt(1);
        code.put((byte) 0xa5).put((byte) 0x01).putShort((short) -2).putInt(1000);
        code.put((byte) 0xb7).put((byte) 0x00).putShort((short) 0).putInt(7);
        code.put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0);
        h.space.write(BUF, code.array());
        h.space.write(BUF + 0x100, "GPL\0".getBytes());
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.PROG_TYPE, EmuBpfExtensions.BPF_PROG_TYPE_EMU_TIMER)
                .putInt(BpfAttr.INSN_CNT, 5).putLong(BpfAttr.INSNS, BUF).putLong(BpfAttr.LICENSE, BUF + 0x100);
        long fd = h.bpf(BpfCommand.PROG_LOAD, a.array());
        assertThat(fd).as("prog load").isNotNegative();
        return fd;
    }

    private long testRun(long fd) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.TEST_PROG_FD, (int) fd);
        long r = h.bpf(BpfCommand.PROG_TEST_RUN, a.array());
        return r == 0 ? h.space.readInt(BpfHarness.MEM + BpfAttr.TEST_RETVAL) : r;
    }

    @Test
    void defaultBudgetIsAMillionAndLetsBoundedLoopsFinish() {
        BpfSubsystem bpf = BpfSubsystem.of(h.kernel);
        assertThat(bpf.runBudget()).isEqualTo(1_000_000L);
        assertThat(testRun(loadLoop())).isEqualTo(7);
    }

    @Test
    void testRunBeyondTheBudgetIsEfault() {
        BpfSubsystem.of(h.kernel).setRunBudget(500);
        assertThat(testRun(loadLoop())).isEqualTo(Errno.EFAULT.ret());
        assertThat(h.serialText()).contains("instruction budget of 500 exhausted");
    }

    @Test
    void timerProgramBeyondTheBudgetIsReportedOnceAndDetached() {
        BpfSubsystem bpf = BpfSubsystem.of(h.kernel);
        bpf.setRunBudget(500);
        long fd = loadLoop();
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.ATTACH_BPF_FD, (int) fd)
                .putInt(BpfAttr.ATTACH_TYPE, EmuBpfExtensions.BPF_EMU_TIMER);
        assertThat(h.bpf(BpfCommand.PROG_ATTACH, a.array())).isZero();
        assertThat(bpf.timer().count()).isEqualTo(1);
        for (int tick = 1; tick <= 3; tick++) {
            bpf.timer().onTick(new TickContext(tick, tick * 4_000_000L, h.task, 0));
        }
        assertThat(bpf.timer().count()).isZero();
        String log = h.serialText();
        assertThat(log).containsOnlyOnce("instruction budget of 500 exhausted").contains("detached from the timer");
        ByteBuffer d = BpfHarness.attr().putInt(BpfAttr.ATTACH_BPF_FD, (int) fd)
                .putInt(BpfAttr.ATTACH_TYPE, EmuBpfExtensions.BPF_EMU_TIMER);
        assertThat(h.bpf(BpfCommand.PROG_DETACH, d.array())).isEqualTo(Errno.ENOENT.ret());
    }
}
