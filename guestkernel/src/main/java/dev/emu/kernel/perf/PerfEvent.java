package dev.emu.kernel.perf;

import static dev.emu.abi.perf.PerfEventAttr.*;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.timer.KernelTimer;
import dev.emu.kernel.trace.PtRegs;
import dev.emu.kernel.trace.TraceEvent;
import dev.emu.kernel.trace.TraceHit;
import dev.emu.kernel.trace.TraceProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * One perf event (kernel/events/core.c struct perf_event): what it counts, whom it watches, its
 * enable state, its count, its BPF program and its group.
 *
 * <ul>
 *   <li>Tracepoint and kprobe events hook their {@link TraceEvent} from open to close, as
 *       perf_trace_init registers the probe: an attached program runs on every hit, in any task
 *       (Linux's trace_call_bpf does not filter by the event's task); the count goes up for hits
 *       in the watched task while the event is enabled.
 *   <li>cpu-clock and task-clock count nanoseconds while enabled: the kernel clock for a
 *       CPU-wide event, the task's CPU time for a task's. With a sample period (or frequency)
 *       a {@link KernelTimer} on the kernel clock fires every period; a firing with the watched
 *       task as the one that last ran is an overflow: the attached PERF_EVENT program runs on
 *       its registers. Firings while the CPU idles take no sample.
 *   <li>bpf-output events count bpf_perf_event_output calls; dummy events count nothing.
 * </ul>
 */
public final class PerfEvent {
    /** What the event counts. */
    public enum Kind { TRACEPOINT, KPROBE, CPU_CLOCK, TASK_CLOCK, DUMMY, BPF_OUTPUT }

    private final Kernel kernel;
    private final long id;
    private final PerfAttr attr;
    private final Kind kind;
    private final TraceEvent tracepoint;
    private final Task target;
    private final PerfEvent leader;
    private final List<PerfEvent> siblings = new ArrayList<>();
    private final WaitQueue waiters = new WaitQueue("perf_event");
    private final TraceProbe probe = this::onTrace;
    private final KernelTimer timer;
    private long periodNanos;
    private boolean enabled;
    private boolean closed;
    private long count;
    /** {@link #now()} at the last enable (the clocks' count base). */
    private long enabledAt;
    /** The kernel clock at the last enable. */
    private long enabledAtClock;
    private long timeEnabled;
    private PerfProgram program;
    /** The mmap'ed ring (null until the first mmap). */
    private PerfRing ring;
    /** Hits since the last sample of a tracepoint event with a period above 1. */
    private long hitsInPeriod;

    PerfEvent(Kernel kernel, long id, PerfAttr attr, Kind kind, TraceEvent tracepoint, Task target, PerfEvent leader) {
        this.kernel = kernel;
        this.id = id;
        this.attr = attr;
        this.kind = kind;
        this.tracepoint = tracepoint;
        this.target = target;
        this.leader = leader == null ? this : leader;
        if (leader != null) {
            leader.siblings.add(this);
        }
        boolean clock = kind == Kind.CPU_CLOCK || kind == Kind.TASK_CLOCK;
        this.timer = clock && attr.sampling() ? new KernelTimer(this::clockExpired) : null;
        if (timer != null) {
            // freq: a fixed period of 1/freq s (Linux adapts the period to reach the frequency;
            // on a clock event the adapted period is that same value).
            periodNanos = attr.has(FREQ) ? Math.max(1, 1_000_000_000L / attr.samplePeriod()) : attr.samplePeriod();
        }
        if (tracepoint != null) {
            tracepoint.attach(probe);
        }
        if (!attr.has(DISABLED)) {
            enable();
        }
    }

    public long id() {
        return id;
    }

    public PerfAttr attr() {
        return attr;
    }

    public Kind kind() {
        return kind;
    }

    /** The tracepoint or kprobe point (null for other kinds). */
    public TraceEvent tracepoint() {
        return tracepoint;
    }

    /** True for the events Linux calls tracing events (perf_event_is_tracing): tracepoints and kprobes. */
    public boolean tracing() {
        return kind == Kind.TRACEPOINT || kind == Kind.KPROBE;
    }

