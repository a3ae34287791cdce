package dev.emu.kernel.perf;

import static dev.emu.abi.perf.PerfEventAttr.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.AnonInodeFile;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The file behind a perf event fd ("anon_inode:[perf_event]", Linux's perf_fops): read gives the
 * count in the attr's read_format, ioctl enables, disables, resets, names and programs the
 * event, poll reports EPOLLHUP while the event has no ring buffer, the last close frees it.
 */
public final class PerfEventFile extends AnonInodeFile implements dev.emu.kernel.fs.MappableFile {
    private final PerfEvent event;

    PerfEventFile(PerfEvent event, int statusFlags) {
        super(statusFlags, "perf_event");
        this.event = event;
    }

    public PerfEvent event() {
        return event;
    }

    /** perf_read: one read_format record; a buffer smaller than it is ENOSPC. */
    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        long fmt = event.attr().readFormat();
        List<PerfEvent> members = new ArrayList<>();
        if ((fmt & FORMAT_GROUP) != 0) {
            PerfEvent leader = event.leader();
            members.add(leader);
            members.addAll(leader.siblings());
        } else {
            members.add(event);
        }
        int perMember = 8 + ((fmt & FORMAT_ID) != 0 ? 8 : 0) + ((fmt & FORMAT_LOST) != 0 ? 8 : 0);
        int times = ((fmt & FORMAT_TOTAL_TIME_ENABLED) != 0 ? 8 : 0) + ((fmt & FORMAT_TOTAL_TIME_RUNNING) != 0 ? 8 : 0);
        int size = ((fmt & FORMAT_GROUP) != 0 ? 8 : 0) + times + perMember * members.size();
        if (len < size) {
            return Errno.ENOSPC.ret();
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        if ((fmt & FORMAT_GROUP) != 0) {
            b.putLong(members.size());
            times(b, fmt, event.leader());
            for (PerfEvent m : members) {
                member(b, fmt, m);
            }
        } else {
            b.putLong(event.count());
            times(b, fmt, event);
            if ((fmt & FORMAT_ID) != 0) {
                b.putLong(event.id());
            }
            if ((fmt & FORMAT_LOST) != 0) {
                b.putLong(event.lost());
            }
        }
        System.arraycopy(b.array(), 0, dst, off, size);
        return size;
    }

    private static void times(ByteBuffer b, long fmt, PerfEvent e) {
        if ((fmt & FORMAT_TOTAL_TIME_ENABLED) != 0) {
            b.putLong(e.timeEnabled());
        }
        if ((fmt & FORMAT_TOTAL_TIME_RUNNING) != 0) {
            b.putLong(e.timeEnabled());
        }
    }

    private static void member(ByteBuffer b, long fmt, PerfEvent e) {
        b.putLong(e.count());
        if ((fmt & FORMAT_ID) != 0) {
            b.putLong(e.id());
        }
        if ((fmt & FORMAT_LOST) != 0) {
            b.putLong(e.lost());
        }
    }

    /** _perf_ioctl. */
    @Override
    public long ioctl(Task task, int request, long arg) {
        switch (request) {
            case IOC_ENABLE, IOC_DISABLE, IOC_RESET -> {
                List<PerfEvent> targets = new ArrayList<>();
                if ((arg & IOC_FLAG_GROUP) != 0) { // perf_event_for_each: the whole group
                    targets.add(event.leader());
                    targets.addAll(event.leader().siblings());
                } else {
                    targets.add(event);
                }
                for (PerfEvent e : targets) {
                    switch (request) {
                        case IOC_ENABLE -> e.enable();
                        case IOC_DISABLE -> e.disable();
                        default -> e.reset();
                    }
                }
                return 0;
            }
            case IOC_ID -> {
                task.memory().writeLong(arg, event.id());
                return 0;
            }
            case IOC_PERIOD -> {
                long value = task.memory().readLong(arg);
                if (!event.attr().sampling()) {
                    return Errno.EINVAL.ret(); // is_sampling_event
                }
                if (value == 0 || (event.attr().has(FREQ) ? value > MAX_SAMPLE_RATE : value < 0)) {
                    return Errno.EINVAL.ret();
                }
                event.setPeriod(value);
                return 0;
            }
            case IOC_SET_BPF -> {
                return dev.emu.kernel.bpf.TracingAttach.setBpf(task, event, (int) arg);
            }
            case IOC_SET_OUTPUT, IOC_SET_FILTER, IOC_PAUSE_OUTPUT, IOC_QUERY_BPF, IOC_REFRESH -> {
                event.kernel().log().once("perf-ioctl:" + Integer.toHexString(request), "perf_event ioctl 0x"
                        + Integer.toHexString(request) + " is not implemented: returning -EOPNOTSUPP");
                return Errno.EOPNOTSUPP.ret();
            }
            case IOC_MODIFY_ATTRIBUTES -> {
                return Errno.EOPNOTSUPP.ret(); // perf_event_modify_attr: only breakpoints can, and emu has none
            }
            default -> {
                return Errno.ENOTTY.ret();
            }
        }
    }

    /** perf_poll: without a ring buffer an event is EPOLLHUP; with one, the wake-ups since the last poll. */
    @Override
    public int poll(Task task, PollTable table) {
        table.wait(event.waiters());
        return event.poll();
    }

    /** perf_mmap: the ring, writable only through an fd opened for writing. */
    @Override
    public long mmap(Task t, long addr, long length, int prot, int flags, long offset) {
        return event.mmap(t, addr, length, prot, flags, offset, true);
    }

    @Override
    protected void onRelease() {
        event.close();
    }
}
