package dev.emu.kernel.trace;

import dev.emu.kernel.syscall.SyscallDef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's tracepoints (Linux's ftrace_events list and event ids): raw_syscalls, syscalls,
 * sched and signal events with their tracefs ids and formats, plus the kprobe attach points on
 * the syscall wrappers. Ids are given in a fixed order, so they are the same on every run.
 */
public final class TraceEvents {
    /** The first id: Linux's dynamic event ids start after the fixed ftrace entry types. */
    static final int FIRST_ID = 100;

    private final Map<String, TraceEvent> byName = new LinkedHashMap<>();
    private final List<TraceEvent> byId = new ArrayList<>();
    private final Map<String, TraceEvent> kprobes = new LinkedHashMap<>();
    private final SyscallEvents syscalls;
    private final SchedEvents sched;
    private final SignalEvents signal;
    private final TracePipe pipe = new TracePipe();

    public TraceEvents(SyscallDef[] table) {
        TraceEvent rawEnter = add("raw_syscalls", "sys_enter", List.of(
                new TraceField("long", "id", 8, 8, true), new TraceField("unsigned long", "args[6]", 16, 48, false)), 64,
                "\"NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)\", REC->id, REC->args[0], REC->args[1], REC->args[2], REC->args[3], REC->args[4], REC->args[5]",
                2);
        TraceEvent rawExit = add("raw_syscalls", "sys_exit", List.of(
                new TraceField("long", "id", 8, 8, true), new TraceField("long", "ret", 16, 8, true)), 24,
                "\"NR %ld = %ld\", REC->id, REC->ret", 2);
        TraceEvent[] enter = new TraceEvent[table.length];
        TraceEvent[] exit = new TraceEvent[table.length];
        TraceEvent[] kprobe = new TraceEvent[table.length];
        TraceEvent[] kretprobe = new TraceEvent[table.length];
        for (SyscallDef d : table) {
            if (d == null || d.handler() == null) {
                continue;
            }
            String name = defineName(d.name());
            enter[d.number()] = syscallEnter(d, name);
            exit[d.number()] = add("syscalls", "sys_exit_" + name, List.of(
                    new TraceField("int", "__syscall_nr", 8, 4, true), new TraceField("long", "ret", 16, 8, true)), 24,
                    "\"0x%lx\", REC->ret", 2);
            String sys = "sys_" + name; // print_syscall_exit
            exit[d.number()].setText(h -> sys + " -> 0x" + Long.toHexString(longAt(h.record(), 16)));
            // Not tracefs events: kprobe attach points, a PtRegs context each.
            kprobe[d.number()] = new TraceEvent(0, "kprobes", "__x64_sys_" + name, List.of(), PtRegs.SIZE, "", 1);
            kretprobe[d.number()] = new TraceEvent(0, "kprobes", "__x64_sys_" + name, List.of(), PtRegs.SIZE, "", 2);
            kprobes.put("__x64_sys_" + name, kprobe[d.number()]);
        }
        rawEnter.setText(h -> {
            StringBuilder sb = new StringBuilder("sys_enter: NR ").append(longAt(h.record(), 8)).append(" (");
            for (int i = 0; i < 6; i++) {
                sb.append(i == 0 ? "" : ", ").append(Long.toHexString(longAt(h.record(), 16 + 8 * i)));
            }
            return sb.append(')').toString();
        });
        rawExit.setText(h -> "sys_exit: NR " + longAt(h.record(), 8) + " = " + longAt(h.record(), 16));
        this.syscalls = new SyscallEvents(rawEnter, rawExit, enter, exit, kprobe, kretprobe);
        this.sched = new SchedEvents(this);
        this.signal = new SignalEvents(this);
    }

    /**
     * The name Linux's SYSCALL_DEFINE gives a syscall, which names its events and its wrapper
     * symbol: x86_64's stat, fstat, lstat and uname are the "new" ABI's (newstat…), sendfile is
     * sendfile64.
     */
    static String defineName(String name) {
        return switch (name) {
            case "stat", "fstat", "lstat", "uname" -> "new" + name;
            case "sendfile" -> "sendfile64";
            default -> name;
        };
    }

