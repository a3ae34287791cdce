package dev.emu.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.testing.Tasks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * read/write and their vectored and positioned forms with sizes a hostile guest passes: no
 * transfer becomes a guest-sized host array (the file sees chunks of at most 64 KiB), one call
 * moves at most MAX_RW_COUNT, and a bad buffer gives Linux's partial count or EFAULT.
 */
class LargeIoTest {
    private static final long BUF = 0x40_0000L;
    private static final int MAPPED = 2 << 20;
    private final Task t = Tasks.task(1);
    private final AddressSpace mem = t.memory();
    private final Sink sink = new Sink();
    private final int fd;

    /** A file that counts what it is given and remembers the largest single transfer. */
    static final class Sink extends File {
        long written;
        int largest;
        final byte[] source = "0123456789".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        int readPos;
        long pwritePos = -1;

        Sink() {
            super(2); // O_RDWR
        }

        @Override
        public long write(Task task, byte[] src, int off, int len) {
            written += len;
            largest = Math.max(largest, len);
            return len;
        }

        @Override
        public long pwrite(Task task, byte[] src, int off, int len, long position) {
            pwritePos = position;
            return write(task, src, off, len);
        }

        @Override
        public long read(Task task, byte[] dst, int off, int len) {
            largest = Math.max(largest, len);
            int n = Math.min(len, source.length - readPos);
            System.arraycopy(source, readPos, dst, off, n);
            readPos += n;
            return n;
        }

        @Override
        public FileStat stat() {
            return new FileStat(1, 1, FileStat.S_IFREG | 0644, 1, 0, 0, 0, 0, 4096, 0);
        }

        @Override
        public String describe() {
            return "sink";
        }
    }

    LargeIoTest() {
        mem.map(BUF, MAPPED, Prot.READ | Prot.WRITE);
        fd = t.process().fds().install(sink);
    }

    private long writevOf(int segments, long segmentLength) {
        long iov = BUF;
        for (int i = 0; i < segments; i++) {
            mem.writeLong(iov + 16L * i, BUF + 0x10000); // every segment is the same mapped 2 MiB
            mem.writeLong(iov + 16L * i + 8, segmentLength);
        }
        return SysReadWrite.writev(t, fd, iov, segments, 0, 0, 0);
    }

    @Test
    void aTwoGibibyteWritevIsCappedAtMaxRwCountAndMovedInChunks() {
        long r = writevOf(1024, (MAPPED - 0x10000)); // 1024 x ~2 MiB ≈ 2 GiB
        assertThat(r).isEqualTo(Math.min(1024L * (MAPPED - 0x10000), SysReadWrite.MAX_RW_COUNT));
        assertThat(sink.written).isEqualTo(r);
        assertThat(sink.largest).isLessThanOrEqualTo(SysReadWrite.CHUNK);
    }

    @Test
    void aWritevWithOneHugeSegmentStopsAtMaxRwCount() {
        mem.writeLong(BUF, BUF + 0x10000);
        mem.writeLong(BUF + 8, 1L << 40); // access_ok passes; the copy faults after the mapping ends
        long r = SysReadWrite.writev(t, fd, BUF, 1, 0, 0, 0);
        assertThat(r).as("bytes before the first unmapped page").isEqualTo(MAPPED - 0x10000);
        assertThat(sink.largest).isLessThanOrEqualTo(SysReadWrite.CHUNK);
    }

    @Test
    void aWriteOfTwoGibibytesWritesWhatIsMappedAndNeverAllocatesIt() {
        long r = SysReadWrite.write(t, fd, BUF, 1L << 31, 0, 0, 0);
        assertThat(r).isEqualTo(MAPPED);
        assertThat(sink.largest).isLessThanOrEqualTo(SysReadWrite.CHUNK);
    }

