package dev.emu.kernel.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.testing.Tasks;
import org.junit.jupiter.api.Test;

class FutexesTest {
    private final Scheduler s = new Scheduler();
    private final Futexes f = new Futexes();
    private final GuestProcess p = Tasks.process(1);
    private final Object mm = p.mm();

    private Task parked(int tid, long addr, int bitset, long deadline) {
        Task t = Tasks.task(p, tid);
        f.park(t, mm, addr, bitset, deadline, -110);
        s.put(t);
        return t;
    }

    @Test
    void wakeIsFifoAndCounted() {
        Task a = parked(1, 0x1000, Futexes.MATCH_ANY, Long.MAX_VALUE);
        Task b = parked(2, 0x1000, Futexes.MATCH_ANY, Long.MAX_VALUE);
        Task c = parked(3, 0x1000, Futexes.MATCH_ANY, Long.MAX_VALUE);
        assertThat(f.wake(s, mm, 0x1000, 2, Futexes.MATCH_ANY)).isEqualTo(2);
        assertThat(s.next()).isSameAs(a);
        assertThat(s.next()).isSameAs(b);
        assertThat(c.state()).isEqualTo(TaskState.BLOCKED);
        assertThat(f.wake(s, mm, 0x2000, 1, Futexes.MATCH_ANY)).isZero();
        assertThat(f.waiters(mm, 0x1000)).isEqualTo(1);
    }

    @Test
    void bitsetsSelectWaiters() {
        Task a = parked(1, 0x1000, 0b01, Long.MAX_VALUE);
        Task b = parked(2, 0x1000, 0b10, Long.MAX_VALUE);
        assertThat(f.wake(s, mm, 0x1000, 10, 0b10)).isEqualTo(1);
        assertThat(b.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(a.state()).isEqualTo(TaskState.BLOCKED);
    }

    @Test
    void aTimedOutWaiterReturnsEtimedoutAndIsNotWokenAgain() {
        Task a = parked(1, 0x1000, Futexes.MATCH_ANY, 500);
        Task b = parked(2, 0x1000, Futexes.MATCH_ANY, Long.MAX_VALUE);
        s.wakeExpired(500);
        assertThat(a.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(a.cpu().get(Reg.RAX)).isEqualTo(-110);
        assertThat(f.wake(s, mm, 0x1000, 1, Futexes.MATCH_ANY)).isEqualTo(1);
        assertThat(b.state()).isEqualTo(TaskState.RUNNABLE);
    }

    @Test
    void requeueMovesTheRestToTheSecondFutex() {
        parked(1, 0x1000, Futexes.MATCH_ANY, Long.MAX_VALUE);
        Task b = parked(2, 0x1000, Futexes.MATCH_ANY, Long.MAX_VALUE);
        Task c = parked(3, 0x1000, Futexes.MATCH_ANY, Long.MAX_VALUE);
        assertThat(f.requeue(s, mm, 0x1000, 1, 0x2000, 1)).isEqualTo(2);
        assertThat(f.waiters(mm, 0x1000)).isEqualTo(1);
        assertThat(f.waiters(mm, 0x2000)).isEqualTo(1);
        f.wake(s, mm, 0x2000, 1, Futexes.MATCH_ANY);
        assertThat(b.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(c.state()).isEqualTo(TaskState.BLOCKED);
    }

    @Test
    void keysAreSeparatedByAddressSpace() {
        parked(1, 0x1000, Futexes.MATCH_ANY, Long.MAX_VALUE);
        assertThat(f.wake(s, new Object(), 0x1000, 1, Futexes.MATCH_ANY)).isZero();
    }
}
