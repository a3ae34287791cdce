package dev.emu.kernel.bpf;

import dev.emu.abi.bpf.BpfHelperId;
import dev.emu.abi.bpf.BpfProgType;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.bpf.verifier.ContextField;
import dev.emu.bpf.verifier.ContextLayout;
import dev.emu.bpf.verifier.FieldAccess;
import dev.emu.bpf.verifier.ProgramType;
import dev.emu.bpf.verifier.ProgramTypes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The program types PROG_LOAD accepts (Linux's bpf_prog_types table, include/linux/bpf_types.h),
 * each with the context layout and helper set the verifier checks against.
 *
 * <ul>
 *   <li>BPF_PROG_TYPE_EMU_TIMER (emu's, {@link EmuBpfExtensions}): r1 = struct emu_timer_ctx,
 *       read-only; base + current-task helpers. A type of its own rather than Linux's PERF_EVENT
 *       (7) because its context is not Linux's bpf_perf_event_data: one number, one layout, and a
 *       host kernel refuses the emu program with EINVAL instead of misreading its context.
 *   <li>BPF_PROG_TYPE_SOCKET_FILTER and SCHED_CLS: r1 = struct __sk_buff; XDP: r1 = struct
 *       xdp_md ({@link dev.emu.bpf.verifier.PacketProgramTypes}); runnable through PROG_TEST_RUN
 *       ({@link PacketTestRun}).
 * </ul>
 */
public final class KernelProgramTypes {
    private KernelProgramTypes() {}

    static final ProgramType EMU_TIMER = new ProgramType(EmuBpfExtensions.BPF_PROG_TYPE_EMU_TIMER, "emu_timer",
            new ContextLayout(EmuBpfExtensions.TIMER_CTX_SIZE, List.of(
                    new ContextField("tick", EmuBpfExtensions.TIMER_CTX_TICK, 8, false),
                    new ContextField("time_ns", EmuBpfExtensions.TIMER_CTX_TIME_NS, 8, false),
                    new ContextField("pid", EmuBpfExtensions.TIMER_CTX_PID, 4, false),
                    new ContextField("tid", EmuBpfExtensions.TIMER_CTX_TID, 4, false),
                    new ContextField("rip", EmuBpfExtensions.TIMER_CTX_RIP, 8, false))),
            ProgramTypes.TRACING_HELPERS);

    /**
     * The helpers Linux's tracing program types get (bpf_tracing_func_proto on top of the base
     * set) as far as emu implements them.
     */
    static final Set<Integer> TRACE_HELPERS = union(ProgramTypes.TRACING_HELPERS, Set.of(
            BpfHelperId.GET_CURRENT_UID_GID, BpfHelperId.PROBE_READ, BpfHelperId.PROBE_READ_STR,
            BpfHelperId.PROBE_READ_USER, BpfHelperId.PROBE_READ_KERNEL, BpfHelperId.PROBE_READ_USER_STR,
            BpfHelperId.PROBE_READ_KERNEL_STR, BpfHelperId.PERF_EVENT_OUTPUT, BpfHelperId.GET_STACKID,
            BpfHelperId.GET_STACK, BpfHelperId.SEND_SIGNAL, BpfHelperId.SEND_SIGNAL_THREAD));

    /** PERF_MAX_TRACE_SIZE (8192 since Linux 5.9): how far a tracepoint program may read (tp_prog_is_valid_access). */
    static final int PERF_MAX_TRACE_SIZE = 8192;
    /** sizeof(struct bpf_perf_event_data): the regs, sample_period at 168, addr at 176. */
    static final int PERF_EVENT_DATA_SIZE = 184;
    /** MAX_BPF_FUNC_ARGS u64s: how far a raw tracepoint program may read (raw_tp_prog_is_valid_access). */
    static final int RAW_TP_CTX_SIZE = 12 * 8;

    /** BPF_PROG_TYPE_KPROBE: r1 = struct pt_regs, read-only (kprobe_prog_is_valid_access). */
    static final ProgramType KPROBE = new ProgramType(BpfProgType.KPROBE, "kprobe",
            ContextLayout.alignedReadOnly(dev.emu.kernel.trace.PtRegs.SIZE), TRACE_HELPERS);
    /**
     * BPF_PROG_TYPE_TRACEPOINT: r1 = the tracepoint's record, read-only; the verifier allows up
     * to PERF_MAX_TRACE_SIZE and the attach refuses a program reading past the record (EACCES).
     */
    static final ProgramType TRACEPOINT = new ProgramType(BpfProgType.TRACEPOINT, "tracepoint",
            ContextLayout.alignedReadOnly(PERF_MAX_TRACE_SIZE), TRACE_HELPERS);
    /** BPF_PROG_TYPE_PERF_EVENT: r1 = struct bpf_perf_event_data, read-only. */
    static final ProgramType PERF_EVENT = new ProgramType(BpfProgType.PERF_EVENT, "perf_event",
            perfEventData(), TRACE_HELPERS);
    /** BPF_PROG_TYPE_RAW_TRACEPOINT: r1 = the tracepoint's arguments as u64s, read-only. */
    static final ProgramType RAW_TRACEPOINT = new ProgramType(BpfProgType.RAW_TRACEPOINT, "raw_tracepoint",
            ContextLayout.alignedReadOnly(RAW_TP_CTX_SIZE), TRACE_HELPERS);

    /** pe_prog_is_valid_access: regs as whole u64s, sample_period and addr. */
    private static ContextLayout perfEventData() {
        List<ContextField> fields = new java.util.ArrayList<>();
        for (int off = 0; off < dev.emu.kernel.trace.PtRegs.SIZE; off += 8) {
            fields.add(new ContextField("regs+" + off, off, 8, false, FieldAccess.WHOLE)); // size == sizeof(long)
        }
        fields.add(new ContextField("sample_period", 168, 8, false, FieldAccess.NARROW)); // bpf_ctx_narrow_access_ok
        fields.add(new ContextField("addr", 176, 8, false, FieldAccess.NARROW));
        return new ContextLayout(PERF_EVENT_DATA_SIZE, fields);
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> s = new HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    /** The type called {@code name} ("emu_timer", "socket_filter", "raw_memory", "kprobe", "tracepoint", "perf_event", "raw_tracepoint"), for `emu bpf verify`; or null. */
    public static ProgramType byName(String name) {
        ProgramType tracing = switch (name) {
            case "kprobe" -> KPROBE;
            case "tracepoint" -> TRACEPOINT;
            case "perf_event" -> PERF_EVENT;
            case "raw_tracepoint", "raw_tp" -> RAW_TRACEPOINT;
            default -> null;
        };
        if (tracing != null) {
            return tracing;
        }
        return name.equals("emu_timer") || name.equals("timer") ? EMU_TIMER : ProgramTypes.byName(name);
    }

    /** Helpers Linux restricts to GPL-compatible programs (gpl_only in their bpf_func_proto). */
    private static final Set<Integer> GPL_ONLY = Set.of(BpfHelperId.TRACE_PRINTK, BpfHelperId.PROBE_READ,
            BpfHelperId.PROBE_READ_STR, BpfHelperId.PROBE_READ_USER, BpfHelperId.PROBE_READ_KERNEL,
            BpfHelperId.PROBE_READ_USER_STR, BpfHelperId.PROBE_READ_KERNEL_STR, BpfHelperId.PERF_EVENT_OUTPUT,
            BpfHelperId.GET_STACKID, BpfHelperId.GET_STACK,
            BpfHelperId.TRACE_VPRINTK, BpfHelperId.SNPRINTF);

    /** The type for {@code progType}, or null if PROG_LOAD should refuse it with EINVAL. */
    static ProgramType of(int progType) {
        if (progType == EmuBpfExtensions.BPF_PROG_TYPE_EMU_TIMER) {
            return EMU_TIMER;
        }
        if (progType == BpfProgType.SOCKET_FILTER) {
            return ProgramTypes.SOCKET_FILTER;
        }
        if (progType == BpfProgType.SCHED_CLS) {
            return ProgramTypes.SCHED_CLS;
        }
        if (progType == BpfProgType.XDP) {
            return ProgramTypes.XDP;
        }
        if (progType == BpfProgType.KPROBE) {
            return KPROBE;
        }
        if (progType == BpfProgType.TRACEPOINT) {
            return TRACEPOINT;
        }
        if (progType == BpfProgType.PERF_EVENT) {
            return PERF_EVENT;
        }
        if (progType == BpfProgType.RAW_TRACEPOINT) {
            return RAW_TRACEPOINT;
        }
        return null;
    }

    /** {@code type} without the GPL-only helpers, for a program whose license is not GPL-compatible. */
    static ProgramType withoutGplHelpers(ProgramType type) {
        Set<Integer> h = new HashSet<>(type.allowedHelpers());
        h.removeAll(GPL_ONLY);
        return new ProgramType(type.id(), type.name(), type.context(), Set.copyOf(h));
    }

    /** license_is_gpl_compatible (include/linux/license.h). */
    static boolean gplCompatible(String license) {
        return switch (license) {
            case "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL" -> true;
            default -> false;
        };
    }
}
