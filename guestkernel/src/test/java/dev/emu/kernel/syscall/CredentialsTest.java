package dev.emu.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.kernel.task.Credentials;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.testing.Tasks;
import org.junit.jupiter.api.Test;

/** The setuid family's rules (kernel/sys.c) and the capability changes of commoncap.c. */
class CredentialsTest {
    static final long EPERM = -1, EINVAL = -22, NONE = 0xffff_ffffL;

    @Test
    void rootMayBecomeAnyoneAndThenLosesItsCapabilities() {
        Task t = Tasks.task(1);
        Credentials c = t.process().creds();
        assertThat(c.capable(Credentials.CAP_SETUID)).isTrue();
        assertThat(c.capable(Credentials.CAP_SYS_RESOURCE)).as("the guest's root lacks CAP_SYS_RESOURCE").isFalse();
        assertThat(SysCred.setresuid(t, 100, 101, 102, 0, 0, 0)).isZero();
        assertThat(new int[] {c.uid, c.euid, c.suid, c.fsuid}).containsExactly(100, 101, 102, 101);
        assertThat(c.permitted).as("no uid is 0 any more").isZero();
        assertThat(SysCred.setuid(t, 0, 0, 0, 0, 0, 0)).isEqualTo(EPERM);
        assertThat(SysCred.setuid(t, 102, 0, 0, 0, 0, 0)).as("the saved id").isZero();
        assertThat(c.euid).isEqualTo(102);
        assertThat(c.uid).as("unprivileged setuid changes only the effective id").isEqualTo(100);
        assertThat(SysCred.setresuid(t, NONE, 5, NONE, 0, 0, 0)).isEqualTo(EPERM);
        assertThat(SysCred.setuid(t, NONE, 0, 0, 0, 0, 0)).isEqualTo(EINVAL);
    }

    @Test
    void aNonZeroEffectiveIdSuspendsTheCapabilitiesUntilItReturns() {
        Task t = Tasks.task(1);
        Credentials c = t.process().creds();
        assertThat(SysCred.setreuid(t, NONE, 1000, 0, 0, 0, 0)).isZero();
        assertThat(c.suid).as("setreuid sets the saved id to a new effective id other than the real one").isEqualTo(1000);
        assertThat(c.capable(Credentials.CAP_SETUID)).isFalse();
        assertThat(c.permitted).as("the real id is still 0").isNotZero();
        assertThat(SysCred.setreuid(t, NONE, 0, 0, 0, 0, 0)).isZero();
        assertThat(c.capable(Credentials.CAP_SETUID)).isTrue();
    }

    @Test
    void forkCopiesTheCredentials() {
        Task parent = Tasks.task(1);
        SysCred.setresgid(parent, 10, 11, 12, 0, 0, 0);
        dev.emu.kernel.task.GuestProcess child = new dev.emu.kernel.task.GuestProcess(2, parent.process(),
                parent.process().mm(), new dev.emu.kernel.fs.FdTable(), "/test");
        assertThat(child.creds().egid).isEqualTo(11);
        child.creds().egid = 99;
        assertThat(parent.process().creds().egid).isEqualTo(11);
    }
}
