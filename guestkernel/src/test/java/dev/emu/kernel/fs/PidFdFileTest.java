package dev.emu.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.PollEvents;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.testing.Tasks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pidfd is readable once its process exited and hung up once it was reaped (pidfd_poll). */
class PidFdFileTest {

    @Test
    void readableAtExitHungUpWhenReaped() {
        GuestProcess child = Tasks.process(7);
        Task poller = Tasks.task(1);
        PidFdFile f = new PidFdFile(child, 0);
        List<WaitQueue> queues = new ArrayList<>();
        assertThat(f.poll(poller, queues::add)).isZero();
        assertThat(queues).containsExactly(child.exitWaiters());
        child.markZombie();
        assertThat(f.poll(poller, q -> { })).isEqualTo(PollEvents.POLLIN | PollEvents.POLLRDNORM);
        child.markReaped();
        assertThat(f.poll(poller, q -> { }) & PollEvents.POLLHUP).isNotZero();
        assertThat(f.describe()).isEqualTo("anon_inode:[pidfd]");
    }
}