    /** The sample period in ns (clock events) or as given (others); 0 when counting. */
    public long samplePeriod() {
        return timer != null ? periodNanos : attr.has(FREQ) ? 0 : attr.samplePeriod();
    }

    public Task target() {
        return target;
    }

    public PerfEvent leader() {
        return leader;
    }

    List<PerfEvent> siblings() {
        return siblings;
    }

    WaitQueue waiters() {
        return waiters;
    }

    public Kernel kernel() {
        return kernel;
    }

    public boolean enabled() {
        return enabled;
    }

    public PerfProgram program() {
        return program;
    }

    /** Attaches {@code p}; false if a program is already attached (the caller answers EEXIST). */
    public boolean setProgram(PerfProgram p) {
        if (program != null || closed) {
            return false;
        }
        program = p;
        return true;
    }

    /** Detaches the program, if it is {@code p} (perf_event_free_bpf_prog). */
    public void clearProgram(PerfProgram p) {
        if (program == p && p != null) {
            program = null;
            p.release();
        }
    }

    void enable() {
        if (enabled || closed) {
            return;
        }
        enabled = true;
        enabledAt = now();
        enabledAtClock = kernel.clock().nanos();
        if (timer != null) {
            kernel.timers().arm(timer, deadline(kernel.clock().nanos()));
        }
    }

    /**
     * The next firing one period after {@code now}, never more often than every 10 µs
     * (perf_swevent_hrtimer), and never wrapping past the end of time for a huge period.
     */
    private long deadline(long now) {
        long d = now + Math.max(10_000, periodNanos);
        return d < now ? Long.MAX_VALUE : d;
    }

    void disable() {
        if (!enabled) {
            return;
        }
        timeEnabled += kernel.clock().nanos() - enabledAtClock;
        if (kind == Kind.CPU_CLOCK || kind == Kind.TASK_CLOCK) {
            count += now() - enabledAt;
        }
        enabled = false;
        if (timer != null) {
            kernel.timers().cancel(timer);
        }
    }

    void reset() {
        count = 0;
        if (enabled && (kind == Kind.CPU_CLOCK || kind == Kind.TASK_CLOCK)) {
            enabledAt = now();
        }
    }

    /** PERF_EVENT_IOC_PERIOD: a new period (or frequency) for a sampling event. */
    void setPeriod(long value) {
        if (timer != null) {
            periodNanos = attr.has(FREQ) ? Math.max(1, 1_000_000_000L / value) : value;
            if (enabled) {
                kernel.timers().arm(timer, deadline(kernel.clock().nanos()));
            }
        }
    }

    /** The counter now (perf_event_read_value): clocks include the running interval. */
    public long count() {
        if (enabled && (kind == Kind.CPU_CLOCK || kind == Kind.TASK_CLOCK)) {
            return count + now() - enabledAt;
        }
        return count;
    }

    /** Total time enabled in ns (also the time running: emu never multiplexes). */
    long timeEnabled() {
        return enabled ? timeEnabled + kernel.clock().nanos() - enabledAtClock : timeEnabled;
    }

    long lost() {
        return ring == null ? 0 : ring.lost();
    }

    /** The time base of the count: a task's CPU time for a task-bound clock, else the kernel clock. */
    private long now() {
        if (target != null && (kind == Kind.CPU_CLOCK || kind == Kind.TASK_CLOCK)) {
            return kernel.cpuTime(target);
        }
        return kernel.clock().nanos();
    }

    private void onTrace(TraceHit hit) {
        if (program != null && !program.onHit(hit)) {
            return;
        }
        if (enabled && (target == null || hit.task() == target)) {
            count++;
            if (attr.samplePeriod() > 0 && !attr.has(FREQ) && ++hitsInPeriod >= attr.samplePeriod()) {
                hitsInPeriod = 0;
                // the record is the raw data; syscalls:* events sample the task's user registers
                // (perf_syscall_enter/exit pass them), the others the kernel's
                boolean user = tracepoint.system().equals("syscalls") && hit.task() != null;
                sample(hit.task(), user ? hit.task().cpu().get(dev.emu.kernel.platform.Reg.RIP) : 0,
                        user ? PerfRing.MISC_USER : PerfRing.MISC_KERNEL, hit.record());
            }
        }
    }

