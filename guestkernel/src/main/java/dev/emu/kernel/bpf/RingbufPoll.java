package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.bpf.map.RingBuf;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * BPF_EMU_RINGBUF_POLL, emu's extension (attr layout in {@link EmuBpfExtensions}): pops the oldest
 * committed record of a ringbuf into a user buffer. It is libbpf's consumer loop
 * (ringbuf_process_ring) run by the kernel for one record: from the consumer position, skip
 * discarded records, stop at a busy one, copy, advance the consumer position.
 *
 * <p>The record is copied to the guest before the consumer position moves, so -ENOSPC and
 * -EFAULT leave it in the ring. With BPF_EMU_POLL_BLOCK and nothing ready, the task parks on the
 * map until a commit wakes it (the ringbuf's adaptive / NO_WAKEUP / FORCE_WAKEUP rules decide)
 * or the timeout passes, and the syscall is restarted; the deadline is kept per task across the
 * restarts, so the timeout counts from the first call.
 */
final class RingbufPoll {
    private RingbufPoll() {}

    /** A task's blocking poll in progress: the map it waits on and its absolute deadline. */
    private record Pending(MapObject map, long deadline) {}

    private static final Map<Task, Pending> PENDING = new WeakHashMap<>();

    static long poll(Task t, BpfSubsystem bpf, Attr a) {
        long result = a.tailZeroFrom(EmuBpfExtensions.POLL_ATTR_SIZE) ? pollOnce(t, a) : Errno.EINVAL.ret();
        if (result != SyscallResults.RESTART) {
            Pending p = PENDING.remove(t);
            if (p != null) {
                p.map.removePoller(t); // woken by the timeout, not by a commit
            }
        }
        return result;
    }

    private static long pollOnce(Task t, Attr a) {
        long[] err = new long[1];
        MapObject m = BpfFds.map(t, a.u32Long(EmuBpfExtensions.POLL_MAP_FD), err);
        if (m == null) {
            return err[0];
        }
        if (!(m.map() instanceof RingBuf ring)) {
            return Errno.EINVAL.ret();
        }
        int flags = a.u32(EmuBpfExtensions.POLL_FLAGS);
        if ((flags & ~(EmuBpfExtensions.BPF_EMU_POLL_BLOCK | EmuBpfExtensions.BPF_EMU_POLL_BATCH)) != 0) {
            return Errno.EINVAL.ret();
        }
        int len = ring.peekLength();
        if (len >= 0 && (flags & EmuBpfExtensions.BPF_EMU_POLL_BATCH) != 0) {
            return copyBatch(t, a, ring, len);
        }
        if (len >= 0) {
            long buf = a.u64(EmuBpfExtensions.POLL_BUF);
            long bufSize = a.u32Long(EmuBpfExtensions.POLL_BUF_SIZE);
            if (len > bufSize) {
                a.putU32(EmuBpfExtensions.POLL_NEEDED, len);
                return Errno.ENOSPC.ret();
            }
            // Fault the whole destination in first: a bad buffer fails here, before anything is consumed.
            t.memory().write(buf, new byte[len]);
            byte[] record = ring.poll();
            t.memory().write(buf, record);
            return record.length;
        }
        if ((flags & EmuBpfExtensions.BPF_EMU_POLL_BLOCK) == 0) {
            return 0;
        }
        long now = t.kernel().clock().nanos();
        Pending p = PENDING.get(t);
        if (p == null || p.map != m) {
            long timeout = a.u64(EmuBpfExtensions.POLL_TIMEOUT_NS);
            p = new Pending(m, timeout == 0 || timeout > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + timeout);
            PENDING.put(t, p);
        }
        if (now >= p.deadline) {
            return 0;
        }
        m.addPoller(t);
        t.block(p.deadline, "ringbuf poll on " + m);
        return SyscallResults.RESTART;
    }

    /**
     * BPF_EMU_POLL_BATCH: the committed records that fit, in Linux's ring layout (what a libbpf
     * consumer would read from the mapped ring, minus discarded records). One syscall drains
     * many events, the way Linux's mmap'd ring lets user space do without any.
     */
    private static long copyBatch(Task t, Attr a, RingBuf ring, int firstLen) {
        long buf = a.u64(EmuBpfExtensions.POLL_BUF);
        long bufSize = a.u32Long(EmuBpfExtensions.POLL_BUF_SIZE);
        int first = recordSpan(firstLen);
        if (first > bufSize) {
            a.putU32(EmuBpfExtensions.POLL_NEEDED, first);
            return Errno.ENOSPC.ret();
        }
        // Fault the destination in first (no more than the ring holds): a bad buffer consumes nothing.
        int probe = (int) Math.min(bufSize, Math.max(first, ring.query(dev.emu.abi.bpf.BpfFlags.BPF_RB_AVAIL_DATA)));
        t.memory().write(buf, new byte[probe]);
        byte[] out = new byte[probe];
        int off = 0;
        for (int len = firstLen; len >= 0 && off + recordSpan(len) <= probe; len = ring.peekLength()) {
            byte[] record = ring.poll();
            out[off] = (byte) len;
            out[off + 1] = (byte) (len >>> 8);
            out[off + 2] = (byte) (len >>> 16);
            out[off + 3] = (byte) (len >>> 24);
            System.arraycopy(record, 0, out, off + EmuBpfExtensions.POLL_BATCH_HDR_SIZE, record.length);
            off += recordSpan(len);
        }
        t.memory().write(buf, out, 0, off);
        return off;
    }

    /** Bytes one record takes in a batch: header plus data padded to 8. */
    private static int recordSpan(int len) {
        return EmuBpfExtensions.POLL_BATCH_HDR_SIZE + ((len + 7) & ~7);
    }
}
