package dev.emu.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.MapCreateResult;
import dev.emu.bpf.map.MapTypes;
import dev.emu.bpf.map.RingBuf;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapTest {
    static byte[] u32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static BpfMap create(int type, int k, int v, int max) {
        MapCreateResult r = MapTypes.create(type, k, v, max, 0);
        assertThat(r.error()).isNull();
        return r.map();
    }

    @Test
    void creationChecks() {
        assertThat(MapTypes.create(BpfMapType.ARRAY, 8, 4, 1, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.ARRAY, 4, 0, 1, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.ARRAY, 4, 4, 0, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.ARRAY, 4, 4, 1, 1 << 20).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.ARRAY, 4, (1 << 22) + 1, 1, 0).error()).isEqualTo(Errno.E2BIG);
        assertThat(MapTypes.create(BpfMapType.HASH, 0, 4, 1, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.HASH, 4, 0, 1, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.HASH, 4, 4, 0, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.HASH, 513, 4, 1, 0).error()).isEqualTo(Errno.E2BIG);
        assertThat(MapTypes.create(BpfMapType.HASH, 4, 1 << 22, 1, 0).error()).isEqualTo(Errno.E2BIG);
        assertThat(MapTypes.create(BpfMapType.RINGBUF, 0, 0, 4096 * 3, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.RINGBUF, 0, 0, 2048, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.RINGBUF, 4, 0, 4096, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.RINGBUF, 0, 4, 4096, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.RINGBUF, 0, 0, 4096, 0).isOk()).isTrue();
        assertThat(MapTypes.create(BpfMapType.STACK_TRACE, 4, 4, 1, 0).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(999, 4, 4, 1, 0).error()).isEqualTo(Errno.EINVAL);
    }

    @Test
    void arrayErrnos() {
        BpfMap a = create(BpfMapType.ARRAY, 4, 8, 2);
        byte[] out = new byte[8];
        assertThat(a.lookup(u32(1), out)).isZero();
        assertThat(out).containsOnly(0);
        assertThat(a.lookup(u32(2), out)).isEqualTo(-Errno.ENOENT.number);
        assertThat(a.update(u32(1), new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, BpfFlags.BPF_ANY)).isZero();
        assertThat(a.update(u32(1), new byte[8], BpfFlags.BPF_NOEXIST)).isEqualTo(-Errno.EEXIST.number);
        assertThat(a.update(u32(1), new byte[8], 3)).isEqualTo(-Errno.EINVAL.number);
        assertThat(a.update(u32(2), new byte[8], BpfFlags.BPF_ANY)).isEqualTo(-Errno.E2BIG.number);
        assertThat(a.update(u32(0), new byte[8], BpfFlags.BPF_EXIST)).isZero();
        assertThat(a.lookup(u32(1), out)).isZero();
        assertThat(out[7]).isEqualTo((byte) 8);
        assertThat(a.delete(u32(0))).isEqualTo(-Errno.EINVAL.number);
        byte[] next = new byte[4];
        assertThat(a.getNextKey(null, next)).isZero();
        assertThat(next).isEqualTo(u32(0));
        assertThat(a.getNextKey(u32(7), next)).isZero();
        assertThat(next).isEqualTo(u32(0));
        assertThat(a.getNextKey(u32(0), next)).isZero();
        assertThat(next).isEqualTo(u32(1));
        assertThat(a.getNextKey(u32(1), next)).isEqualTo(-Errno.ENOENT.number);
    }

    @Test
    void hashErrnos() {
        BpfMap h = create(BpfMapType.HASH, 4, 4, 2);
        byte[] out = new byte[4];
        assertThat(h.lookup(u32(1), out)).isEqualTo(-Errno.ENOENT.number);
        assertThat(h.delete(u32(1))).isEqualTo(-Errno.ENOENT.number);
        assertThat(h.update(u32(1), u32(10), BpfFlags.BPF_EXIST)).isEqualTo(-Errno.ENOENT.number);
        assertThat(h.update(u32(1), u32(10), BpfFlags.BPF_NOEXIST)).isZero();
        assertThat(h.update(u32(1), u32(11), BpfFlags.BPF_NOEXIST)).isEqualTo(-Errno.EEXIST.number);
        assertThat(h.update(u32(1), u32(12), BpfFlags.BPF_EXIST)).isZero();
        assertThat(h.update(u32(1), u32(12), 7)).isEqualTo(-Errno.EINVAL.number);
        assertThat(h.update(u32(2), u32(20), BpfFlags.BPF_ANY)).isZero();
        assertThat(h.update(u32(3), u32(30), BpfFlags.BPF_ANY)).isEqualTo(-Errno.E2BIG.number);
        assertThat(h.update(u32(2), u32(21), BpfFlags.BPF_ANY)).isZero(); // existing: no E2BIG
        assertThat(h.lookup(u32(1), out)).isZero();
        assertThat(out).isEqualTo(u32(12));
        // get_next_key: null and missing keys give the first key; the last key gives ENOENT.
        byte[] k = new byte[4];
        List<byte[]> seen = new ArrayList<>();
        assertThat(h.getNextKey(null, k)).isZero();
        seen.add(k.clone());
        assertThat(h.getNextKey(u32(99), k)).isZero();
        assertThat(k).isEqualTo(seen.get(0));
        assertThat(h.getNextKey(seen.get(0), k)).isZero();
        seen.add(k.clone());
        assertThat(h.getNextKey(seen.get(1), k)).isEqualTo(-Errno.ENOENT.number);
        assertThat(seen).containsExactlyInAnyOrder(u32(1), u32(2));
        assertThat(h.delete(u32(1))).isZero();
        assertThat(h.update(u32(3), u32(30), BpfFlags.BPF_ANY)).isZero();
        BpfMap empty = create(BpfMapType.HASH, 4, 4, 2);
        assertThat(empty.getNextKey(null, k)).isEqualTo(-Errno.ENOENT.number);
    }

    @Test
    void ringbufElementOpsAreEinval() {
        BpfMap rb = create(BpfMapType.RINGBUF, 0, 0, 4096);
        assertThat(rb.lookup(new byte[0], new byte[0])).isEqualTo(-Errno.EINVAL.number);
        assertThat(rb.update(new byte[0], new byte[0], 0)).isEqualTo(-Errno.EINVAL.number);
        assertThat(rb.delete(new byte[0])).isEqualTo(-Errno.EINVAL.number);
        // Linux 6.x really returns ENOTSUPP (524) here: the host-kernel differential test saw it.
        assertThat(rb.getNextKey(null, new byte[0])).isEqualTo(-Errno.ENOTSUPP.number);
    }

    @Test
    void ringbufRecordFormatAndOrder() {
        RingBuf rb = (RingBuf) create(BpfMapType.RINGBUF, 0, 0, 4096);
        RingBuf.Record a = rb.reserve(5, 0);
        RingBuf.Record b = rb.reserve(3, 0);
        assertThat(rb.reserve(1, 1)).isNull(); // reserve takes flags 0 only
        byte[] raw = rb.rawData();
        assertThat(raw[3] & 0x80).isEqualTo(0x80); // BUSY
        assertThat(raw[0]).isEqualTo((byte) 5);
        assertThat(raw[4]).isEqualTo((byte) 3); // pg_off: data starts 3 pages into the map
        assertThat(rb.query(BpfFlags.BPF_RB_PROD_POS)).isEqualTo(16 + 16);
        b.sample()[0] = 'b';
        rb.submit(b, 0);
        assertThat(rb.poll()).isNull(); // stops at busy a
        assertThat(rb.peekLength()).isEqualTo(-1);
        a.sample()[0] = 'a';
        rb.discard(a, 0);
        raw = rb.rawData();
        assertThat(raw[3] & 0xc0).isEqualTo(0x40); // DISCARD, not BUSY
        assertThat(rb.peekLength()).isEqualTo(3);
        assertThat(rb.poll()).containsExactly('b', 0, 0);
        assertThat(rb.poll()).isNull();
        assertThat(rb.query(BpfFlags.BPF_RB_CONS_POS)).isEqualTo(32);
        assertThat(rb.query(BpfFlags.BPF_RB_AVAIL_DATA)).isZero();
        assertThat(rb.query(BpfFlags.BPF_RB_RING_SIZE)).isEqualTo(4096);
        assertThat(rb.query(99)).isZero();
    }

    @Test
    void ringbufFullAndOutputFlags() {
        RingBuf rb = (RingBuf) create(BpfMapType.RINGBUF, 0, 0, 4096);
        assertThat(rb.output(new byte[1], 4)).isEqualTo(-Errno.EINVAL.number);
        assertThat(rb.reserve(4096 - 8, 0)).isNull(); // would fill the ring exactly: Linux refuses
        assertThat(rb.output(new byte[4096 - 16], 0)).isZero();
        assertThat(rb.output(new byte[1], 0)).isEqualTo(-Errno.EAGAIN.number);
        assertThat(rb.reserve(1, 0)).isNull();
        assertThat(rb.dropped()).isEqualTo(3);
        assertThat(rb.poll()).hasSize(4096 - 16);
        assertThat(rb.output(new byte[1], 0)).isZero();
    }

    @Test
    void ringbufWrapAround() {
        RingBuf rb = (RingBuf) create(BpfMapType.RINGBUF, 0, 0, 4096);
        // Advance the positions to 4000 so the next record straddles the end of the data area.
        assertThat(rb.output(new byte[4000 - 8], 0)).isZero();
        assertThat(rb.poll()).hasSize(4000 - 8);
        byte[] sample = new byte[200];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = (byte) i;
        }
        assertThat(rb.output(sample, 0)).isZero();
        assertThat(rb.query(BpfFlags.BPF_RB_PROD_POS)).isEqualTo(4000 + 208);
        assertThat(rb.poll()).isEqualTo(sample);
        for (int round = 0; round < 100; round++) {
            byte[] s = {(byte) round, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
            assertThat(rb.output(s, 0)).isZero();
            assertThat(rb.poll()).isEqualTo(s);
        }
        assertThat(rb.consumerPosition()).isEqualTo(rb.producerPosition());
    }

    @Test
    void ringbufWakeupDecision() {
        RingBuf rb = (RingBuf) create(BpfMapType.RINGBUF, 0, 0, 4096);
        int[] wakes = {0};
        rb.setWakeupListener(() -> wakes[0]++);
        RingBuf.Record a = rb.reserve(8, 0);
        RingBuf.Record b = rb.reserve(8, 0);
        assertThat(rb.submit(b, 0)).isFalse(); // consumer not at b
        assertThat(rb.submit(a, 0)).isTrue(); // consumer at a
        RingBuf.Record c = rb.reserve(8, 0);
        assertThat(rb.submit(c, BpfFlags.BPF_RB_FORCE_WAKEUP)).isTrue();
        rb.poll();
        rb.poll();
        rb.poll();
        RingBuf.Record d = rb.reserve(8, 0);
        assertThat(rb.submit(d, BpfFlags.BPF_RB_NO_WAKEUP)).isFalse();
        assertThat(wakes[0]).isEqualTo(2);
        assertThat(rb.submit(d, 0)).isFalse(); // double commit ignored
    }
}
