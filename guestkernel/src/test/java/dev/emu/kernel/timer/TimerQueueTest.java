package dev.emu.kernel.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel-clock timer queue fires in deadline order, ties in arming order, and re-arming works from an expiry. */
class TimerQueueTest {

    @Test
    void firesExpiredTimersInDeadlineThenArmingOrder() {
        TimerQueue q = new TimerQueue();
        List<String> fired = new ArrayList<>();
        KernelTimer a = new KernelTimer(now -> fired.add("a@" + now));
        KernelTimer b = new KernelTimer(now -> fired.add("b@" + now));
        KernelTimer c = new KernelTimer(now -> fired.add("c@" + now));
        q.arm(a, 300);
        q.arm(b, 100);
        q.arm(c, 100);
        assertThat(q.nextDeadline()).isEqualTo(100);
        q.runExpired(99);
        assertThat(fired).isEmpty();
        q.runExpired(200);
        assertThat(fired).containsExactly("b@200", "c@200");
        q.cancel(a);
        q.runExpired(1000);
        assertThat(fired).hasSize(2);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void aPeriodicTimerRearmsFromItsExpiry() {
        TimerQueue q = new TimerQueue();
        List<Long> fired = new ArrayList<>();
        KernelTimer[] t = new KernelTimer[1];
        t[0] = new KernelTimer(now -> {
            fired.add(now);
            long d = t[0].deadline();
            q.arm(t[0], d + Math.max(1, PosixTimer.forward(d, 10, now)) * 10);
        });
        q.arm(t[0], 10);
        q.runExpired(10);
        q.runExpired(35); // 20 and 30 passed: one expiry, the next deadline is 40
        assertThat(fired).containsExactly(10L, 35L);
        assertThat(q.nextDeadline()).isEqualTo(40);
    }

    @Test
    void forwardCountsThePeriodsToMovePastNow() {
        assertThat(PosixTimer.forward(100, 10, 99)).isZero();
        assertThat(PosixTimer.forward(100, 10, 100)).isEqualTo(1);
        assertThat(PosixTimer.forward(100, 10, 155)).isEqualTo(6);
    }
}