    /** bpf_perf_event_output wrote {@code data} through this bpf-output event in {@code task}: 0 or -errno. */
    public long output(Task task, byte[] data) {
        // perf_event_output does not count: a bpf-output event's count stays 0, as on Linux.
        // perf_output_begin: no ring, or no room in it, is -ENOSPC
        return sample(task, 0, PerfRing.MISC_KERNEL, data) ? 0 : dev.emu.abi.Errno.ENOSPC.ret();
    }

    private void clockExpired(long now) {
        if (!enabled || closed) {
            return;
        }
        kernel.timers().arm(timer, deadline(now));
        Task t = kernel.lastRun();
        if (t == null || t.state() == dev.emu.kernel.task.TaskState.EXITED || (target != null && t != target)
                || attr.has(EXCLUDE_USER)) {
            return; // idle, another task, or only kernel-mode samples asked for: emu samples user mode
        }
        byte[] regs = PtRegs.current(t.cpu(), -1);
        if (program != null && !program.onOverflow(this, t, regs)) {
            return;
        }
        sample(t, t.cpu().get(dev.emu.kernel.platform.Reg.RIP), PerfRing.MISC_USER, null);
    }

    // ---- the ring (perf_output_sample, perf_event_lost) ----

    /** Maps this event's ring for {@code t}: (1 + 2^n) pages at offset 0, MAP_SHARED (perf_mmap). */
    long mmap(dev.emu.kernel.task.Task t, long addr, long length, int prot, int flags, long offset, boolean mayWrite) {
        if ((flags & dev.emu.kernel.fs.MappableFile.MAP_SHARED) == 0 || offset != 0) {
            return dev.emu.abi.Errno.EINVAL.ret(); // private mappings; offset != 0 is the AUX area, which emu has not
        }
        long len = (length + PerfRing.PAGE - 1) & -PerfRing.PAGE;
        long nr = len / PerfRing.PAGE - 1;
        if (nr != 0 && Long.bitCount(nr) != 1 || nr > (1 << 20)) {
            return dev.emu.abi.Errno.EINVAL.ret();
        }
        if (ring != null && ring.dataPages() != nr) {
            return dev.emu.abi.Errno.EINVAL.ret();
        }
        if (ring == null) {
            dev.emu.kernel.platform.SharedPages pages = dev.emu.kernel.mm.SharedMemory.allocate(kernel.platform(),
                    kernel.memory(), len);
            if (pages == null) {
                return dev.emu.abi.Errno.ENOMEM.ret();
            }
            ring = new PerfRing(pages, (int) nr, (prot & 2) != 0, attr);
            ring.updateUserPage(count(), timeEnabled());
        }
        return t.process().mm().mmapShared(addr, len, prot, (flags & dev.emu.kernel.fs.MappableFile.MAP_FIXED) != 0,
                (flags & dev.emu.kernel.fs.MappableFile.MAP_FIXED_NOREPLACE) != 0, ring.pages(), 0, mayWrite, false,
                "anon_inode:[perf_event]");
    }

    /** The poll bits: EPOLLHUP without a ring, else the wake-ups since the last poll (perf_poll). */
    int poll() {
        return ring == null ? dev.emu.abi.PollEvents.POLLHUP : ring.takePoll();
    }

