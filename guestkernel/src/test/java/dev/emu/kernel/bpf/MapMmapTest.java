package dev.emu.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.bpf.map.RingBuf;
import dev.emu.kernel.fs.MappableFile;
import dev.emu.kernel.platform.Prot;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** mmap of map fds on a kernel with a fake address space (MapMmap, MapObject's coherence). */
class MapMmapTest {
    private final BpfHarness h = new BpfHarness();
    private static final long KEY = BpfHarness.MEM + 0x100;
    private static final long VALUE = BpfHarness.MEM + 0x200;
    private static final long BUF = BpfHarness.MEM + 0x1000;
    private static final int SHARED = MappableFile.MAP_SHARED;

    private long createMap(int type, int key, int value, int max, int flags) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.MAP_TYPE, type).putInt(BpfAttr.KEY_SIZE, key)
                .putInt(BpfAttr.VALUE_SIZE, value).putInt(BpfAttr.MAX_ENTRIES, max).putInt(BpfAttr.MAP_FLAGS, flags);
        return h.bpf(BpfCommand.MAP_CREATE, a.array());
    }

    private BpfMapFile file(long fd) {
        return (BpfMapFile) h.task.process().fds().get(fd);
    }

    private long mmap(long fd, long length, int prot, int flags, long offset) {
        return file(fd).mmap(h.task, 0, length, prot, flags, offset);
    }

    private long elem(int cmd, long fd, int key) {
        h.space.writeInt(KEY, key);
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.ELEM_MAP_FD, (int) fd).putLong(BpfAttr.ELEM_KEY, KEY)
                .putLong(BpfAttr.ELEM_VALUE, VALUE);
        return h.bpf(cmd, a.array());
    }

    @Test
    void anMmapableArraySharesItsValuesWithTheSyscallsBothWays() {
        long fd = createMap(BpfMapType.ARRAY, 4, 12, 1000, BpfFlags.BPF_F_MMAPABLE); // stride 16
        long at = mmap(fd, 4 * 4096, Prot.READ | Prot.WRITE, SHARED, 0);
        assertThat(at).isPositive();
        h.space.writeLong(at + 16 * 999, 0x1234);
        assertThat(elem(BpfCommand.MAP_LOOKUP_ELEM, fd, 999)).isZero();
        assertThat(h.space.readLong(VALUE)).isEqualTo(0x1234);
        h.space.writeLong(VALUE, 77);
        assertThat(elem(BpfCommand.MAP_UPDATE_ELEM, fd, 3)).isZero();
        assertThat(h.space.readLong(at + 16 * 3)).isEqualTo(77);
        h.space.writeLong(at + 16 * 7, 0x77);
        assertThat(h.task.process().mm().munmap(at, 4 * 4096)).isZero(); // stored, then unmapped
        assertThat(elem(BpfCommand.MAP_LOOKUP_ELEM, fd, 7)).isZero();
        assertThat(h.space.readLong(VALUE)).as("a store made before the munmap").isEqualTo(0x77);
        assertThat(mmap(fd, 5 * 4096, Prot.READ, SHARED, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(mmap(fd, 4096, Prot.READ, MappableFile.MAP_PRIVATE, 0)).isEqualTo(Errno.EINVAL.ret());
    }

    @Test
    void writableMappingsAreCountedForFreezeAndAFrozenMapRefusesThem() {
        long fd = createMap(BpfMapType.ARRAY, 4, 8, 4, BpfFlags.BPF_F_MMAPABLE);
        MapObject m = file(fd).map();
        long ro = mmap(fd, 4096, Prot.READ, SHARED, 0);
        assertThat(m.hasWritableMappings()).isFalse();
        long rw = mmap(fd, 4096, Prot.READ | Prot.WRITE, SHARED, 0);
        assertThat(m.hasWritableMappings()).isTrue();
        assertThat(h.task.process().mm().munmap(rw, 4096)).isZero();
        assertThat(m.hasWritableMappings()).isFalse();
        m.freeze();
        assertThat(mmap(fd, 4096, Prot.READ | Prot.WRITE, SHARED, 0)).isEqualTo(Errno.EPERM.ret());
        assertThat(mmap(fd, 4096, Prot.READ, SHARED, 0)).isPositive();
        assertThat(h.task.process().mm().mprotect(ro, 4096, Prot.READ | Prot.WRITE)).isEqualTo(Errno.EACCES.ret());
    }

    @Test
    void otherMapsAndAccessModesAreRefusedAsLinuxRefusesThem() {
        long hash = createMap(BpfMapType.HASH, 4, 8, 4, 0);
        assertThat(mmap(hash, 4096, Prot.READ, SHARED, 0)).isEqualTo(Errno.ENOTSUPP.ret());
        long plain = createMap(BpfMapType.ARRAY, 4, 8, 4, 0);
        assertThat(mmap(plain, 4096, Prot.READ, SHARED, 0)).isEqualTo(Errno.EINVAL.ret());
        long rdonly = createMap(BpfMapType.ARRAY, 4, 8, 4, BpfFlags.BPF_F_MMAPABLE | BpfFlags.BPF_F_RDONLY_PROG);
        assertThat(mmap(rdonly, 4096, Prot.READ | Prot.WRITE, SHARED, 0)).isEqualTo(Errno.EACCES.ret());
    }

    @Test
    void aMappedRingbufShowsLinuxsLayoutAndStaysConsistentWithTheEmuPoll() {
        long fd = createMap(BpfMapType.RINGBUF, 0, 0, 4096, 0);
        RingBuf rb = (RingBuf) file(fd).map().map();
        rb.output(new byte[] {1, 2, 3}, 0); // before the mmap: copied into the shared layout
        long cons = mmap(fd, 4096, Prot.READ | Prot.WRITE, SHARED, 0);
        long prod = mmap(fd, 4096 + 2 * 4096, Prot.READ, SHARED, 4096);
        assertThat(mmap(fd, 4096, Prot.READ | Prot.WRITE, SHARED, 4096)).isEqualTo(Errno.EPERM.ret());
        assertThat(h.space.readLong(prod)).as("producer_pos").isEqualTo(16);
        assertThat(h.space.readInt(prod + 4096)).as("header len").isEqualTo(3);
        assertThat(h.space.readInt(prod + 4096 + 4)).as("pg_off").isEqualTo(3);
        assertThat(h.space.read(prod + 4096 + 8, 3)).containsExactly(1, 2, 3);

        // A record that wraps reads contiguously through the second view of the data area.
        h.space.writeLong(cons, 16);
        for (int i = 0; i < 63; i++) {
            rb.output(new byte[56], 0); // 64-byte records: 16 + 63 * 64 = 4048
        }
        h.space.writeLong(cons, 4048);
        rb.output(new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 7}, 0);
        assertThat(h.space.read(prod + 4096 + 4048 + 8 + 45, 1)).containsExactly(7);

        // emu's poll consumes through the same consumer page user space reads.
        ByteBuffer a = ByteBuffer.allocate(EmuBpfExtensions.POLL_ATTR_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(EmuBpfExtensions.POLL_MAP_FD, (int) fd).putLong(EmuBpfExtensions.POLL_BUF, BUF)
                .putInt(EmuBpfExtensions.POLL_BUF_SIZE, 128);
        assertThat(h.bpf(EmuBpfExtensions.BPF_EMU_RINGBUF_POLL, a.array())).isEqualTo(46);
        assertThat(h.space.readLong(cons)).isEqualTo(4048 + 56);

        // Garbage in the consumer page: nothing to read, no room, no exception.
        h.space.writeLong(cons, -12345);
        assertThat(h.bpf(EmuBpfExtensions.BPF_EMU_RINGBUF_POLL, a.array())).isZero();
        assertThat(rb.output(new byte[8], 0)).isEqualTo(Errno.EAGAIN.ret());
        h.space.writeLong(cons, h.space.readLong(prod) - 8); // points into the middle of a record
        assertThat(h.bpf(EmuBpfExtensions.BPF_EMU_RINGBUF_POLL, a.array())).isZero();
    }
}
