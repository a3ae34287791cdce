package dev.emu.bpf.helper;

import static dev.emu.bpf.helper.ArgType.ANYTHING;
import static dev.emu.bpf.helper.ArgType.CONST_MAP_PTR;
import static dev.emu.bpf.helper.ArgType.CONST_SIZE_OR_ZERO;
import static dev.emu.bpf.helper.ArgType.PTR_TO_CTX;
import static dev.emu.bpf.helper.ArgType.PTR_TO_MEM;
import static dev.emu.bpf.helper.ArgType.PTR_TO_UNINIT_MEM;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfHelperId;
import dev.emu.bpf.interp.VmFault;
import dev.emu.bpf.map.PerfEventArray;
import dev.emu.bpf.map.StackTraceMap;
import java.util.List;

/**
 * The tracing helpers (kernel/trace/bpf_trace.c, kernel/bpf/stackmap.c): current uid/gid,
 * probe_read of user and kernel memory (and their _str forms, and the legacy probe_read that
 * picks by address), perf_event_output, get_stackid and get_stack on user stacks, send_signal.
 * Their bodies need a {@link TracingEnvironment}.
 */
final class TracingHelpers {
    private TracingHelpers() {}

    /** TASK_SIZE_MAX: where user addresses end (bpf_probe_read_compat's split). */
    private static final long TASK_SIZE = 0x7ffffffff000L;
    /** BPF_F_SKIP_FIELD_MASK, BPF_F_USER_STACK, BPF_F_FAST_STACK_CMP, BPF_F_REUSE_STACKID, BPF_F_USER_BUILD_ID. */
    private static final long SKIP_MASK = 0xff, USER_STACK = 1 << 8, FAST_STACK_CMP = 1 << 9, REUSE_STACKID = 1 << 10,
            USER_BUILD_ID = 1 << 11;
    /** emu's BPF_F_EMU_USER_STACK_CFI: .eh_frame unwinding (EmuBpfExtensions). */
    private static final long STACK_CFI = dev.emu.abi.bpf.EmuBpfExtensions.BPF_F_EMU_USER_STACK_CFI;
    /** BPF_F_INDEX_MASK and BPF_F_CURRENT_CPU. */
    private static final long INDEX_MASK = 0xffffffffL;

    static void define() {
        Helpers.def(BpfHelperId.GET_CURRENT_UID_GID, "get_current_uid_gid", RetType.INTEGER, List.of(),
                (c, r1, r2, r3, r4, r5) -> env(c).currentUidGid());
        Helpers.def(BpfHelperId.PROBE_READ_USER, "probe_read_user", RetType.INTEGER,
                List.of(PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING), (c, r1, r2, r3, r4, r5) -> read(c, r1, r2, r3, false));
        Helpers.def(BpfHelperId.PROBE_READ_KERNEL, "probe_read_kernel", RetType.INTEGER,
                List.of(PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING), (c, r1, r2, r3, r4, r5) -> read(c, r1, r2, r3, true));
        Helpers.def(BpfHelperId.PROBE_READ, "probe_read", RetType.INTEGER,
                List.of(PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING),
                (c, r1, r2, r3, r4, r5) -> read(c, r1, r2, r3, Long.compareUnsigned(r3, TASK_SIZE) >= 0));
        Helpers.def(BpfHelperId.PROBE_READ_USER_STR, "probe_read_user_str", RetType.INTEGER,
                List.of(PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING), (c, r1, r2, r3, r4, r5) -> readStr(c, r1, r2, r3, false));
        Helpers.def(BpfHelperId.PROBE_READ_KERNEL_STR, "probe_read_kernel_str", RetType.INTEGER,
                List.of(PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING), (c, r1, r2, r3, r4, r5) -> readStr(c, r1, r2, r3, true));
        Helpers.def(BpfHelperId.PROBE_READ_STR, "probe_read_str", RetType.INTEGER,
                List.of(PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING),
                (c, r1, r2, r3, r4, r5) -> readStr(c, r1, r2, r3, Long.compareUnsigned(r3, TASK_SIZE) >= 0));
        Helpers.def(BpfHelperId.PERF_EVENT_OUTPUT, "perf_event_output", RetType.INTEGER,
                List.of(PTR_TO_CTX, CONST_MAP_PTR, ANYTHING, PTR_TO_MEM, CONST_SIZE_OR_ZERO), TracingHelpers::perfEventOutput);
        Helpers.def(BpfHelperId.GET_STACKID, "get_stackid", RetType.INTEGER,
                List.of(PTR_TO_CTX, CONST_MAP_PTR, ANYTHING), TracingHelpers::getStackid);
        Helpers.def(BpfHelperId.GET_STACK, "get_stack", RetType.INTEGER,
                List.of(PTR_TO_CTX, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING), TracingHelpers::getStack);
        Helpers.def(BpfHelperId.SEND_SIGNAL, "send_signal", RetType.INTEGER, List.of(ANYTHING),
                (c, r1, r2, r3, r4, r5) -> env(c).sendSignal(r1 & 0xffffffffL, false));
        Helpers.def(BpfHelperId.SEND_SIGNAL_THREAD, "send_signal_thread", RetType.INTEGER, List.of(ANYTHING),
                (c, r1, r2, r3, r4, r5) -> env(c).sendSignal(r1 & 0xffffffffL, true));
    }

    private static TracingEnvironment env(HelperContext c) {
        if (c.env() instanceof TracingEnvironment t) {
            return t;
        }
        throw new VmFault("tracing helper called outside a kernel");
    }

