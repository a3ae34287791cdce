package dev.emu.kernel.perf;

import static dev.emu.abi.perf.PerfEventAttr.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * perf_event_open(2) (kernel/events/core.c sys_perf_event_open, perf_init_event): the flag and
 * attr checks in Linux's order, the PMU by type (software, tracepoint, the kprobe PMU; no
 * hardware PMU: ENOENT), the target task or CPU, the group, and a new event fd.
 *
 * <p>What emu's PMUs do not implement is refused at open with EOPNOTSUPP and named once on the
 * kernel log: software events other than cpu-clock, task-clock, dummy and bpf-output; side-band
 * records (mmap, comm, task, context-switch… attr bits); inherit, enable_on_exec, precise_ip,
 * use_clockid, write_backward; kprobes at an offset or an address; cgroup targets.
 */
public final class SysPerfEventOpen {
    private SysPerfEventOpen() {}

    /** KSYM_NAME_LEN. */
    private static final int KSYM_NAME_LEN = 512;
    /** The one CPU emu has (nr_cpu_ids). */
    private static final int NR_CPUS = 1;
    /** Sample bits emu's records carry; the others are refused (EOPNOTSUPP). */
    private static final long SUPPORTED_SAMPLE = SAMPLE_IP | SAMPLE_TID | SAMPLE_TIME | SAMPLE_ADDR | SAMPLE_ID
            | SAMPLE_CPU | SAMPLE_PERIOD_BIT | SAMPLE_STREAM_ID | SAMPLE_RAW;
    /** Attr bits that ask for behaviour emu does not have. */
    private static final long UNSUPPORTED_FLAGS = INHERIT | MMAP | COMM | ENABLE_ON_EXEC | TASK | PRECISE_IP
            | MMAP_DATA | MMAP2 | COMM_EXEC | USE_CLOCKID | CONTEXT_SWITCH | WRITE_BACKWARD | NAMESPACES | KSYMBOL
            | BPF_EVENT | AUX_OUTPUT | CGROUP | TEXT_POKE | BUILD_ID | INHERIT_THREAD | REMOVE_ON_EXEC | SIGTRAP
            | INHERIT_STAT;

    private static final Map<Kernel, long[]> NEXT_ID = Collections.synchronizedMap(new WeakHashMap<>());

