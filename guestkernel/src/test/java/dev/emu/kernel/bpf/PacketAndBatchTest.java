package dev.emu.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.abi.bpf.BpfProgType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * bpf() as a guest sees it, without Unicorn: a socket filter reads struct __sk_buff (not the
 * packet) in PROG_TEST_RUN, ctx_in/ctx_out and data_out follow bpf_prog_test_run_skb,
 * MAP_LOOKUP_AND_DELETE_ELEM pops a queue, and the batch commands walk a hash map to ENOENT.
 */
class PacketAndBatchTest {
    private final BpfHarness h = new BpfHarness();
    private static final long CODE = BpfHarness.MEM + 0x1000, PKT = BpfHarness.MEM + 0x2000,
            OUT = BpfHarness.MEM + 0x3000, CTX = BpfHarness.MEM + 0x4000, KEYS = BpfHarness.MEM + 0x5000,
            VALUES = BpfHarness.MEM + 0x6000, TOKEN = BpfHarness.MEM + 0x7000;

    private long load(int type, long... insns) {
        ByteBuffer code = ByteBuffer.allocate(insns.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long i : insns) {
            code.putLong(i);
        }
        h.space.write(CODE, code.array());
        h.space.write(CODE + 0x800, "GPL\0".getBytes());
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.PROG_TYPE, type).putInt(BpfAttr.INSN_CNT, insns.length)
                .putLong(BpfAttr.INSNS, CODE).putLong(BpfAttr.LICENSE, CODE + 0x800);
        return h.bpf(BpfCommand.PROG_LOAD, a.array());
    }

    private static long insn(int op, int dst, int src, int off, int imm) {
        return (op & 0xffL) | (long) dst << 8 | (long) src << 12 | (off & 0xffffL) << 16 | (long) imm << 32;
    }

    @Test
    void socketFilterSeesSkBuffLenNotPacketBytes() {
        // r0 = skb->len; cb[0] = 7; exit
        long fd = load(BpfProgType.SOCKET_FILTER, insn(0x61, 0, 1, 0, 0), insn(0x62, 1, 0, 48, 7),
                insn(0x95, 0, 0, 0, 0));
        assertThat(fd).isNotNegative();
        byte[] frame = new byte[60];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) 0xee;
        }
        frame[12] = 0x08; // IPv4
        frame[13] = 0x00;
        h.space.write(PKT, frame);
        h.space.write(CTX, new byte[192]);
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.TEST_PROG_FD, (int) fd).putInt(BpfAttr.TEST_DATA_SIZE_IN, 60)
                .putLong(BpfAttr.TEST_DATA_IN, PKT).putLong(BpfAttr.TEST_DATA_OUT, OUT)
                .putInt(BpfAttr.TEST_CTX_SIZE_IN, 192).putLong(BpfAttr.TEST_CTX_IN, CTX)
                .putInt(BpfAttr.TEST_CTX_SIZE_OUT, 192).putLong(BpfAttr.TEST_CTX_OUT, CTX);
        assertThat(h.bpf(BpfCommand.PROG_TEST_RUN, a.array())).isZero();
        assertThat(h.space.readInt(BpfHarness.MEM + BpfAttr.TEST_RETVAL)).isEqualTo(46); // 60 - ETH_HLEN
        assertThat(h.space.readInt(BpfHarness.MEM + BpfAttr.TEST_DATA_SIZE_OUT)).isEqualTo(60);
        byte[] out = new byte[60];
        h.space.read(OUT, out, 0, 60);
        assertThat(out[0]).isZero(); // the link-layer header comes back zeroed
        assertThat(out[20]).isEqualTo((byte) 0xee);
        assertThat(h.space.readInt(CTX + 48)).isEqualTo(7); // cb[0] in ctx_out
        assertThat(h.space.readInt(CTX + 40)).isEqualTo(1); // ifindex: loopback
        // A field ctx_in may not set: EINVAL (convert___skb_to_skb).
        h.space.writeInt(CTX, 5);
        assertThat(h.bpf(BpfCommand.PROG_TEST_RUN, a.array())).isEqualTo(Errno.EINVAL.ret());
    }

    private long createMap(int type, int key, int value, int max, int flags) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.MAP_TYPE, type).putInt(BpfAttr.KEY_SIZE, key)
                .putInt(BpfAttr.VALUE_SIZE, value).putInt(BpfAttr.MAX_ENTRIES, max).putInt(BpfAttr.MAP_FLAGS, flags);
        long fd = h.bpf(BpfCommand.MAP_CREATE, a.array());
        assertThat(fd).isNotNegative();
        return fd;
    }

    private long elem(int cmd, long fd, long key, long value, long flags) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.ELEM_MAP_FD, (int) fd).putLong(BpfAttr.ELEM_KEY, key)
                .putLong(BpfAttr.ELEM_VALUE, value).putLong(BpfAttr.ELEM_FLAGS, flags);
        return h.bpf(cmd, a.array());
    }

    @Test
    void queueLookupAndDeletePops() {
        long q = createMap(BpfMapType.QUEUE, 0, 8, 2, 0);
        for (long v = 1; v <= 2; v++) {
            h.space.writeLong(VALUES, v);
            assertThat(elem(BpfCommand.MAP_UPDATE_ELEM, q, 0, VALUES, 0)).isZero();
        }
        assertThat(elem(BpfCommand.MAP_UPDATE_ELEM, q, 0, VALUES, 0)).isEqualTo(Errno.E2BIG.ret());
        assertThat(elem(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, q, 0, OUT, 0)).isZero();
        assertThat(h.space.readLong(OUT)).isEqualTo(1);
        assertThat(elem(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, q, 0, OUT, 4)).isEqualTo(Errno.EINVAL.ret());
        long arr = createMap(BpfMapType.ARRAY, 4, 8, 2, 0);
        assertThat(elem(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, arr, KEYS, OUT, 0)).isEqualTo(Errno.ENOTSUPP.ret());
    }

    private long batch(int cmd, long fd, long in, int count) {
        ByteBuffer a = BpfHarness.attr().putLong(0, in).putLong(8, TOKEN).putLong(16, KEYS).putLong(24, VALUES)
                .putInt(32, count).putInt(36, (int) fd);
        return h.bpf(cmd, a.array());
    }

    @Test
    void hashBatchesWalkToEnoent() {
        long m = createMap(BpfMapType.HASH, 4, 8, 16, 0);
        for (int i = 0; i < 10; i++) {
            h.space.writeInt(KEYS + 4L * i, i * 7 + 1);
            h.space.writeLong(VALUES + 8L * i, 1000 + i);
        }
        assertThat(batch(BpfCommand.MAP_UPDATE_BATCH, m, 0, 10)).isZero();
        int seen = 0;
        long in = 0;
        long r;
        do {
            r = batch(BpfCommand.MAP_LOOKUP_BATCH, m, in, 3);
            seen += h.space.readInt(BpfHarness.MEM + 32);
            h.space.writeInt(TOKEN + 0x100, h.space.readInt(TOKEN));
            in = TOKEN + 0x100;
        } while (r == 0);
        assertThat(r).isEqualTo(Errno.ENOENT.ret());
        assertThat(seen).isEqualTo(10);
        // Hash tokens as Linux with a zero seed: the first batch of 3 ends before bucket 3.
        assertThat(batch(BpfCommand.MAP_LOOKUP_BATCH, m, 0, 3)).isZero();
        assertThat(h.space.readInt(TOKEN)).isEqualTo(3);
        assertThat(batch(BpfCommand.MAP_LOOKUP_AND_DELETE_BATCH, m, 0, 64)).isEqualTo(Errno.ENOENT.ret());
        assertThat(h.space.readInt(BpfHarness.MEM + 32)).isEqualTo(10);
        assertThat(batch(BpfCommand.MAP_LOOKUP_BATCH, m, 0, 64)).isEqualTo(Errno.ENOENT.ret());
        assertThat(h.space.readInt(BpfHarness.MEM + 32)).isZero();
        long q = createMap(BpfMapType.QUEUE, 0, 8, 2, 0);
        assertThat(batch(BpfCommand.MAP_LOOKUP_BATCH, q, 0, 1)).isEqualTo(Errno.ENOTSUPP.ret());
    }
}
