package dev.emu.kernel.poll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.testing.Tasks;
import org.junit.jupiter.api.Test;

/** One task parked on several wait queues at once (poll_wqueues), next to single-queue parking. */
class PollWaitTest {
    private final Scheduler s = new Scheduler();
    private final WaitQueue a = new WaitQueue("a");
    private final WaitQueue b = new WaitQueue("b");

    private PollWait parkOnBoth(Task t, long deadline) {
        PollWait w = new PollWait(t);
        w.wait(a);
        w.wait(b);
        w.park(deadline, "poll");
        s.put(t);
        return w;
    }

    @Test
    void theFirstQueueToWakeWakesTheTaskAndTheOtherEntriesGoStale() {
        Task t = Tasks.task(1);
        parkOnBoth(t, Long.MAX_VALUE);
        assertThat(t.state()).isEqualTo(TaskState.BLOCKED);
        b.wakeAll(s);
        assertThat(t.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(s.next()).isSameAs(t);
        assertThat(a.isEmpty()).as("a's entry left with the wake-up through b").isTrue();
        assertThat(b.isEmpty()).isTrue();
    }

    @Test
    void aTaskParkedOnSeveralQueuesStillTimesOutAtItsDeadline() {
        Task t = Tasks.task(1);
        parkOnBoth(t, 5_000);
        assertThat(s.nextDeadline()).isEqualTo(5_000);
        s.wakeExpired(4_999);
        assertThat(t.state()).isEqualTo(TaskState.BLOCKED);
        s.wakeExpired(5_000);
        assertThat(t.state()).isEqualTo(TaskState.RUNNABLE);
        a.wakeAll(s); // a late wake-up finds nobody
        assertThat(a.isEmpty()).isTrue();
    }

    @Test
    void wakeUpsRunInTheOrderTheWaitersCame() {
        Task first = Tasks.task(1), second = Tasks.task(2), third = Tasks.task(3);
        parkOnBoth(first, Long.MAX_VALUE);
        a.park(second);
        s.put(second);
        parkOnBoth(third, Long.MAX_VALUE);
        a.wakeAll(s);
        assertThat(s.next()).isSameAs(first);
        assertThat(s.next()).isSameAs(second);
        assertThat(s.next()).isSameAs(third);
    }

    @Test
    void aKeyTheFileWasNotPolledForDoesNotWake() {
        Task t = Tasks.task(1);
        PollWait w = new PollWait(t);
        w.interest(PollEvents.POLLIN | PollEvents.POLLERR | PollEvents.POLLHUP);
        w.wait(a);
        w.park(Long.MAX_VALUE, "poll");
        s.put(t);
        a.wake(s, PollEvents.POLLOUT | PollEvents.POLLWRNORM);
        assertThat(t.state()).isEqualTo(TaskState.BLOCKED);
        a.wake(s, PollEvents.POLLIN);
        assertThat(t.state()).isEqualTo(TaskState.RUNNABLE);
    }

    @Test
    void finishLeavesEveryQueue() {
        Task t = Tasks.task(1);
        PollWait w = new PollWait(t);
        w.wait(a);
        w.wait(b);
        assertThat(a.isEmpty()).isFalse();
        w.finish();
        assertThat(a.isEmpty()).isTrue();
        assertThat(b.isEmpty()).isTrue();
    }

    @Test
    void aSignalEndsTheWaitWithEintrPastTheSyscallInsteadOfRestartingIt() {
        Task t = Tasks.task(1);
        t.cpu().set(Reg.RIP, 0x1000); // the dispatcher rewound RIP to the syscall instruction
        parkOnBoth(t, Long.MAX_VALUE);
        t.setRestartOnWake(true);
        t.setResumeState("progress");
        s.interrupt(t);
        assertThat(t.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(t.cpu().get(Reg.RAX)).isEqualTo(Errno.EINTR.ret());
        assertThat(t.cpu().get(Reg.RIP)).isEqualTo(0x1002);
        assertThat(t.takeInterrupted()).as("signal delivery must not rewrite RAX").isFalse();
        assertThat(t.resumeState()).isNull();
    }
}
