package dev.emu.kernel.bpf;

import dev.emu.abi.bpf.BpfHelperId;
import dev.emu.abi.bpf.BpfProgType;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.bpf.verifier.ContextField;
import dev.emu.bpf.verifier.ContextLayout;
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

    /** The type called {@code name} ("emu_timer", "socket_filter", "raw_memory"), for `emu bpf verify`; or null. */
    public static ProgramType byName(String name) {
        return name.equals("emu_timer") || name.equals("timer") ? EMU_TIMER : ProgramTypes.byName(name);
    }

    /** Helpers Linux restricts to GPL-compatible programs (gpl_only in their bpf_func_proto). */
    private static final Set<Integer> GPL_ONLY = Set.of(BpfHelperId.TRACE_PRINTK, BpfHelperId.PROBE_READ,
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
