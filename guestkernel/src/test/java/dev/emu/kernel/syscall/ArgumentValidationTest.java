package dev.emu.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.testing.FakeAddressSpace;
import dev.emu.kernel.testing.Tasks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sizes are size_t, lengths unsigned long: a "negative" one is huge and ends in the errno Linux
 * gives (mm/mmap.c, mm/mremap.c, mm/mprotect.c, mm/madvise.c), never in a host exception. The
 * native behaviour of the same calls is checked by the argwidth differential program.
 */
class ArgumentValidationTest {
    static final int RW = 3, MAP_PRIVATE_ANON = 0x22, MREMAP_MAYMOVE = 1;
    private Task t;
    private long a;

    @BeforeEach
    void mapTwoPages() {
        t = Tasks.task(1);
        a = SysMemory.mmap(t, 0, 8192, RW, MAP_PRIVATE_ANON, -1, 0);
        assertThat(a).isPositive();
    }

    @Test
    void mremapOfHugeOrNegativeSizesIsEinval() {
        assertThat(SysMemory.mremap(t, a, 4096, -1, 0, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(SysMemory.mremap(t, a, 4096, -8192, MREMAP_MAYMOVE, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(SysMemory.mremap(t, a, -8192, 8192, MREMAP_MAYMOVE, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(SysMemory.mremap(t, a, 1L << 62, 8192, MREMAP_MAYMOVE, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(SysMemory.mremap(t, a, -1, 8192, MREMAP_MAYMOVE, 0, 0))
                .as("old_len rounds up to 0: only a shared mapping may be duplicated").isEqualTo(Errno.EINVAL.ret());
        assertThat(SysMemory.mremap(t, a, 8192, 4096, 0, 0, 0)).isEqualTo(a);
    }

    @Test
    void mmapIgnoresUnknownBitsAndRejectsHugeLengths() {
        long b = SysMemory.mmap(t, 0, 4096, RW | 0xdead_0000_0000L, MAP_PRIVATE_ANON | 0xbeef_0000_0000L, -1, 0);
        assertThat(b).as("unknown prot and flag bits are ignored").isPositive();
        assertThat(((FakeAddressSpace) t.memory()).protAt(b)).isEqualTo(RW);
        assertThat(SysMemory.mmap(t, 0, -1, RW, MAP_PRIVATE_ANON, -1, 0)).isEqualTo(Errno.ENOMEM.ret());
        assertThat(SysMemory.mmap(t, 0, 0, RW, MAP_PRIVATE_ANON, -1, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(SysMemory.mmap(t, 0, 4096, RW, 0x20 | 0x03, -1, 0))
                .as("MAP_SHARED_VALIDATE of anonymous memory").isEqualTo(Errno.EINVAL.ret());
    }

    @Test
    void mprotectValidatesProtAfterTheRange() {
        assertThat(SysMemory.mprotect(t, a, 0, 0x12340, 0, 0, 0)).as("zero length succeeds first").isZero();
        assertThat(SysMemory.mprotect(t, a, -1, 1, 0, 0, 0)).isEqualTo(Errno.ENOMEM.ret());
        assertThat(SysMemory.mprotect(t, a, 4096, 1 | 0xdead_0000_0000L, 0, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(SysMemory.mprotect(t, a, 4096, 1 | 8, 0, 0, 0)).as("PROT_SEM is accepted").isZero();
        assertThat(((FakeAddressSpace) t.memory()).protAt(a)).isEqualTo(1);
    }

    @Test
    void madviseRejectsUnknownAdviceAndWrappingLengths() {
        assertThat(SysMemory.madvise(t, a, 4096, 999, 0, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(SysMemory.madvise(t, a, -1, 0, 0, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(SysMemory.madvise(t, a, -8192, 0, 0, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(SysMemory.madvise(t, a, 0, 0, 0, 0, 0)).isZero();
        t.memory().write(a, new byte[] {7});
        assertThat(SysMemory.madvise(t, a, 4096, 4, 0, 0, 0)).isZero();
        assertThat(t.memory().read(a, 1)).containsExactly(0);
    }

    @Test
    void tracerPrintsAHugeSizeWithoutReadingIt() {
        t.memory().write(a, "hello, tracer".getBytes(StandardCharsets.US_ASCII));
        long[] args = {a, -1};
        String shown = SyscallTracer.format(t.memory(), ArgKind.BUF_IN, args, 0, 0);
        assertThat(shown).startsWith("\"hello, tracer").endsWith("\"...");
        assertThat(SyscallTracer.format(t.memory(), ArgKind.SIZE, args, 1, 0)).isEqualTo("18446744073709551615");
    }
}
