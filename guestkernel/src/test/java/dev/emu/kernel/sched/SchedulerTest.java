package dev.emu.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.testing.Tasks;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    private final Scheduler s = new Scheduler();

    @Test
    void roundRobinPutsARunnableTaskAtTheTail() {
        Task a = Tasks.task(1), b = Tasks.task(2), c = Tasks.task(3);
        s.enqueue(a);
        s.enqueue(b);
        s.enqueue(c);
        Task first = s.next();
        s.put(first);
        assertThat(first).isSameAs(a);
        assertThat(s.next()).isSameAs(b);
        assertThat(s.next()).isSameAs(c);
        assertThat(s.next()).isSameAs(a);
        assertThat(s.next()).isNull();
    }

    @Test
    void blockedTasksWaitForTheirDeadlineAndGetTheTimeoutResult() {
        Task a = Tasks.task(1);
        a.blockOn(new Object(), 1_000, "test", -110L);
        s.put(a);
        assertThat(s.next()).isNull();
        assertThat(s.nextDeadline()).isEqualTo(1_000);
        s.wakeExpired(999);
        assertThat(a.state()).isEqualTo(TaskState.BLOCKED);
        s.wakeExpired(1_000);
        assertThat(a.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(a.cpu().get(Reg.RAX)).isEqualTo(-110L);
        assertThat(s.next()).isSameAs(a);
    }

    @Test
    void wakeQueuesAtOnceAndInterruptMarksTheSyscall() {
        Task a = Tasks.task(1), b = Tasks.task(2);
        WaitQueue q = new WaitQueue("q");
        q.park(a);
        s.put(a);
        b.block(Long.MAX_VALUE, "pause");
        s.put(b);
        assertThat(s.blockedTasks()).containsExactly(a, b);
        q.wakeAll(s);
        assertThat(s.next()).isSameAs(a);
        assertThat(a.takeInterrupted()).isFalse();
        s.interrupt(b);
        assertThat(s.next()).isSameAs(b);
        assertThat(b.takeInterrupted()).isTrue();
        assertThat(s.blockedTasks()).isEmpty();
    }

    @Test
    void aWaitQueueIgnoresTasksThatLeftIt() {
        Task a = Tasks.task(1);
        WaitQueue q = new WaitQueue("q");
        q.park(a, 10);
        s.put(a);
        s.wakeExpired(10); // timed out: no longer on q
        assertThat(q.isEmpty()).isTrue();
        a.block(Long.MAX_VALUE, "other");
        q.wakeAll(s);
        assertThat(a.state()).isEqualTo(TaskState.BLOCKED);
    }
}
