package dev.emu.kernel.fs;

import static dev.emu.abi.PollEvents.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.poll.PollWait;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.testing.Tasks;
import org.junit.jupiter.api.Test;

/** Eventfd and timerfd without Unicorn; pipe capacity and readiness. */
class EventFilesTest {
    private final Scheduler s = new Scheduler();
    private final Task t = Tasks.task(1);
    private final byte[] b = new byte[8];

    private long value() {
        return EventFd.getLong(b, 0);
    }

    private long write(File f, long v) {
        EventFd.putLong(b, 0, v);
        return f.write(t, b, 0, 8);
    }

    @Test
    void eventfdCountsAndOverflowsAsLinux() {
        EventFd e = new EventFd(s, 0, EventFd.EFD_NONBLOCK);
        assertThat(e.read(t, b, 0, 8)).isEqualTo(Errno.EAGAIN.ret());
        assertThat(e.poll(t, PollTable.NONE)).isEqualTo(POLLOUT);
        assertThat(write(e, 2)).isEqualTo(8);
        assertThat(write(e, 3)).isEqualTo(8);
        assertThat(e.read(t, b, 0, 7)).isEqualTo(Errno.EINVAL.ret());
        assertThat(e.write(t, new byte[16], 0, 16)).as("a write is exactly 8 bytes").isEqualTo(Errno.EINVAL.ret());
        assertThat(e.read(t, b, 0, 8)).isEqualTo(8);
        assertThat(value()).isEqualTo(5);
        assertThat(write(e, -1L)).as("ULLONG_MAX").isEqualTo(Errno.EINVAL.ret());
        assertThat(write(e, -2L)).isEqualTo(8);
        assertThat(e.poll(t, PollTable.NONE)).isEqualTo(POLLIN);
        assertThat(write(e, 1)).isEqualTo(Errno.EAGAIN.ret());
    }

    @Test
    void aSemaphoreEventfdHandsOutOnes() {
        EventFd e = new EventFd(s, 2, EventFd.EFD_SEMAPHORE);
        assertThat(e.read(t, b, 0, 8)).isEqualTo(8);
        assertThat(value()).isEqualTo(1);
        assertThat(e.read(t, b, 0, 8)).isEqualTo(8);
        assertThat(e.read(t, b, 0, 8)).isEqualTo(SyscallResults.RESTART);
        assertThat(t.state()).isEqualTo(TaskState.BLOCKED);
        s.put(t);
        write(new EventFd(s, 0, 0), 0); // another file: no effect
        assertThat(t.state()).isEqualTo(TaskState.BLOCKED);
        EventFd.putLong(b, 0, 4);
        e.write(Tasks.task(2), b, 0, 8);
        assertThat(t.state()).isEqualTo(TaskState.RUNNABLE);
    }

    @Test
    void aTimerfdCountsEveryExpiryAndTellsPollersWhenTheNextComes() {
        long[] now = {1_000};
        TimerFd tf = new TimerFd(s, () -> now[0], 1, TimerFd.TFD_NONBLOCK);
        assertThat(tf.read(t, b, 0, 8)).isEqualTo(Errno.EAGAIN.ret());
        long[] old = new long[2];
        tf.set(1_500, 100, old);
        assertThat(old).containsExactly(0, 0);
        long[] wakeAt = {0};
        PollTable table = new PollTable() {
            @Override
            public void wait(dev.emu.kernel.sched.WaitQueue queue) {}

            @Override
            public void wakeAt(long nanos) {
                wakeAt[0] = nanos;
            }
        };
        assertThat(tf.poll(t, table)).isZero();
        assertThat(wakeAt[0]).isEqualTo(1_500);
        now[0] = 1_750;
        assertThat(tf.poll(t, table)).isEqualTo(POLLIN);
        assertThat(tf.read(t, b, 0, 8)).isEqualTo(8);
        assertThat(value()).as("1500, 1600, 1700").isEqualTo(3);
        long[] cur = new long[2];
        tf.get(cur);
        assertThat(cur).containsExactly(50, 100);
        tf.set(Long.MAX_VALUE, 0, old);
        assertThat(old).containsExactly(50, 100);
        now[0] = 10_000;
        assertThat(tf.read(t, b, 0, 8)).isEqualTo(Errno.EAGAIN.ret());
    }

    @Test
    void aBlockingTimerfdReadSleepsUntilTheExpiry() {
        long[] now = {0};
        TimerFd tf = new TimerFd(s, () -> now[0], 1, 0);
        tf.set(5_000, 0, new long[2]);
        assertThat(tf.read(t, b, 0, 8)).isEqualTo(SyscallResults.RESTART);
        assertThat(t.wakeDeadline()).isEqualTo(5_000);
    }

    @Test
    void pipeSizesRoundToPowersOfTwoPagesAndRefuseWhatDoesNotFit() {
        Pipe p = new Pipe(s, 1, Pipe.O_NONBLOCK);
        assertThat(p.capacity()).isEqualTo(65536);
        assertThat(p.resize(5000)).isEqualTo(8192);
        assertThat(p.resize(0)).isEqualTo(4096);
        assertThat(p.resize(1 << 20)).isEqualTo(1 << 20);
        assertThat(p.resize((1 << 20) + 1)).as("past pipe-max-size without CAP_SYS_RESOURCE").isEqualTo(Errno.EPERM.ret());
        assertThat(p.resize((1L << 31) + 1)).isEqualTo(Errno.EINVAL.ret());
        p.resize(65536);
        byte[] big = new byte[70_000];
        assertThat(p.writeEnd().write(t, big, 0, big.length)).isEqualTo(65536);
        assertThat(p.resize(4096)).isEqualTo(Errno.EBUSY.ret());
        assertThat(p.writeEnd().poll(t, PollTable.NONE)).isZero();
        assertThat(p.resize(131072)).isEqualTo(131072);
        assertThat(p.writeEnd().poll(t, PollTable.NONE)).isEqualTo(POLLOUT | POLLWRNORM);
        assertThat(p.readEnd().poll(t, PollTable.NONE)).isEqualTo(POLLIN | POLLRDNORM);
        byte[] back = new byte[70_000];
        assertThat(p.readEnd().read(t, back, 0, back.length)).as("the data survived the resize").isEqualTo(65536);
    }

    @Test
    void pipeEndsReportHangUpAndErrorAsPipePoll() {
        Pipe p = new Pipe(s, 1, 0);
        PollWait w = new PollWait(t);
        assertThat(p.readEnd().poll(t, w)).isZero();
        w.park(Long.MAX_VALUE, "poll");
        s.put(t);
        p.writeEnd().release();
        assertThat(t.state()).as("the last writer's close wakes pollers").isEqualTo(TaskState.RUNNABLE);
        assertThat(p.readEnd().poll(t, PollTable.NONE)).isEqualTo(POLLHUP);
        Pipe q = new Pipe(s, 2, 0);
        q.readEnd().release();
        assertThat(q.writeEnd().poll(t, PollTable.NONE)).isEqualTo(POLLOUT | POLLWRNORM | POLLERR);
    }
}
