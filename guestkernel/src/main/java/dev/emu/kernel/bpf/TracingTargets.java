package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.bpf.btf.Btf;
import dev.emu.bpf.btf.BtfKind;
import dev.emu.bpf.btf.BtfType;
import dev.emu.bpf.verifier.ContextLayout;
import dev.emu.bpf.verifier.ProgramType;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.trace.TraceEvent;

/**
 * BPF_PROG_TYPE_TRACING's attach points, resolved at PROG_LOAD from attach_btf_id against the
 * kernel BTF as Linux's bpf_check_attach_target does: BPF_TRACE_RAW_TP (tp_btf) on a
 * {@code btf_trace_NAME} typedef whose tracepoint emu has, BPF_TRACE_FENTRY/FEXIT on a FUNC
 * {@code __x64_sys_NAME} (emu's syscall entry points). The context is the u64 arguments: the
 * TP_PROTO arguments for tp_btf; {@code const struct pt_regs *regs} for fentry, plus the return
 * value for fexit. Other attach types (fmod_ret, iterators, LSM, freplace) are refused with
 * Linux's errnos and named on the kernel log.
 */
final class TracingTargets {
    private TracingTargets() {}

    /** enum bpf_attach_type: BPF_TRACE_RAW_TP, BPF_TRACE_FENTRY, BPF_TRACE_FEXIT, BPF_MODIFY_RETURN, BPF_TRACE_ITER. */
    static final int TRACE_RAW_TP = 23, TRACE_FENTRY = 24, TRACE_FEXIT = 25, MODIFY_RETURN = 26, TRACE_ITER = 28;
    /** BPF_PROG_TYPE_TRACING. */
    static final int PROG_TYPE_TRACING = 26;
    private static final String TP_PREFIX = "btf_trace_";

    /**
     * What a TRACING program attaches to: the event whose hits run it (a raw tracepoint, or the
     * kprobe/kretprobe site of a syscall wrapper), how many u64 arguments its context has, and
     * the BTF id and name it was loaded for.
     */
    record Target(int attachType, int btfId, String name, TraceEvent event, int args) {
        /** The program type to verify against: the arguments as u64s, read-only (btf_ctx_access). */
        ProgramType programType() {
            return new ProgramType(PROG_TYPE_TRACING, "tracing", ContextLayout.raw(args * 8, false),
                    KernelProgramTypes.TRACE_HELPERS);
        }
    }

    /** The result: a target, or an errno with the verifier log line Linux writes. */
    record Resolved(Target target, Errno errno, String log) {}

    private static Resolved refuse(Errno e, String log) {
        return new Resolved(null, e, log);
    }

    static boolean supportedAttachType(int expected) {
        return expected == TRACE_RAW_TP || expected == TRACE_FENTRY || expected == TRACE_FEXIT;
    }

    /** bpf_check_attach_target for a TRACING program loaded with {@code expected} and {@code btfId}. */
    static Resolved resolve(Kernel kernel, BpfSubsystem bpf, int expected, long btfId) {
        if (!supportedAttachType(expected)) {
            bpf.reportUnsupported("TRACING attach type " + Integer.toUnsignedString(expected)
                    + " (emu has tp_btf, fentry and fexit)");
            return refuse(Errno.EINVAL, "");
        }
        if (btfId == 0) {
            return refuse(Errno.EINVAL, "Tracing programs must provide btf_id");
        }
        Btf btf = kernel.kernelBtf().btf();
        BtfType t = btf.type(btfId);
        if (t == null) {
            return refuse(Errno.EINVAL, "attach_btf_id " + btfId + " is invalid");
        }
        String tname = t.name();
        if (tname.isEmpty()) {
            return refuse(Errno.EINVAL, "attach_btf_id " + btfId + " doesn't have a name");
        }
        if (expected == TRACE_RAW_TP) {
            if (t.kind() != BtfKind.TYPEDEF) {
                return refuse(Errno.EINVAL, "attach_btf_id " + btfId + " is not a typedef");
            }
            if (!tname.startsWith(TP_PREFIX)) {
                return refuse(Errno.EINVAL, "attach_btf_id " + btfId + " points to wrong type name " + tname);
            }
            String tp = tname.substring(TP_PREFIX.length());
            BtfType ptr = btf.type(t.type());
            BtfType proto = ptr == null ? null : btf.type(ptr.type());
            if (ptr == null || ptr.kind() != BtfKind.PTR || proto == null || proto.kind() != BtfKind.FUNC_PROTO) {
                return refuse(Errno.EINVAL, "attach_btf_id " + btfId + " is not a typedef");
            }
            TraceEvent e = kernel.trace().rawTracepoint(tp);
            // The first argument of the prototype is the tracepoint's void *__data; the rest are TP_PROTO's.
            return new Resolved(new Target(expected, (int) btfId, tp, e, proto.vlen() - 1), null, "");
        }
        if (t.kind() != BtfKind.FUNC) {
            return refuse(Errno.EINVAL, "attach_btf_id " + btfId + " is not a function");
        }
        BtfType proto = btf.type(t.type());
        TraceEvent e = kernel.trace().kprobe(tname, expected == TRACE_FEXIT);
        if (e == null) {
            return refuse(Errno.ENOENT, "The address of function " + tname + " cannot be found");
        }
        int args = proto.vlen() + (expected == TRACE_FEXIT ? 1 : 0);
        return new Resolved(new Target(expected, (int) btfId, tname, e, args), null, "");
    }
}