    private static int size(long size) {
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new VmFault("helper size argument " + size + " out of range");
        }
        return (int) size;
    }

    /** bpf_probe_read_{user,kernel}_common: the bytes, or zeros and -EFAULT. */
    private static long read(HelperContext c, long dst, long sizeArg, long unsafe, boolean kernel) {
        int size = size(sizeArg);
        byte[] buf = new byte[size];
        boolean ok = size == 0 || (kernel ? env(c).readKernel(unsafe, buf, size) : env(c).readUser(unsafe, buf, size));
        if (!ok) {
            buf = new byte[size];
        }
        c.memory().write(dst, buf, size);
        return ok ? 0 : -Errno.EFAULT.number;
    }

    /**
     * bpf_probe_read_{user,kernel}_str_common (strncpy_from_user_nofault): the string with its
     * NUL; the length with the NUL, or size when it was cut (the last byte then NUL); zeros and
     * -EFAULT on a fault.
     */
    private static long readStr(HelperContext c, long dst, long sizeArg, long unsafe, boolean kernel) {
        int size = size(sizeArg);
        if (size == 0) {
            return 0;
        }
        byte[] out = new byte[size];
        byte[] one = new byte[1];
        int n = 0;
        boolean fault = false;
        while (n < size) {
            boolean ok = kernel ? env(c).readKernel(unsafe + n, one, 1) : env(c).readUser(unsafe + n, one, 1);
            if (!ok) {
                fault = true;
                break;
            }
            out[n] = one[0];
            if (one[0] == 0) {
                break;
            }
            n++;
        }
        long ret;
        if (fault) {
            out = new byte[size];
            ret = -Errno.EFAULT.number;
        } else if (n == size) {
            out[size - 1] = 0;
            ret = size;
        } else {
            ret = n + 1;
        }
        c.memory().write(dst, out, size);
        return ret;
    }

    /** bpf_perf_event_output: the record into the bpf-output event of the slot flags names. */
    private static long perfEventOutput(HelperContext c, long ctx, long mapPtr, long flags, long data, long sizeArg) {
        if (!(c.map(mapPtr) instanceof PerfEventArray array)) {
            throw new VmFault("perf_event_output map is not a perf event array");
        }
        if ((flags & ~INDEX_MASK) != 0) {
            return -Errno.EINVAL.number;
        }
        long index = flags & INDEX_MASK;
        if (index == INDEX_MASK) {
            index = env(c).smpProcessorId();
        }
        if (index >= array.maxEntries()) {
            return -Errno.E2BIG.number;
        }
        Object event = array.get(index);
        if (event == null) {
            return -Errno.ENOENT.number;
        }
        return env(c).perfEventOutput(event, c.memory().read(data, size(sizeArg)));
    }

    /** bpf_get_stackid: user stacks only (emu's kernel has no instruction addresses: -EFAULT otherwise). */
    private static long getStackid(HelperContext c, long ctx, long mapPtr, long flags, long r4, long r5) {
        if (!(c.map(mapPtr) instanceof StackTraceMap map)) {
            throw new VmFault("get_stackid map is not a stack trace map");
        }
        if ((flags & ~(SKIP_MASK | USER_STACK | FAST_STACK_CMP | REUSE_STACKID | STACK_CFI)) != 0) {
            return -Errno.EINVAL.number;
        }
        if ((flags & USER_STACK) == 0) {
            return -Errno.EFAULT.number;
        }
        int skip = (int) (flags & SKIP_MASK);
        long[] stack = userStack(c, StackTraceMap.MAX_STACK + skip, flags);
        if (stack.length <= skip) {
            return -Errno.EFAULT.number;
        }
        return map.put(java.util.Arrays.copyOfRange(stack, skip, stack.length), (flags & REUSE_STACKID) != 0);
    }

    /** The user stack by frame pointers, or with .eh_frame when the flags carry emu's STACK_CFI bit. */
    private static long[] userStack(HelperContext c, int max, long flags) {
        return (flags & STACK_CFI) != 0 ? env(c).userStackCfi(max) : env(c).userStack(max);
    }

    /** bpf_get_stack: the user stack's addresses into buf; the bytes written, or zeros and -errno. */
    private static long getStack(HelperContext c, long ctx, long buf, long sizeArg, long flags, long r5) {
        int size = size(sizeArg);
        long ret;
        byte[] out = new byte[size];
        if ((flags & ~(SKIP_MASK | USER_STACK | USER_BUILD_ID | STACK_CFI)) != 0 || size % 8 != 0) {
            ret = -Errno.EINVAL.number;
        } else if ((flags & USER_BUILD_ID) != 0) {
            ret = -Errno.EINVAL.number; // build ids: emu cannot read them
        } else if ((flags & USER_STACK) == 0) {
            ret = -Errno.EFAULT.number;
        } else {
            int skip = (int) (flags & SKIP_MASK);
            long[] stack = userStack(c, StackTraceMap.MAX_STACK + skip, flags);
            if (stack.length < skip) {
                ret = -Errno.EFAULT.number;
            } else {
                int n = Math.min(stack.length - skip, size / 8);
                for (int i = 0; i < n; i++) {
                    long ip = stack[skip + i];
                    for (int b = 0; b < 8; b++) {
                        out[i * 8 + b] = (byte) (ip >>> (8 * b));
                    }
                }
                ret = n * 8L;
            }
        }
        if (size > 0) {
            c.memory().write(buf, out, size);
        }
        return ret;
    }
}
