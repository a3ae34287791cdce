package dev.emu.kernel.limits;

import static dev.emu.kernel.limits.ResourceLimits.RLIMIT_NOFILE;
import static dev.emu.kernel.limits.ResourceLimits.RLIMIT_NPROC;
import static dev.emu.kernel.limits.ResourceLimits.RLIMIT_STACK;
import static dev.emu.kernel.limits.ResourceLimits.RLIM_INFINITY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import org.junit.jupiter.api.Test;

class ResourceLimitsTest {
    private final ResourceLimits limits = ResourceLimits.initial(1000);

    @Test
    void startsWithLinuxDefaultsAndNprocFromThreadsMax() {
        assertThat(limits.soft(RLIMIT_STACK)).isEqualTo(8L << 20);
        assertThat(limits.hard(RLIMIT_STACK)).isEqualTo(RLIM_INFINITY);
        assertThat(limits.soft(RLIMIT_NOFILE)).isEqualTo(1024);
        assertThat(limits.hard(RLIMIT_NOFILE)).isEqualTo(1 << 20);
        assertThat(limits.soft(RLIMIT_NPROC)).isEqualTo(500);
    }

    @Test
    void limitsCanBeLoweredAndTheSoftOneRaisedUpToTheHardOne() {
        assertThat(limits.set(RLIMIT_NOFILE, 16, 64)).isZero();
        assertThat(limits.set(RLIMIT_NOFILE, 64, 64)).isZero();
        assertThat(limits.soft(RLIMIT_NOFILE)).isEqualTo(64);
    }

    @Test
    void raisingAHardLimitIsEpermAndSoftAboveHardEinval() {
        assertThat(limits.set(RLIMIT_NOFILE, 16, 16)).isZero();
        assertThat(limits.set(RLIMIT_NOFILE, 16, 17)).isEqualTo(Errno.EPERM.ret());
        assertThat(limits.set(RLIMIT_NOFILE, 17, 16)).isEqualTo(Errno.EINVAL.ret());
        assertThat(limits.set(16, 1, 1)).isEqualTo(Errno.EINVAL.ret());
        assertThat(limits.soft(RLIMIT_NOFILE)).isEqualTo(16);
        assertThat(ResourceLimits.initial(1000).set(RLIMIT_NOFILE, 1024, RLIM_INFINITY))
                .as("above fs.nr_open").isEqualTo(Errno.EPERM.ret());
    }

    @Test
    void forkCopiesAreIndependent() {
        ResourceLimits child = limits.copy();
        child.set(RLIMIT_NPROC, 4, 4);
        assertThat(limits.soft(RLIMIT_NPROC)).isEqualTo(500);
        assertThat(child.exceeds(RLIMIT_NPROC, 5)).isTrue();
        assertThat(limits.exceeds(ResourceLimits.RLIMIT_AS, Long.MAX_VALUE)).isFalse();
    }
}