    private TraceEvent syscallEnter(SyscallDef d, String name) {
        List<SyscallTraceArgs.Arg> args = SyscallTraceArgs.of(name);
        if (args == null) { // not in Linux's list: named by position, typed by the table
            List<SyscallTraceArgs.Arg> fallback = new ArrayList<>();
            for (int i = 0; i < d.args().length; i++) {
                fallback.add(new SyscallTraceArgs.Arg(d.args()[i].width().name().startsWith("INT") ? "int"
                        : d.args()[i].width().name().startsWith("UINT") ? "unsigned int" : "unsigned long", "arg" + i));
            }
            args = fallback;
        }
        List<TraceField> fields = new ArrayList<>();
        fields.add(new TraceField("int", "__syscall_nr", 8, 4, true));
        StringBuilder fmt = new StringBuilder("\"");
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            SyscallTraceArgs.Arg a = args.get(i);
            fields.add(new TraceField(a.type(), a.name(), 16 + 8 * i, 8, false));
            fmt.append(i == 0 ? "" : ", ").append(a.name()).append(": 0x%08lx");
            values.append(", ((unsigned long)(REC->").append(a.name()).append("))");
        }
        fmt.append('"').append(values);
        TraceEvent e = add("syscalls", "sys_enter_" + name, fields, 16 + 8 * args.size(), fmt.toString(), 2);
        List<SyscallTraceArgs.Arg> named = args;
        e.setText(h -> { // print_syscall_enter
            StringBuilder sb = new StringBuilder("sys_").append(name).append('(');
            for (int i = 0; i < named.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(named.get(i).name()).append(": 0x")
                        .append(Long.toHexString(longAt(h.record(), 16 + 8 * i)));
            }
            return sb.append(')').toString();
        });
        return e;
    }

    private static long longAt(byte[] record, int off) {
        return java.nio.ByteBuffer.wrap(record).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(off);
    }

    TraceEvent add(String system, String name, List<TraceField> fields, int size, String printFormat, int rawArgs) {
        TraceEvent e = new TraceEvent(FIRST_ID + byId.size(), system, name, fields, size, printFormat, rawArgs);
        byId.add(e);
        byName.put(system + ":" + name, e);
        return e;
    }

    /** The event with tracefs id {@code id}, or null. */
    public TraceEvent byId(long id) {
        long i = id - FIRST_ID;
        return i >= 0 && i < byId.size() ? byId.get((int) i) : null;
    }

    /** The event {@code system:name}, or null. */
    public TraceEvent byName(String system, String name) {
        return byName.get(system + ":" + name);
    }

    /**
     * The tracepoint a raw tracepoint may attach to by {@code name} (bpf_get_raw_tracepoint:
     * the bare TRACE_EVENT name, e.g. "sys_enter", "sched_switch"); the per-syscall events are
     * not tracepoints of their own in Linux and are not found.
     */
    public TraceEvent rawTracepoint(String name) {
        for (TraceEvent e : byId) {
            if (!e.system().equals("syscalls") && e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** The kprobe attach point for kernel symbol {@code symbol} (only __x64_sys_NAME), or null. */
    public TraceEvent kprobe(String symbol, boolean retprobe) {
        TraceEvent k = kprobes.get(symbol);
        if (k == null) {
            return null;
        }
        for (int nr = 0; ; nr++) {
            if (syscalls.kprobe(nr, false) == k) {
                return syscalls.kprobe(nr, retprobe);
            }
        }
    }

    /** The syscall wrappers {@code __x64_sys_NAME}, in syscall-number order (the kernel BTF's FUNCs). */
    public List<String> syscallWrappers() {
        return List.copyOf(kprobes.keySet());
    }

    /** Every tracefs event, by id. */
    public List<TraceEvent> all() {
        return Collections.unmodifiableList(byId);
    }

    public SyscallEvents syscalls() {
        return syscalls;
    }

    public SchedEvents sched() {
        return sched;
    }

    public SignalEvents signal() {
        return signal;
    }

    /** The trace_pipe buffer (bpf_trace_printk output). */
    public TracePipe pipe() {
        return pipe;
    }
}