    /**
     * Writes a PERF_RECORD_SAMPLE with the attr's sample_type fields into the ring (if mapped);
     * false if there is no ring or the record was lost.
     */
    private boolean sample(Task task, long ip, int misc, byte[] raw) {
        if (ring == null) {
            return false;
        }
        long st = attr.sampleType();
        int rawBytes = 0;
        if ((st & SAMPLE_RAW) != 0) {
            int rawLen = raw == null ? 4 : raw.length; // no raw data: a u32 of zero, as perf_prepare_sample
            rawBytes = (int) ((4 + rawLen + 7L) & -8L);
        }
        int body = 8 * Long.bitCount(st & (SAMPLE_IP | SAMPLE_TID | SAMPLE_TIME | SAMPLE_ADDR | SAMPLE_ID
                | SAMPLE_STREAM_ID | SAMPLE_CPU | SAMPLE_PERIOD_BIT)) + rawBytes;
        java.nio.ByteBuffer r = PerfRing.record(PerfRing.RECORD_SAMPLE, misc, body);
        if ((st & SAMPLE_IP) != 0) {
            r.putLong(ip);
        }
        if ((st & SAMPLE_TID) != 0) {
            r.putInt(task == null ? 0 : task.process().pid()).putInt(task == null ? 0 : task.tid());
        }
        if ((st & SAMPLE_TIME) != 0) {
            r.putLong(kernel.clock().nanos());
        }
        if ((st & SAMPLE_ADDR) != 0) {
            r.putLong(0);
        }
        if ((st & SAMPLE_ID) != 0) {
            r.putLong(id);
        }
        if ((st & SAMPLE_STREAM_ID) != 0) {
            r.putLong(id);
        }
        if ((st & SAMPLE_CPU) != 0) {
            r.putInt(0).putInt(0);
        }
        if ((st & SAMPLE_PERIOD_BIT) != 0) {
            r.putLong(samplePeriod());
        }
        if ((st & SAMPLE_RAW) != 0) {
            r.putInt(rawBytes - 4);
            if (raw != null) {
                r.put(raw);
            }
        }
        byte[] lost = ring.pendingLost() > 0 ? lostRecord(task, ring.pendingLost()) : null;
        boolean written = ring.output(r.array(), lost, true, attr.has(WATERMARK) ? 0 : attr.wakeupEvents());
        ring.updateUserPage(count(), timeEnabled());
        if (ring.takeWake()) {
            waiters.wake(kernel.scheduler(), dev.emu.abi.PollEvents.POLLIN);
        }
        return written;
    }

    /** PERF_RECORD_LOST {id, lost} with the sample_id fields when sample_id_all is set. */
    private byte[] lostRecord(Task task, long lostCount) {
        long st = attr.has(SAMPLE_ID_ALL) ? attr.sampleType() : 0;
        int idBytes = 8 * Long.bitCount(st & (SAMPLE_TID | SAMPLE_TIME | SAMPLE_ID | SAMPLE_STREAM_ID | SAMPLE_CPU));
        java.nio.ByteBuffer r = PerfRing.record(PerfRing.RECORD_LOST, 0, 16 + idBytes);
        r.putLong(id).putLong(lostCount);
        if ((st & SAMPLE_TID) != 0) {
            r.putInt(task == null ? 0 : task.process().pid()).putInt(task == null ? 0 : task.tid());
        }
        if ((st & SAMPLE_TIME) != 0) {
            r.putLong(kernel.clock().nanos());
        }
        if ((st & SAMPLE_ID) != 0) {
            r.putLong(id);
        }
        if ((st & SAMPLE_STREAM_ID) != 0) {
            r.putLong(id);
        }
        if ((st & SAMPLE_CPU) != 0) {
            r.putInt(0).putInt(0);
        }
        return r.array();
    }

    /** The last close (perf_release): unhook, stop, let go of the program and the group. */
    void close() {
        if (closed) {
            return;
        }
        disable();
        closed = true;
        if (tracepoint != null) {
            tracepoint.detach(probe);
        }
        if (program != null) {
            PerfProgram p = program;
            program = null;
            p.release();
        }
        if (leader != this) {
            leader.siblings.remove(this);
        }
        if (ring != null) {
            ring.pages().release(); // mappings keep the pages until they go, as on Linux
        }
        waiters.wakeAll(kernel.scheduler());
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public String toString() {
        return "perf event " + id + " (" + kind + (tracepoint == null ? "" : " " + tracepoint.fullName()) + ")";
    }
}