    @Test
    void sizesThatAreNegativeAsSsizeTAreEfaultAsAccessOkSaysOnLinux() {
        assertThat(SysReadWrite.write(t, fd, BUF, -1, 0, 0, 0)).isEqualTo(Errno.EFAULT.ret());
        assertThat(SysReadWrite.read(t, fd, BUF, Long.MIN_VALUE, 0, 0, 0)).isEqualTo(Errno.EFAULT.ret());
        assertThat(SysReadWrite.pwrite64(t, fd, BUF, -4096, 0, 0, 0)).isEqualTo(Errno.EFAULT.ret());
        assertThat(SysReadWrite.pwrite64(t, fd, BUF, 10, -1, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(sink.written).isZero();
    }

    @Test
    void aBufferThatStartsUnmappedIsEfaultAndOneThatEndsUnmappedIsAShortCount() {
        assertThat(SysReadWrite.write(t, fd, 0x1000, 10, 0, 0, 0)).isEqualTo(Errno.EFAULT.ret());
        assertThat(SysReadWrite.write(t, fd, BUF + MAPPED - 100, 1000, 0, 0, 0)).isEqualTo(100);
        assertThat(SysReadWrite.read(t, fd, 0x1000, 10, 0, 0, 0)).isEqualTo(Errno.EFAULT.ret());
        assertThat(sink.readPos).as("no byte consumed that could not be delivered").isZero();
        assertThat(SysReadWrite.read(t, fd, BUF + MAPPED - 100, 1000, 0, 0, 0)).isEqualTo(100);
        assertThat(sink.readPos).isEqualTo(100);
    }

    @Test
    void aHugeReadIsOneChunkAtMost() {
        assertThat(SysReadWrite.read(t, fd, BUF, 1L << 40, 0, 0, 0)).isEqualTo(SysReadWrite.CHUNK);
        assertThat(sink.largest).isEqualTo(SysReadWrite.CHUNK);
    }

    @Test
    void readvScattersOneReadOverTheSegments() {
        long iov = BUF;
        mem.writeLong(iov, BUF + 0x1000);
        mem.writeLong(iov + 8, 3);
        mem.writeLong(iov + 16, BUF + 0x2000);
        mem.writeLong(iov + 24, 0);
        mem.writeLong(iov + 32, BUF + 0x3000);
        mem.writeLong(iov + 40, 4);
        assertThat(SysReadWrite.readv(t, fd, iov, 3, 0, 0, 0)).isEqualTo(7);
        assertThat(new String(mem.read(BUF + 0x1000, 3), StandardCharsets.US_ASCII)).isEqualTo("012");
        assertThat(new String(mem.read(BUF + 0x3000, 4), StandardCharsets.US_ASCII)).isEqualTo("3456");
        mem.writeLong(iov + 8, -1);
        assertThat(SysReadWrite.readv(t, fd, iov, 3, 0, 0, 0)).as("a negative iov_len").isEqualTo(Errno.EINVAL.ret());
    }

    @Test
    void aSegmentOutsideUserSpaceIsEfault() {
        mem.writeLong(BUF, 0xffff_8000_0000_0000L);
        mem.writeLong(BUF + 8, 16);
        try {
            SysReadWrite.writev(t, fd, BUF, 1, 0, 0, 0);
            assertThat(false).as("EFAULT expected").isTrue();
        } catch (BadAddressException e) {
            assertThat(e.address()).isEqualTo(0xffff_8000_0000_0000L); // the dispatcher's EFAULT
        }
    }

    @Test
    void theTracerShowsABufferWithAHugeOrNegativeSize() {
        mem.write(BUF, "hello".getBytes(StandardCharsets.US_ASCII));
        long[] args = {1, BUF, -1, 0, 0, 0};
        assertThat(SyscallTracer.format(mem, ArgKind.BUF_IN, args, 1, 0)).startsWith("\"hello").endsWith("\"...");
        args[2] = Long.MIN_VALUE;
        assertThat(SyscallTracer.format(mem, ArgKind.SIZE, args, 2, 0)).isEqualTo("9223372036854775808");
        assertThat(SyscallTracer.format(mem, ArgKind.BUF_OUT, args, 1, Errno.EFAULT.ret())).isEqualTo("0x400000");
    }
}
