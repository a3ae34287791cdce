package dev.emu.kernel.poll;

import static dev.emu.abi.PollEvents.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.EventFd;
import dev.emu.kernel.fs.Pipe;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.testing.Tasks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An epoll instance without Unicorn: items, the ready list, triggering modes, nesting, release. */
class EpollFileTest {
    private static final long EVENTS = 0x10_0000;
    private final Scheduler s = new Scheduler();
    private final Task t = Tasks.task(1);
    private final EpollFile ep = new EpollFile(s, 2);
    private final Pipe pipe = new Pipe(s, 1, 0);

    EpollFileTest() {
        t.memory().map(EVENTS, 4096, Prot.READ | Prot.WRITE);
    }

    /** Collects up to {@code max} events as "data:events" strings. */
    private List<String> collect(EpollFile e, int max) {
        long n = e.collect(t, EVENTS, max);
        ByteBuffer b = ByteBuffer.wrap(t.memory().read(EVENTS, (int) n * EpollFile.EVENT_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int events = b.getInt();
            long data = b.getLong();
            out.add(data + ":" + Integer.toHexString(events));
        }
        return out;
    }

    private void write(int n) {
        pipe.writeEnd().write(t, new byte[n], 0, n);
    }

    @Test
    void levelTriggeredReportsWhileReadyAndEdgeTriggeredOncePerWakeUp() {
        EpollFile et = new EpollFile(s, 2);
        assertThat(ep.add(t, pipe.readEnd(), 3, POLLIN, 10)).isZero();
        assertThat(et.add(t, pipe.readEnd(), 3, POLLIN | EpollFile.EPOLLET, 20)).isZero();
        assertThat(collect(ep, 8)).isEmpty();
        write(1);
        assertThat(collect(ep, 8)).containsExactly("10:1");
        assertThat(collect(ep, 8)).containsExactly("10:1");
        assertThat(collect(et, 8)).containsExactly("20:1");
        assertThat(collect(et, 8)).isEmpty();
        write(1);
        assertThat(collect(et, 8)).containsExactly("20:1");
    }

    @Test
    void oneShotFiresOnceUntilModified() {
        ep.add(t, pipe.readEnd(), 3, POLLIN | EpollFile.EPOLLONESHOT, 1);
        write(1);
        assertThat(collect(ep, 8)).containsExactly("1:1");
        write(1);
        assertThat(collect(ep, 8)).isEmpty();
        assertThat(ep.modify(t, pipe.readEnd(), 3, POLLIN | EpollFile.EPOLLONESHOT, 2)).isZero();
        assertThat(collect(ep, 8)).containsExactly("2:1");
    }

    @Test
    void theInterestListIsKeyedByFileAndFd() {
        assertThat(ep.add(t, pipe.readEnd(), 3, POLLIN, 1)).isZero();
        assertThat(ep.add(t, pipe.readEnd(), 3, POLLIN, 1)).isEqualTo(Errno.EEXIST.ret());
        assertThat(ep.add(t, pipe.readEnd(), 4, POLLIN, 2)).isZero();
        assertThat(ep.remove(pipe.readEnd(), 5)).isEqualTo(Errno.ENOENT.ret());
        assertThat(ep.modify(t, pipe.writeEnd(), 3, POLLIN, 0)).isEqualTo(Errno.ENOENT.ret());
        write(1);
        assertThat(collect(ep, 8)).containsExactly("1:1", "2:1");
        assertThat(ep.remove(pipe.readEnd(), 3)).isZero();
        assertThat(collect(ep, 8)).containsExactly("2:1");
    }

    @Test
    void levelTriggeredItemsTakeTurnsWhenMaxEventsIsSmall() {
        EventFd a = new EventFd(s, 1, 0), b = new EventFd(s, 1, 0);
        ep.add(t, a, 5, POLLIN, 5);
        ep.add(t, b, 6, POLLIN, 6);
        assertThat(collect(ep, 1)).containsExactly("5:1");
        assertThat(collect(ep, 1)).containsExactly("6:1");
        assertThat(collect(ep, 1)).containsExactly("5:1");
    }

    @Test
    void releasingTheWatchedFileDropsItsItem() {
        EventFd e = new EventFd(s, 1, 0);
        ep.add(t, e, 5, POLLIN, 5);
        e.release();
        assertThat(collect(ep, 8)).isEmpty();
        assertThat(ep.remove(e, 5)).isEqualTo(Errno.ENOENT.ret());
    }

    @Test
    void aWriteWakesATaskWaitingInEpollWait() {
        ep.add(t, pipe.readEnd(), 3, POLLIN, 1);
        PollWait w = new PollWait(t);
        w.wait(ep.waitQueue());
        w.park(Long.MAX_VALUE, "epoll_wait");
        s.put(t);
        pipe.writeEnd().write(Tasks.task(2), new byte[1], 0, 1);
        assertThat(t.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(ep.eventsAvailable()).isTrue();
    }

    @Test
    void anOuterEpollSeesTheInnerOneReadyAndLoopsAreRefused() {
        EpollFile outer = new EpollFile(s, 2);
        ep.add(t, pipe.readEnd(), 3, POLLIN, 1);
        assertThat(outer.add(t, ep, 7, POLLIN, 9)).isZero();
        assertThat(collect(outer, 8)).isEmpty();
        write(1);
        assertThat(collect(outer, 8)).containsExactly("9:1");
        assertThat(ep.wouldLoop(outer)).isTrue();
        EpollFile[] chain = new EpollFile[6];
        chain[0] = new EpollFile(s, 2);
        for (int i = 1; i < chain.length; i++) {
            chain[i] = new EpollFile(s, 2);
            boolean loops = chain[i].wouldLoop(chain[i - 1]);
            assertThat(loops).as("chain of %d epolls", i + 1).isEqualTo(i + 1 > EpollFile.EP_MAX_NESTS + 1);
            if (!loops) {
                chain[i].add(t, chain[i - 1], i, POLLIN, i);
            }
        }
    }

    @Test
    void theEpollFdIsPollable() {
        ep.add(t, pipe.readEnd(), 3, POLLIN, 1);
        assertThat(ep.poll(t, PollTable.NONE)).isZero();
        write(1);
        assertThat(ep.poll(t, PollTable.NONE)).isEqualTo(POLLIN | POLLRDNORM);
        pipe.readEnd().read(t, new byte[1], 0, 1);
        assertThat(ep.poll(t, PollTable.NONE)).as("an item whose events went away leaves the ready list").isZero();
    }

    @Test
    void itemsAreChargedToTheGuestsMemoryUntilTheyGo() {
        var memory = new dev.emu.kernel.limits.MemoryAccountant(2 * EpollFile.ITEM_COST, 2 * EpollFile.ITEM_COST);
        EpollFile charged = new EpollFile(s, memory, 2);
        EventFd a = new EventFd(s, 0, 0), b = new EventFd(s, 0, 0), c = new EventFd(s, 0, 0);
        assertThat(charged.add(t, a, 1, POLLIN, 1)).isZero();
        assertThat(charged.add(t, b, 2, POLLIN, 2)).isZero();
        assertThat(charged.add(t, c, 3, POLLIN, 3)).as("past max_user_watches").isEqualTo(Errno.ENOSPC.ret());
        a.release();
        assertThat(memory.charged()).isEqualTo(EpollFile.ITEM_COST);
        charged.release();
        assertThat(memory.charged()).isZero();
    }
}
