package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfProgType;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.perf.PerfEvent;
import dev.emu.kernel.perf.PerfProgram;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.trace.KernelObjects;
import dev.emu.kernel.trace.TraceEvent;
import dev.emu.kernel.trace.TraceHit;
import dev.emu.kernel.trace.TraceProbe;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Running tracing programs where they attach (kernel/trace/bpf_trace.c): on perf events
 * (perf_event_set_bpf_prog: tracepoint and kprobe events run TRACEPOINT and KPROBE programs on
 * each hit, sampling events run PERF_EVENT programs on each overflow) and on raw tracepoints
 * (bpf_trace_run: the TP_PROTO arguments as u64s).
 *
 * <p>As Linux's bpf_prog_active, a program never runs inside another one on the same CPU: a
 * tracepoint a helper fires (send_signal's signal_generate) skips its programs. A program that
 * faults (emu's runtime guard) is named once on the kernel log and counts as returning 0.
 */
public final class TracingAttach {
    private TracingAttach() {}

    private static final ThreadLocal<int[]> ACTIVE = ThreadLocal.withInitial(() -> new int[1]);

    /** PERF_EVENT_IOC_SET_BPF: the program open as {@code progFd} onto {@code event}. */
    public static long setBpf(Task t, PerfEvent event, long progFd) {
        long[] err = new long[1];
        BpfProgram p = BpfFds.program(t, progFd, err);
        if (p == null) {
            return err[0];
        }
        PerfAttachment a = new PerfAttachment(t.kernel(), p);
        long r = attach(event, a);
        if (r < 0) {
            a.release();
        }
        return r;
    }

    /**
     * perf_event_set_bpf_prog: the program type must match the event (KPROBE on kprobes,
     * TRACEPOINT on tracepoints, PERF_EVENT on the others), a tracepoint program may not
     * read past the record (EACCES), and an event takes one program (EEXIST).
     */
    static long attach(PerfEvent event, PerfAttachment a) {
        int type = a.program.type();
        if (!event.tracing()) {
            if (event.program() != null) {
                return Errno.EEXIST.ret(); // perf_event_set_bpf_handler checks this before the type
            }
            if (type != BpfProgType.PERF_EVENT) {
                return Errno.EINVAL.ret();
            }
        } else if (event.kind() == PerfEvent.Kind.KPROBE ? type != BpfProgType.KPROBE : type != BpfProgType.TRACEPOINT) {
            return Errno.EINVAL.ret();
        } else if (type == BpfProgType.TRACEPOINT && a.program.code().maxCtxOffset() > event.tracepoint().recordSize()) {
            return Errno.EACCES.ret();
        }
        return event.setProgram(a) ? 0 : Errno.EEXIST.ret();
    }

    /** KPROBE, TRACEPOINT, PERF_EVENT, RAW_TRACEPOINT. */
    static boolean tracingType(int type) {
        return type == BpfProgType.KPROBE || type == BpfProgType.TRACEPOINT || type == BpfProgType.PERF_EVENT
                || type == BpfProgType.RAW_TRACEPOINT || type == TracingTargets.PROG_TYPE_TRACING;
    }

    /**
     * PROG_TEST_RUN of a tracing program: kprobe, tracepoint and perf_event programs have no
     * test_run (ENOTSUPP); a raw tracepoint program runs once on ctx_in's u64 arguments
     * (bpf_prog_test_run_raw_tp: no data, repeat or duration; ctx_size_in between the
     * program's furthest read and 12 arguments).
     */
    static long testRun(Task t, BpfProgram p, Attr a) {
        if (p.type() != BpfProgType.RAW_TRACEPOINT) {
            return Errno.ENOTSUPP.ret();
        }
        long ctxSize = a.u32Long(dev.emu.abi.bpf.BpfAttr.TEST_CTX_SIZE_IN);
        if (a.u64(dev.emu.abi.bpf.BpfAttr.TEST_DATA_IN) != 0 || a.u64(dev.emu.abi.bpf.BpfAttr.TEST_DATA_OUT) != 0
                || a.u64(dev.emu.abi.bpf.BpfAttr.TEST_CTX_OUT) != 0 || a.u32(dev.emu.abi.bpf.BpfAttr.TEST_DURATION) != 0
                || a.u32(dev.emu.abi.bpf.BpfAttr.TEST_REPEAT) != 0
                || ctxSize < p.code().maxCtxOffset() || ctxSize > KernelProgramTypes.RAW_TP_CTX_SIZE) {
            return Errno.EINVAL.ret();
        }
        byte[] ctx = ctxSize == 0 ? new byte[0] : t.memory().read(a.u64(dev.emu.abi.bpf.BpfAttr.TEST_CTX_IN), (int) ctxSize);
        a.putU32(dev.emu.abi.bpf.BpfAttr.TEST_RETVAL, (int) run(t.kernel(), p, ctx, t, KernelObjects.NONE));
        return 0;
    }

    /** Runs {@code p} on {@code ctx}; its r0, or 0 when it faulted or another program is running. */
    static long run(Kernel kernel, BpfProgram p, byte[] ctx, Task task, KernelObjects objects) {
        int[] active = ACTIVE.get();
        if (active[0] != 0) {
            return 0; // bpf_prog_active: no nesting
        }
        active[0]++;
        try {
            ExecutionResult r = p.run(ctx, new KernelHelperEnvironment(kernel, task, objects));
            if (r instanceof ExecutionResult.Exit e) {
                return e.r0();
            }
            kernel.log().once("bpf-fault:" + p.id(), "bpf: " + p + " faulted at "
                    + ((ExecutionResult.Fault) r).message() + "; such runs count as returning 0");
            return 0;
        } finally {
            active[0]--;
        }
    }

    /** A program on a perf event; holds one reference on it. */
    static final class PerfAttachment implements PerfProgram {
        final Kernel kernel;
        final BpfProgram program;
        private boolean released;

        PerfAttachment(Kernel kernel, BpfProgram program) {
            this.kernel = kernel;
            this.program = program;
            program.retain();
        }

        @Override
        public boolean onHit(TraceHit hit) {
            return run(kernel, program, hit.record(), hit.task(), hit.objects()) != 0;
        }

        /** struct bpf_perf_event_data: regs, sample_period, addr (0: no address for clock samples). */
        @Override
        public boolean onOverflow(PerfEvent event, Task task, byte[] regs) {
            ByteBuffer ctx = ByteBuffer.allocate(KernelProgramTypes.PERF_EVENT_DATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            ctx.put(regs, 0, regs.length);
            ctx.putLong(168, event.samplePeriod());
            ctx.putLong(176, 0);
            return run(kernel, program, ctx.array(), task, KernelObjects.NONE) != 0;
        }

        @Override
        public void release() {
            if (!released) {
                released = true;
                program.release();
            }
        }
    }

    /**
     * A program on a raw tracepoint (bpf_probe_register): it runs with the hit's raw arguments,
     * and may not read past them (EINVAL at attach).
     */
    static final class RawTracepointAttachment implements TraceProbe {
        final Kernel kernel;
        final BpfProgram program;
        final TraceEvent event;

        RawTracepointAttachment(Kernel kernel, BpfProgram program, TraceEvent event) {
            this.kernel = kernel;
            this.program = program;
            this.event = event;
        }

        static boolean fits(BpfProgram p, TraceEvent e) {
            return p.code().maxCtxOffset() <= e.rawArgs() * 8;
        }

        @Override
        public void hit(TraceHit hit) {
            long[] args = hit.rawArgs();
            ByteBuffer ctx = ByteBuffer.allocate(args.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (long a : args) {
                ctx.putLong(a);
            }
            run(kernel, program, ctx.array(), hit.task(), hit.objects());
        }
    }
}
