package dev.emu.bpf.map;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * BPF_MAP_TYPE_RINGBUF, analogous to kernel/bpf/ringbuf.c, plus the consumer side that libbpf's
 * ring_buffer__consume runs in user space (here a method the kernel's poll command calls).
 *
 * <pre>
 *  data (size = max_entries bytes, a power of 2 and a multiple of 4096):
 *
 *   consumer_pos                          producer_pos      (ever-growing u64 counters;
 *        v                                     v             offset = pos &amp; (size - 1))
 *   ... | hdr | sample ..pad | hdr | sample .. |   free   ...
 *         \ 8 bytes: u32 len (bit31 BUSY, bit30 DISCARD), u32 pg_off
 *   a record occupies round_up(len + 8, 8) bytes; it may wrap past the end of data
 * </pre>
 *
 * A reservation hands the program a separate sample buffer (a bounded region of the
 * interpreter); commit copies it into the ring, wrapping as Linux's double mapping does, then
 * clears BUSY. Consumers never read a BUSY record, so the copy is invisible to them.
 *
 * <p>Once user space maps the ring ({@link #attachShared}), the data and the two position pages
 * live in memory the guest maps with Linux's layout: the consumer position is then read from
 * the consumer page, which user space writes, so every use of it tolerates garbage (the ring
 * never reads outside its data area, and a position that makes no sense means "nothing to
 * read" / "no room"), as ringbuf.c must.
 *
 * <p>Element operations are unsupported (user space sees EINVAL). Thread-safe: producer side
 * under the ring's lock as Linux's spinlock, consumer side likewise.
 */
public final class RingBuf extends BpfMap {
    /** Pages before the data area in Linux's layout (struct page + consumer page + producer page). */
    private static final int DATA_PGOFF = 3;
    private static final int PAGE_SIZE = 4096;
    /** RINGBUF_MAX_RECORD_SZ. */
    private static final long MAX_RECORD_SZ = 0xffffffffL / 4;
    private static final int HDR = BpfFlags.BPF_RINGBUF_HDR_SZ;

    /** Offsets in the shared layout (ringbuf_map_mmap_kern, after RINGBUF_PGOFF): consumer page, producer page, data. */
    public static final int CONSUMER_PAGE = 0, PRODUCER_PAGE = PAGE_SIZE, DATA_OFFSET = 2 * PAGE_SIZE;

    /** The data area (little-endian); heap until {@link #attachShared}, then the shared pages. */
    private ByteBuffer data;
    /** The shared consumer and producer pages once attached, else null. */
    private ByteBuffer positions;
    private final int size;
    private final int mask;
    private long consumerPos;
    private long producerPos;
    private long dropped;
    private volatile Runnable wakeupListener;

    /**
     * A reserved record: the program's sample buffer and the record's position in the ring.
     * Immutable except for the committed flag.
     */
    public static final class Record {
        private final RingBuf ring;
        private final long pos;
        private final byte[] sample;
        private boolean committed;

        private Record(RingBuf ring, long pos, byte[] sample) {
            this.ring = ring;
            this.pos = pos;
            this.sample = sample;
        }

        /** The sample bytes the program writes. */
        public byte[] sample() {
            return sample;
        }

        /** The ring this record belongs to. */
        public RingBuf ring() {
            return ring;
        }

        /** The producer position of the record's header. */
        public long position() {
            return pos;
        }

        /** True once submitted or discarded. */
        public boolean committed() {
            return committed;
        }
    }

    private RingBuf(int size) {
        super(BpfMapType.RINGBUF, 0, 0, size, 0);
        this.size = size;
        data = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        mask = size - 1;
    }

    /** ringbuf_map_alloc: key/value size 0, power-of-2 page-multiple size, flags 0 (or NUMA_NODE). */
    static MapCreateResult create(int keySize, int valueSize, int maxEntries, int flags, MemoryCharge charge) {
        if ((flags & ~4) != 0) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (keySize != 0 || valueSize != 0 || maxEntries == 0 || Integer.bitCount(maxEntries) != 1
                || maxEntries % PAGE_SIZE != 0) {
            return MapCreateResult.error(Errno.EINVAL);
        }
        if (maxEntries < 0 || maxEntries > (1 << 30)) {
            // Linux allows up to ~4 GiB; a Java array cannot hold 2 GiB.
            return MapCreateResult.error(Errno.E2BIG);
        }
        if (!charge.tryCharge(ARRAY_HEADER + (long) maxEntries)) {
            return MapCreateResult.error(Errno.ENOMEM);
        }
        return MapCreateResult.ok(new RingBuf(maxEntries));
    }

    @Override
    public long memoryCost() {
        return ARRAY_HEADER + (long) maxEntries();
    }

    /** Creates a ring of {@code size} bytes or fails as {@link MapTypes#create} would. */
    public static MapCreateResult ofSize(int size) {
        return create(0, 0, size, 0, MemoryCharge.UNLIMITED);
    }

    /** Bytes of the shared layout user space maps: consumer page, producer page, data. */
    public long sharedLength() {
        return DATA_OFFSET + (long) size;
    }

    /**
     * Moves the ring into {@code shared} ({@link #sharedLength} bytes, zero-filled, little-endian
     * or not): the consumer position at {@link #CONSUMER_PAGE}, the producer position at
     * {@link #PRODUCER_PAGE}, the data at {@link #DATA_OFFSET}, as Linux lays out struct
     * bpf_ringbuf for mmap. The current contents and positions are copied over.
     */
    public synchronized void attachShared(ByteBuffer shared) {
        if (positions != null) {
            throw new IllegalStateException("ringbuf already attached to shared pages");
        }
        if (shared.capacity() < sharedLength()) {
            throw new IllegalArgumentException("shared pages too small for the ring");
        }
        ByteBuffer sh = shared.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer newData = sh.slice(DATA_OFFSET, size).order(ByteOrder.LITTLE_ENDIAN);
        newData.put(0, data, 0, size);
        data = newData;
        positions = sh;
        positions.putLong(CONSUMER_PAGE, consumerPos);
        positions.putLong(PRODUCER_PAGE, producerPos);
    }

    /** The consumer position: user space's, from the consumer page, once mapped. */
    private long cons() {
        return positions != null ? positions.getLong(CONSUMER_PAGE) : consumerPos;
    }

    private void setCons(long pos) {
        consumerPos = pos;
        if (positions != null) {
            positions.putLong(CONSUMER_PAGE, pos);
        }
    }

    private void setProd(long pos) {
        producerPos = pos;
        if (positions != null) {
            positions.putLong(PRODUCER_PAGE, pos); // smp_store_release(&rb->producer_pos, new_prod_pos)
        }
    }

    /**
     * Unread bytes between the consumer and producer positions, or -1 when the consumer
     * position is garbage (ahead of the producer, or more than the ring behind it).
     */
    private long unread() {
        long avail = producerPos - cons();
        return avail < 0 || avail > size ? -1 : avail;
    }

    /** Sets the callback run when a commit decides to wake the consumer (Linux: irq_work → wake_up_all). */
    public void setWakeupListener(Runnable listener) {
        this.wakeupListener = listener;
    }

    // ---- producer side (helpers) ----

    /**
     * bpf_ringbuf_reserve: reserves {@code size} bytes, or returns null if flags are non-zero, the
     * size is too large, or the record does not fit (counted as dropped).
     */
    public synchronized Record reserve(long size, long flags) {
        if (flags != 0 || size < 0 || size > MAX_RECORD_SZ) {
            return null;
        }
        long len = (size + HDR + 7) & ~7L;
        if (len > mask) {
            dropped++;
            return null;
        }
        long newProd = producerPos + len;
        // Never let the producer overtake the consumer: Linux fails if the ring would be fuller
        // than size-1 (unsigned, so a consumer position ahead of the producer fails too).
        if (Long.compareUnsigned(newProd - cons(), mask) > 0) {
            dropped++;
            return null;
        }
        long pos = producerPos;
        int off = (int) (pos & mask);
        putInt(off, (int) size | BpfFlags.BPF_RINGBUF_BUSY_BIT);
        putInt(off + 4, DATA_PGOFF + (off >>> 12));
        setProd(newProd);
        return new Record(this, pos, new byte[(int) size]);
    }

    /** bpf_ringbuf_submit: commits the record; returns whether the consumer was woken. */
    public boolean submit(Record r, long flags) {
        return commit(r, flags, false);
    }

    /** bpf_ringbuf_discard: marks the record discarded; returns whether the consumer was woken. */
    public boolean discard(Record r, long flags) {
        return commit(r, flags, true);
    }

    private boolean commit(Record r, long flags, boolean discard) {
        boolean wake;
        synchronized (this) {
            if (r.committed || r.ring != this) {
                return false;
            }
            r.committed = true;
            int off = (int) (r.pos & mask);
            int n = r.sample.length;
            int start = (off + HDR) & mask;
            int first = Math.min(n, size - start);
            data.put(start, r.sample, 0, first);
            data.put(0, r.sample, first, n - first);
            int len = n | (discard ? BpfFlags.BPF_RINGBUF_DISCARD_BIT : 0);
            putInt(off, len);
            long consOff = cons() & mask;
            if ((flags & BpfFlags.BPF_RB_FORCE_WAKEUP) != 0) {
                wake = true;
            } else {
                wake = consOff == off && (flags & BpfFlags.BPF_RB_NO_WAKEUP) == 0;
            }
        }
        Runnable l = wakeupListener;
        if (wake && l != null) {
            l.run();
        }
        return wake;
    }

    /**
     * bpf_ringbuf_output: reserve + copy + submit. Returns 0, -EINVAL for flags other than
     * NO_WAKEUP/FORCE_WAKEUP, or -EAGAIN when the record does not fit.
     */
    public int output(byte[] sample, long flags) {
        if ((flags & ~(BpfFlags.BPF_RB_NO_WAKEUP | BpfFlags.BPF_RB_FORCE_WAKEUP)) != 0) {
            return err(Errno.EINVAL);
        }
        Record r = reserve(sample.length, 0);
        if (r == null) {
            return err(Errno.EAGAIN);
        }
        System.arraycopy(sample, 0, r.sample, 0, sample.length);
        submit(r, flags);
        return 0;
    }

    /** bpf_ringbuf_query: AVAIL_DATA, RING_SIZE, CONS_POS, PROD_POS; 0 for unknown flags. */
    public synchronized long query(long flags) {
        if (flags == BpfFlags.BPF_RB_AVAIL_DATA) {
            return producerPos - cons();
        } else if (flags == BpfFlags.BPF_RB_RING_SIZE) {
            return size;
        } else if (flags == BpfFlags.BPF_RB_CONS_POS) {
            return cons();
        } else if (flags == BpfFlags.BPF_RB_PROD_POS) {
            return producerPos;
        }
        return 0;
    }

    // ---- consumer side (the kernel's poll command; libbpf ringbuf_process_ring) ----

    /**
     * ringbuf_map_get_next_key: -ENOTSUPP (524), the kernel-internal errno Linux lets escape to
     * user space here (lookup, update and delete are -EINVAL, refused earlier by map_*_elem).
     */
    @Override
    public int getNextKey(byte[] key, byte[] nextKeyOut) {
        return (int) Errno.ENOTSUPP.ret();
    }

    /**
     * Skips discarded records at the consumer position and returns the length of the next
     * committed record without consuming it, or -1 if the ring is empty or the next record is
     * still BUSY.
     */
    public synchronized int peekLength() {
        for (long avail = unread(); avail > 0; avail = unread()) {
            long pos = cons();
            int len = getInt((int) (pos & mask));
            if ((len & BpfFlags.BPF_RINGBUF_BUSY_BIT) != 0) {
                return -1;
            }
            long span = ((len & ~BpfFlags.BPF_RINGBUF_DISCARD_BIT) + HDR + 7) & ~7L;
            if (span > avail) {
                return -1; // a record header the producer never wrote there: a bad consumer position
            }
            if ((len & BpfFlags.BPF_RINGBUF_DISCARD_BIT) != 0) {
                setCons(pos + span);
                continue;
            }
            return len;
        }
        return -1;
    }

    /**
     * Takes the next committed record (skipping discarded ones, stopping at a BUSY one) and
     * advances the consumer position past it; null if there is none.
     */
    public synchronized byte[] poll() {
        int len = peekLength();
        if (len < 0) {
            return null;
        }
        long pos = cons();
        int start = (int) ((pos + HDR) & mask);
        byte[] out = new byte[len];
        int first = Math.min(len, size - start);
        data.get(start, out, 0, first);
        data.get(0, out, first, len - first);
        setCons(pos + ((len + HDR + 7) & ~7L));
        return out;
    }

    /** The consumer position (libbpf's consumer page). */
    public synchronized long consumerPosition() {
        return cons();
    }

    /** The producer position. */
    public synchronized long producerPosition() {
        return producerPos;
    }

    /** Records that could not be reserved because the ring was full (reserve → NULL, output → -EAGAIN). */
    public synchronized long dropped() {
        return dropped;
    }

    /** Ring data size in bytes. */
    public int size() {
        return size;
    }

    /** A copy of the raw data area (for tests and debugging). */
    public synchronized byte[] rawData() {
        byte[] copy = new byte[size];
        data.get(0, copy);
        return copy;
    }

    /** A record header word; headers are 8-byte aligned, so never split by the ring's end. */
    private void putInt(int off, int v) {
        data.putInt(off, v);
    }

    private int getInt(int off) {
        return data.getInt(off);
    }

    /** For a debugger's variables view: positions as Linux's ringbuf header pages show them. */
    @Override
    public String toString() {
        return "RingBuf{size=" + size + ", consumer=" + cons() + ", producer=" + producerPos
                + ", unread=" + (producerPos - cons()) + ", dropped=" + dropped + (positions != null ? ", mapped" : "") + "}";
    }
}
