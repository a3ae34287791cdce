package dev.emu.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.bpf.map.RingBuf;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.TaskState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** bpf(2) called directly on a kernel with a fake address space. */
class SysBpfTest {
    private final BpfHarness h = new BpfHarness();
    private static final long BUF = BpfHarness.MEM + 0x1000;
    private static final long UNMAPPED = 0x1000;

    private long createMap(int type, int key, int value, int max) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.MAP_TYPE, type).putInt(BpfAttr.KEY_SIZE, key)
                .putInt(BpfAttr.VALUE_SIZE, value).putInt(BpfAttr.MAX_ENTRIES, max);
        return h.bpf(BpfCommand.MAP_CREATE, a.array());
    }

    private RingBuf ring(long fd) {
        return (RingBuf) ((BpfMapFile) h.task.process().fds().get(fd)).map().map();
    }

    private long poll(long fd, int flags, long buf, int size, long timeout) {
        ByteBuffer a = ByteBuffer.allocate(EmuBpfExtensions.POLL_ATTR_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(EmuBpfExtensions.POLL_MAP_FD, (int) fd).putInt(EmuBpfExtensions.POLL_FLAGS, flags)
                .putLong(EmuBpfExtensions.POLL_BUF, buf).putInt(EmuBpfExtensions.POLL_BUF_SIZE, size)
                .putLong(EmuBpfExtensions.POLL_TIMEOUT_NS, timeout);
        return h.bpf(EmuBpfExtensions.BPF_EMU_RINGBUF_POLL, a.array());
    }

    private int needed() {
        return h.space.readInt(BpfHarness.MEM + EmuBpfExtensions.POLL_NEEDED);
    }

    @Test
    void attrSizeHandlingFollowsLinux() {
        assertThat(h.bpf(BpfCommand.MAP_CREATE, BpfHarness.MEM, 4097)).isEqualTo(Errno.E2BIG.ret());
        byte[] big = new byte[200];
        big[150] = 1;
        assertThat(h.bpf(BpfCommand.MAP_CREATE, big)).isEqualTo(Errno.E2BIG.ret());
        ByteBuffer a = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN).putInt(0, BpfMapType.ARRAY)
                .putInt(4, 4).putInt(8, 8).putInt(12, 1);
        assertThat(h.bpf(BpfCommand.MAP_CREATE, a.array())).isGreaterThanOrEqualTo(0);
        assertThat(h.bpf(BpfCommand.MAP_CREATE, UNMAPPED, 144)).isEqualTo(Errno.EFAULT.ret());
        assertThat(h.bpf(999, new byte[144])).isEqualTo(Errno.EINVAL.ret());
        // OBJ_PIN of fd 0 (the map above) with a NULL pathname: the path copy faults, as on Linux.
        assertThat(h.bpf(BpfCommand.OBJ_PIN, new byte[144])).isEqualTo(Errno.EFAULT.ret());
    }

    @Test
    void arrayMapElementOpsAndInfo() {
        long fd = createMap(BpfMapType.ARRAY, 4, 8, 2);
        assertThat(fd).isEqualTo(0); // the harness task has no other fds
        h.space.writeInt(BUF, 1);
        h.space.writeLong(BUF + 8, 42);
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.ELEM_MAP_FD, (int) fd).putLong(BpfAttr.ELEM_KEY, BUF)
                .putLong(BpfAttr.ELEM_VALUE, BUF + 8);
        assertThat(h.bpf(BpfCommand.MAP_UPDATE_ELEM, a.array())).isZero();
        a.putLong(BpfAttr.ELEM_VALUE, BUF + 16);
        assertThat(h.bpf(BpfCommand.MAP_LOOKUP_ELEM, a.array())).isZero();
        assertThat(h.space.readLong(BUF + 16)).isEqualTo(42);
        a.putInt(BpfAttr.ELEM_MAP_FD, 77);
        assertThat(h.bpf(BpfCommand.MAP_LOOKUP_ELEM, a.array())).isEqualTo(Errno.EBADF.ret());

        ByteBuffer info = BpfHarness.attr().putInt(BpfAttr.INFO_BPF_FD, (int) fd)
                .putInt(BpfAttr.INFO_LEN, BpfAttr.MAP_INFO_SIZE).putLong(BpfAttr.INFO_PTR, BUF + 0x100);
        assertThat(h.bpf(BpfCommand.OBJ_GET_INFO_BY_FD, info.array())).isZero();
        assertThat(h.space.readInt(BUF + 0x100 + BpfAttr.MAP_INFO_TYPE)).isEqualTo(BpfMapType.ARRAY);
        assertThat(h.space.readInt(BUF + 0x100 + BpfAttr.MAP_INFO_ID)).isEqualTo(1);
        assertThat(h.space.readInt(BUF + 0x100 + BpfAttr.MAP_INFO_MAX_ENTRIES)).isEqualTo(2);
        assertThat(h.space.readInt(BpfHarness.MEM + BpfAttr.INFO_LEN)).isEqualTo(BpfAttr.MAP_INFO_SIZE);

        ByteBuffer byId = BpfHarness.attr().putInt(BpfAttr.BY_ID_ID, 1);
        assertThat(h.bpf(BpfCommand.MAP_GET_FD_BY_ID, byId.array())).isEqualTo(1);
        byId.putInt(BpfAttr.BY_ID_ID, 99);
        assertThat(h.bpf(BpfCommand.MAP_GET_FD_BY_ID, byId.array())).isEqualTo(Errno.ENOENT.ret());
    }

    @Test
    void ringbufElementOpsAreEinval() {
        long fd = createMap(BpfMapType.RINGBUF, 0, 0, 4096);
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.ELEM_MAP_FD, (int) fd).putLong(BpfAttr.ELEM_KEY, BUF)
                .putLong(BpfAttr.ELEM_VALUE, BUF + 8);
        assertThat(h.bpf(BpfCommand.MAP_LOOKUP_ELEM, a.array())).isEqualTo(Errno.EINVAL.ret());
        assertThat(h.bpf(BpfCommand.MAP_UPDATE_ELEM, a.array())).isEqualTo(Errno.EINVAL.ret());
        // Linux: ringbuf_map_get_next_key returns the internal ENOTSUPP (524) to user space.
        assertThat(h.bpf(BpfCommand.MAP_GET_NEXT_KEY, a.array())).isEqualTo(Errno.ENOTSUPP.ret());
        assertThat(createMap(BpfMapType.RINGBUF, 0, 0, 4095)).isEqualTo(Errno.EINVAL.ret());
    }

    @Test
    void pollCopiesRecordsInOrderAndReportsEachError() {
        long fd = createMap(BpfMapType.RINGBUF, 0, 0, 4096);
        RingBuf rb = ring(fd);
        assertThat(poll(fd, 0, BUF, 64, 0)).isZero();
        rb.output(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 0);
        rb.output(new byte[] {42}, 0);

        assertThat(poll(fd, 0, BUF, 4, 0)).isEqualTo(Errno.ENOSPC.ret());
        assertThat(needed()).isEqualTo(12);
        assertThat(poll(fd, 0, UNMAPPED, 64, 0)).isEqualTo(Errno.EFAULT.ret());
        assertThat(poll(fd, 0, BpfHarness.MEM + BpfHarness.MEM_SIZE - 4, 64, 0)).isEqualTo(Errno.EFAULT.ret());
        assertThat(poll(fd + 50, 0, BUF, 64, 0)).isEqualTo(Errno.EBADF.ret());
        assertThat(poll(fd, 4, BUF, 64, 0)).isEqualTo(Errno.EINVAL.ret());
        long array = createMap(BpfMapType.ARRAY, 4, 8, 1);
        assertThat(poll(array, 0, BUF, 64, 0)).isEqualTo(Errno.EINVAL.ret());

        assertThat(poll(fd, 0, BUF, 64, 0)).isEqualTo(12); // the record survived every error
        assertThat(h.space.read(BUF, 12)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(poll(fd, 0, BUF, 64, 0)).isEqualTo(1);
        assertThat(h.space.read(BUF, 1)).containsExactly(42);
        assertThat(poll(fd, 0, BUF, 64, 0)).isZero();
    }

    @Test
    void batchPollCopiesTheRecordsThatFitInLinuxsRingLayout() {
        long fd = createMap(BpfMapType.RINGBUF, 0, 0, 4096);
        RingBuf rb = ring(fd);
        int batch = EmuBpfExtensions.BPF_EMU_POLL_BATCH;
        rb.output(new byte[] {1, 2, 3}, 0);
        RingBuf.Record discarded = rb.reserve(8, 0);
        rb.discard(discarded, 0);
        rb.output(new byte[] {4, 5, 6, 7, 8, 9, 10, 11, 12}, 0);
        rb.output(new byte[] {13}, 0);

        assertThat(poll(fd, batch, BUF, 8, 0)).isEqualTo(Errno.ENOSPC.ret());
        assertThat(needed()).isEqualTo(16); // header + 3 bytes padded to 8
        assertThat(poll(fd, batch, UNMAPPED, 64, 0)).isEqualTo(Errno.EFAULT.ret());
        // 16 + 24 = 40 bytes fit in 44; the third record (16 bytes) does not.
        assertThat(poll(fd, batch, BUF, 44, 0)).isEqualTo(40);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(h.space.read(BUF, 40)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(3);
        assertThat(new byte[] {b.get(8), b.get(9), b.get(10)}).containsExactly(1, 2, 3);
        assertThat(b.getInt(16)).as("the discarded record is skipped").isEqualTo(9);
        assertThat(b.get(24)).isEqualTo((byte) 4);
        assertThat(poll(fd, batch, BUF, 64, 0)).isEqualTo(16);
        assertThat(h.space.read(BUF + 8, 1)).containsExactly(13);
        assertThat(poll(fd, batch, BUF, 64, 0)).isZero();
    }

    @Test
    void pollSkipsDiscardedAndStopsAtBusy() {
        long fd = createMap(BpfMapType.RINGBUF, 0, 0, 4096);
        RingBuf rb = ring(fd);
        RingBuf.Record discarded = rb.reserve(8, 0);
        RingBuf.Record busy = rb.reserve(8, 0);
        rb.discard(discarded, 0);
        assertThat(poll(fd, 0, BUF, 64, 0)).isZero(); // stops at the busy one
        busy.sample()[0] = 7;
        rb.submit(busy, 0);
        assertThat(poll(fd, 0, BUF, 64, 0)).isEqualTo(8);
        assertThat(h.space.read(BUF, 1)).containsExactly(7);
    }

    @Test
    void blockingPollParksUntilACommitOrTheTimeout() {
        long fd = createMap(BpfMapType.RINGBUF, 0, 0, 4096);
        RingBuf rb = ring(fd);
        assertThat(poll(fd, EmuBpfExtensions.BPF_EMU_POLL_BLOCK, BUF, 64, 0)).isEqualTo(SyscallResults.RESTART);
        assertThat(h.task.state()).isEqualTo(TaskState.BLOCKED);
        assertThat(h.task.waitingFor()).contains("ringbuf poll");
        rb.output(new byte[] {9}, dev.emu.abi.bpf.BpfFlags.BPF_RB_NO_WAKEUP);
        assertThat(h.task.state()).as("NO_WAKEUP does not wake").isEqualTo(TaskState.BLOCKED);
        rb.output(new byte[] {10}, dev.emu.abi.bpf.BpfFlags.BPF_RB_FORCE_WAKEUP);
        assertThat(h.task.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(poll(fd, EmuBpfExtensions.BPF_EMU_POLL_BLOCK, BUF, 64, 0)).isEqualTo(1);

        // Adaptive: the consumer caught up, so the next commit wakes it.
        assertThat(poll(fd, 0, BUF, 64, 0)).isEqualTo(1);
        assertThat(poll(fd, EmuBpfExtensions.BPF_EMU_POLL_BLOCK, BUF, 64, 0)).isEqualTo(SyscallResults.RESTART);
        rb.output(new byte[] {11}, 0);
        assertThat(h.task.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(poll(fd, 0, BUF, 64, 0)).isEqualTo(1);

        // Timeout: the deadline is kept across restarts; once it has passed the poll returns 0.
        assertThat(poll(fd, EmuBpfExtensions.BPF_EMU_POLL_BLOCK, BUF, 64, 5_000_000)).isEqualTo(SyscallResults.RESTART);
        assertThat(h.task.wakeDeadline()).isEqualTo(h.kernel.clock().nanos() + 5_000_000);
    }

    /**
     * A ringbuf map fd under poll/epoll (bpf_map_poll, ringbuf_map_poll_kern): readable while
     * data is unconsumed; the ringbuf's wake-up rules decide whether a commit wakes the poller.
     */
    @Test
    void aRingbufMapFdIsReadableWithDataAndItsCommitsWakeAPollerByTheRingbufRules() {
        long fd = createMap(BpfMapType.RINGBUF, 0, 0, 4096);
        RingBuf rb = ring(fd);
        dev.emu.kernel.fs.File file = h.task.process().fds().get(fd);
        assertThat(file.pollable()).isTrue();
        assertThat(file.poll(h.task, dev.emu.kernel.poll.PollTable.NONE)).isZero();

        dev.emu.kernel.poll.PollWait w = new dev.emu.kernel.poll.PollWait(h.task);
        assertThat(file.poll(h.task, w)).isZero();
        w.park(Long.MAX_VALUE, "poll");
        rb.output(new byte[] {1}, dev.emu.abi.bpf.BpfFlags.BPF_RB_NO_WAKEUP);
        assertThat(h.task.state()).as("NO_WAKEUP does not wake").isEqualTo(TaskState.BLOCKED);
        assertThat(file.poll(h.task, dev.emu.kernel.poll.PollTable.NONE))
                .isEqualTo(dev.emu.abi.PollEvents.POLLIN | dev.emu.abi.PollEvents.POLLRDNORM);
        rb.output(new byte[] {2}, 0);
        assertThat(h.task.state()).as("adaptive: the consumer is behind, no wake-up").isEqualTo(TaskState.BLOCKED);
        rb.output(new byte[] {3}, dev.emu.abi.bpf.BpfFlags.BPF_RB_FORCE_WAKEUP);
        assertThat(h.task.state()).isEqualTo(TaskState.RUNNABLE);
        w.finish();

        for (int i = 0; i < 3; i++) {
            assertThat(poll(fd, 0, BUF, 64, 0)).isEqualTo(1);
        }
        assertThat(file.poll(h.task, dev.emu.kernel.poll.PollTable.NONE)).isZero();
        w = new dev.emu.kernel.poll.PollWait(h.task);
        file.poll(h.task, w);
        w.park(Long.MAX_VALUE, "poll");
        rb.output(new byte[] {4}, 0);
        assertThat(h.task.state()).as("adaptive: the consumer caught up, so the commit wakes").isEqualTo(TaskState.RUNNABLE);
        w.finish();

        long array = createMap(BpfMapType.ARRAY, 4, 8, 1);
        assertThat(h.task.process().fds().get(array).poll(h.task, dev.emu.kernel.poll.PollTable.NONE))
                .as("no map_poll").isEqualTo(dev.emu.abi.PollEvents.POLLERR);
    }

    @Test
    void closingTheLastFdReleasesTheMapAndItsId() {
        long fd = createMap(BpfMapType.ARRAY, 4, 8, 1);
        BpfSubsystem bpf = BpfSubsystem.of(h.kernel);
        assertThat(bpf.mapById(1)).isNotNull();
        var forked = h.task.process().fds().fork();
        h.task.process().fds().close(fd);
        assertThat(bpf.mapById(1)).as("the fork's fd still holds it").isNotNull();
        forked.closeAll();
        assertThat(bpf.mapById(1)).isNull();
        assertThat(bpf.liveObjects()).isZero();
    }

    @Test
    void progLoadChecksLogAttrsAndReportsLoadErrorsInTheLog() {
        // mov r0, 0 without an exit: the load checks refuse it (Linux: EINVAL, message in the log).
        h.space.write(BUF, new byte[] {(byte) 0xb7, 0, 0, 0, 0, 0, 0, 0});
        h.space.write(BUF + 0x100, "GPL\0".getBytes());
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.PROG_TYPE, EmuBpfExtensions.BPF_PROG_TYPE_EMU_TIMER)
                .putInt(BpfAttr.INSN_CNT, 1).putLong(BpfAttr.INSNS, BUF).putLong(BpfAttr.LICENSE, BUF + 0x100)
                .putInt(BpfAttr.LOG_LEVEL, 1).putInt(BpfAttr.LOG_SIZE, 64).putLong(BpfAttr.LOG_BUF, BUF + 0x200);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).as("log_size < 128").isEqualTo(Errno.EINVAL.ret());
        a.putInt(BpfAttr.LOG_SIZE, 4096);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).isEqualTo(Errno.EINVAL.ret());
        String log = new String(h.space.read(BUF + 0x200, 200)).split("\0")[0];
        assertThat(log).contains("instruction 0").contains("exit");
        a.putInt(BpfAttr.PROG_TYPE, 12345);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).isEqualTo(Errno.EINVAL.ret());
    }

    @Test
    void mapsAndProgramsAreChargedToTheGuestsMemoryWhileTheyLive() {
        var memory = h.kernel.memory();
        long before = memory.charged();
        long fd = createMap(BpfMapType.ARRAY, 4, 8, 1 << 20);
        assertThat(fd).isNotNegative();
        long map = memory.charged() - before;
        assertThat(map).as("1M entries of 8 bytes, with Java's per-element overhead").isGreaterThan(8L << 20);

        h.space.write(BUF, new byte[] {(byte) 0xb7, 0, 0, 0, 0, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0});
        h.space.write(BUF + 0x100, "GPL\0".getBytes());
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.PROG_TYPE, EmuBpfExtensions.BPF_PROG_TYPE_EMU_TIMER)
                .putInt(BpfAttr.INSN_CNT, 2).putLong(BpfAttr.INSNS, BUF).putLong(BpfAttr.LICENSE, BUF + 0x100);
        long prog = h.bpf(BpfCommand.PROG_LOAD, a.array());
        assertThat(prog).isNotNegative();
        assertThat(memory.charged()).isGreaterThan(before + map);

        h.task.process().fds().close(fd);
        h.task.process().fds().close(prog);
        assertThat(memory.charged()).isEqualTo(before);
        // 256 values of 4 MiB: more than the kernel's 1 GiB: ENOMEM, as a memory cgroup refuses it.
        assertThat(createMap(BpfMapType.ARRAY, 4, 4 << 20, 256)).isEqualTo(Errno.ENOMEM.ret());
        assertThat(memory.charged()).isEqualTo(before);
    }
}
