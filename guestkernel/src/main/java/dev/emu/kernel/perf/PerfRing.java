package dev.emu.kernel.perf;

import static dev.emu.abi.perf.PerfEventAttr.*;

import dev.emu.kernel.platform.SharedPages;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A perf event's mmap'ed ring buffer (kernel/events/ring_buffer.c): struct perf_event_mmap_page
 * in the first page, 2^n data pages after it, all in {@link SharedPages} the guest maps. The
 * kernel writes records at data_head and publishes it (release); user space consumes and
 * publishes data_tail. A writable mapping keeps what user space has not consumed (a record that
 * does not fit is lost, and a PERF_RECORD_LOST record says how many at the next one that fits);
 * a read-only mapping overwrites (RING_BUFFER_WRITABLE unset).
 *
 * <p>Wake-ups (perf_output_wakeup): every wakeup_events records, or when data_head passes the
 * watermark (wakeup_watermark with the watermark bit, else half the data area); a wake-up sets
 * the poll bits that the next poll takes.
 */
final class PerfRing {
    /** perf_event_mmap_page offsets. */
    static final int LOCK = 8, INDEX = 12, OFFSET = 16, TIME_ENABLED = 24, TIME_RUNNING = 32, CAPABILITIES = 40,
            SIZE = 72, DATA_HEAD = 1024, DATA_TAIL = 1032, DATA_OFFSET = 1040, DATA_SIZE = 1048;
    /** offsetof(struct perf_event_mmap_page, __reserved): the size user space may rely on. */
    static final int USERPAGE_SIZE = 96;
    /** cap_bit0_is_deprecated. */
    static final long CAP_BIT0_IS_DEPRECATED = 2;
    /** PERF_RECORD_* and PERF_RECORD_MISC_*. */
    static final int RECORD_LOST = 2, RECORD_SAMPLE = 9, MISC_KERNEL = 1, MISC_USER = 2;
    static final int PAGE = 4096;

    private final SharedPages pages;
    private final int dataPages;
    private final long dataSize;
    private final boolean overwrite;
    private final long watermark;
    private long head;
    private long lostRecords;
    private long lostTotal;
    private long wakeupAt;
    private int eventsSinceWakeup;
    private int pollBits;
    private boolean woke;

    PerfRing(SharedPages pages, int dataPages, boolean writable, PerfAttr attr) {
        this.pages = pages;
        this.dataPages = dataPages;
        this.dataSize = (long) dataPages * PAGE;
        this.overwrite = !writable;
        long wm = attr.has(WATERMARK) ? Math.min(dataSize, attr.wakeupEvents() & 0xffffffffL) : 0;
        this.watermark = wm != 0 ? wm : dataSize / 2;
        pages.putLong(CAPABILITIES, CAP_BIT0_IS_DEPRECATED);
        pages.putInt(SIZE, USERPAGE_SIZE);
        pages.putLong(DATA_OFFSET, PAGE);
        pages.putLong(DATA_SIZE, dataSize);
    }

    SharedPages pages() {
        return pages;
    }

    int dataPages() {
        return dataPages;
    }

    long lost() {
        return lostTotal;
    }

    /** Takes the pending poll bits (perf_poll's atomic_xchg(&rb->poll, 0)). */
    int takePoll() {
        int b = pollBits;
        pollBits = 0;
        return b;
    }

    /** perf_event_update_userpage: the count and times a reader of the page sees. */
    void updateUserPage(long count, long timeEnabled) {
        pages.putInt(LOCK, pages.getInt(LOCK) + 1);
        pages.putLong(OFFSET, count);
        pages.putLong(TIME_ENABLED, timeEnabled);
        pages.putLong(TIME_RUNNING, timeEnabled);
        pages.putInt(LOCK, pages.getInt(LOCK) + 1);
    }

    /**
     * Writes one record (its header's size is record.length); true if it was written, false if
     * it was lost. Emits a pending PERF_RECORD_LOST ({@code lostRecordFor}) first when both fit.
     */
    boolean output(byte[] record, byte[] lostRecordFor, boolean countsAsEvent, int wakeupEvents) {
        if (dataSize == 0) {
            return false;
        }
        if (lostRecords > 0 && lostRecordFor != null && fits(lostRecordFor.length + record.length)) {
            write(lostRecordFor);
            lostRecords = 0;
        }
        if (!fits(record.length)) {
            lostRecords++;
            lostTotal++;
            return false;
        }
        write(record);
        boolean wake = false;
        if (head - wakeupAt > watermark) {
            wakeupAt += watermark * ((head - wakeupAt) / watermark);
            wake = true;
        }
        if (countsAsEvent && wakeupEvents > 0 && ++eventsSinceWakeup >= wakeupEvents) {
            eventsSinceWakeup = 0;
            wake = true;
        }
        pages.putLong(DATA_HEAD, head); // release: the record is visible before the head moves
        if (wake) {
            pollBits |= dev.emu.abi.PollEvents.POLLIN | dev.emu.abi.PollEvents.POLLRDNORM;
            woke = true;
        }
        return true;
    }

    /** True once after a record crossed a wake-up point: the caller wakes the pollers. */
    boolean takeWake() {
        boolean w = woke;
        woke = false;
        return w;
    }

    /** The number of lost records the next PERF_RECORD_LOST reports. */
    long pendingLost() {
        return lostRecords;
    }

    private boolean fits(long size) {
        if (overwrite) {
            return size <= dataSize;
        }
        long tail = pages.getLong(DATA_TAIL); // acquire; user-written, so bound it
        long used = head - tail;
        if (used < 0 || used > dataSize) {
            used = dataSize; // a tail that makes no sense frees nothing
        }
        return size <= dataSize - used - 1; // CIRC_SPACE: one byte stays free, so head never meets tail
    }

    private void write(byte[] rec) {
        long at = head % dataSize;
        int first = (int) Math.min(rec.length, dataSize - at);
        pages.write(PAGE + at, rec, 0, first);
        if (first < rec.length) {
            pages.write(PAGE, rec, first, rec.length - first);
        }
        head += rec.length;
    }

    /** A record's bytes: a perf_event_header, then the body. */
    static ByteBuffer record(int type, int misc, int bodySize) {
        ByteBuffer b = ByteBuffer.allocate(8 + bodySize).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putShort((short) misc).putShort((short) (8 + bodySize));
        return b;
    }
}