    /** PerfEventOpen implements Linux syscall perf_event_open(2). */
    public static long perfEventOpen(Task t, long attrAddr, long pid, long cpu, long groupFd, long flags, long a5) {
        Kernel k = t.kernel();
        if ((flags & ~FLAG_ALL) != 0) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        PerfAttr attr = PerfAttr.read(t, attrAddr, err);
        if (attr == null) {
            return err[0];
        }
        if (attr.has(FREQ) ? attr.samplePeriod() > MAX_SAMPLE_RATE : attr.samplePeriod() < 0) {
            return Errno.EINVAL.ret();
        }
        if ((flags & (FLAG_PID_CGROUP | FLAG_FD_OUTPUT)) != 0) {
            return unsupported(k, "flags", "perf_event_open flag 0x" + Long.toHexString(flags & (FLAG_PID_CGROUP | FLAG_FD_OUTPUT)));
        }
        // find_lively_task_by_vpid, then perf_event_alloc's CPU check
        Task target = null;
        if (pid != -1) {
            target = pid == 0 ? t : k.task((int) pid);
            if (pid < -1 || target == null || target.state() == TaskState.EXITED) {
                return Errno.ESRCH.ret();
            }
        }
        if (cpu < -1 || cpu >= NR_CPUS || pid == -1 && cpu == -1) {
            return Errno.EINVAL.ret();
        }
        PerfEvent leader = null;
        if (groupFd != -1) {
            File g = groupFd < 0 ? null : t.process().fds().get(groupFd);
            if (!(g instanceof PerfEventFile gf)) {
                return Errno.EBADF.ret(); // perf_fget_light
            }
            leader = gf.event().leader();
            if (leader.target() != target) {
                return Errno.EINVAL.ret(); // a group watches one task or one CPU
            }
        }
        PerfEvent.Kind kind;
        TraceEvent tp = null;
        switch (attr.type()) {
            case TYPE_SOFTWARE -> {
                if (attr.config() < 0 || attr.config() >= COUNT_SW_MAX) {
                    return Errno.ENOENT.ret(); // perf_swevent_init
                }
                kind = switch ((int) attr.config()) {
                    case COUNT_SW_CPU_CLOCK -> PerfEvent.Kind.CPU_CLOCK;
                    case COUNT_SW_TASK_CLOCK -> PerfEvent.Kind.TASK_CLOCK;
                    case COUNT_SW_DUMMY -> PerfEvent.Kind.DUMMY;
                    case COUNT_SW_BPF_OUTPUT -> PerfEvent.Kind.BPF_OUTPUT;
                    default -> null;
                };
                if (kind == null) {
                    return unsupported(k, "sw" + attr.config(), "software perf event " + attr.config());
                }
            }
            case TYPE_TRACEPOINT -> {
                tp = k.trace().byId(attr.config());
                if (tp == null) {
                    return Errno.EINVAL.ret(); // perf_trace_init: no event with that id (ret starts as -EINVAL)
                }
                kind = PerfEvent.Kind.TRACEPOINT;
            }
            case TYPE_KPROBE -> {
                if ((attr.config() & ~1L) != 0) {
                    return Errno.EINVAL.ret(); // only the retprobe bit is a format field
                }
                if (attr.config1() == 0 && attr.config2() == 0) {
                    return Errno.EINVAL.ret(); // perf_kprobe_init: neither kprobe_func nor kprobe_addr
                }
                if (attr.config1() == 0) {
                    return unsupported(k, "kprobe-addr", "kprobe by address");
                }
                byte[] name = UserMemory.readCString(t.memory(), attr.config1(), KSYM_NAME_LEN);
                if (name == null) {
                    return Errno.E2BIG.ret();
                }
                if (attr.config2() != 0) {
                    return unsupported(k, "kprobe-offset", "kprobe at an offset into a function");
                }
                tp = k.trace().kprobe(new String(name, StandardCharsets.UTF_8), (attr.config() & 1) != 0);
                if (tp == null) {
                    k.log().once("kprobe:" + new String(name, StandardCharsets.UTF_8), "kprobe: no symbol "
                            + new String(name, StandardCharsets.UTF_8) + " (emu's kernel probes only __x64_sys_<name> of its syscalls)");
                    return Errno.ENOENT.ret();
                }
                kind = PerfEvent.Kind.KPROBE;
            }
            default -> {
                return Errno.ENOENT.ret(); // no PMU of that type (emu has no hardware PMU)
            }
        }
        if ((attr.flags() & UNSUPPORTED_FLAGS) != 0) {
            return unsupported(k, "attr-flags", "perf_event_attr flag bits 0x" + Long.toHexString(attr.flags() & UNSUPPORTED_FLAGS));
        }
        if ((attr.sampleType() & ~SUPPORTED_SAMPLE) != 0) {
            return unsupported(k, "sample-type", "perf sample_type bits 0x" + Long.toHexString(attr.sampleType() & ~SUPPORTED_SAMPLE));
        }
        long[] next = NEXT_ID.computeIfAbsent(k, x -> new long[] {1});
        PerfEvent e = new PerfEvent(k, next[0]++, attr, kind, tp, target, leader);
        PerfEventFile f = new PerfEventFile(e, 2); // O_RDWR
        int fd = t.process().fds().install(f, 0, (flags & FLAG_FD_CLOEXEC) != 0);
        if (fd < 0) {
            f.release();
        }
        return fd;
    }

    private static long unsupported(Kernel k, String key, String what) {
        k.log().once("perf-unsupported:" + key, "perf_event_open: " + what + " is not implemented: returning -EOPNOTSUPP");
        return Errno.EOPNOTSUPP.ret();
    }
}
