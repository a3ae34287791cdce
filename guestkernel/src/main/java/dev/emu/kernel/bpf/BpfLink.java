package dev.emu.kernel.bpf;

import dev.emu.kernel.perf.PerfEvent;
import dev.emu.kernel.trace.TraceEvent;

/**
 * A BPF link (kernel/bpf/syscall.c struct bpf_link): a program attached to a hook for as long as
 * the link lives, with a global id. emu's kinds: a raw tracepoint link (bpf_raw_tp_link) and a
 * perf event link (bpf_perf_link). Reference-counted by its fds; the last release detaches.
 */
public final class BpfLink {
    /** enum bpf_link_type. */
    public static final int TYPE_RAW_TRACEPOINT = 1, TYPE_TRACING = 2, TYPE_PERF_EVENT = 7;

    private final BpfSubsystem owner;
    private final int id;
    private final int type;
    private final BpfProgram program;
    /** RAW_TRACEPOINT: the tracepoint and the probe on it. */
    private final TraceEvent tracepoint;
    private final TracingAttach.RawTracepointAttachment rawProbe;
    /** PERF_EVENT: the event file it holds and the attachment on its event. */
    private final dev.emu.kernel.perf.PerfEventFile perfFile;
    private final TracingAttach.PerfAttachment perfAttachment;
    private final long cookie;
    private int references;

    private BpfLink(BpfSubsystem owner, int id, int type, BpfProgram program, TraceEvent tracepoint,
                    TracingAttach.RawTracepointAttachment rawProbe, dev.emu.kernel.perf.PerfEventFile perfFile,
                    TracingAttach.PerfAttachment perfAttachment, long cookie) {
        this.owner = owner;
        this.id = id;
        this.type = type;
        this.program = program;
        this.tracepoint = tracepoint;
        this.rawProbe = rawProbe;
        this.perfFile = perfFile;
        this.perfAttachment = perfAttachment;
        this.cookie = cookie;
    }

    /** A link of {@code program} (one reference taken) on raw tracepoint {@code tp}, probe registered. */
    static BpfLink rawTracepoint(BpfSubsystem owner, BpfProgram program, TraceEvent tp, long cookie) {
        program.retain();
        TracingAttach.RawTracepointAttachment probe = new TracingAttach.RawTracepointAttachment(owner.kernel(), program, tp);
        tp.attach(probe);
        return new BpfLink(owner, owner.allocLinkId(), TYPE_RAW_TRACEPOINT, program, tp, probe, null, null, cookie);
    }

    /**
     * A TRACING link (fentry/fexit) of {@code program} on a syscall wrapper's entry or return
     * site: the program runs on the site's u64 arguments, as a raw tracepoint probe does.
     */
    static BpfLink tracing(BpfSubsystem owner, BpfProgram program, TraceEvent site, long cookie) {
        program.retain();
        TracingAttach.RawTracepointAttachment probe = new TracingAttach.RawTracepointAttachment(owner.kernel(), program, site);
        site.attach(probe);
        return new BpfLink(owner, owner.allocLinkId(), TYPE_TRACING, program, site, probe, null, null, cookie);
    }

    /** A link holding {@code file} (one reference taken) whose event runs {@code a}. */
    static BpfLink perfEvent(BpfSubsystem owner, dev.emu.kernel.perf.PerfEventFile file, TracingAttach.PerfAttachment a,
                             long cookie) {
        file.retain();
        return new BpfLink(owner, owner.allocLinkId(), TYPE_PERF_EVENT, a.program, null, null, file, a, cookie);
    }

    public int id() {
        return id;
    }

    public int type() {
        return type;
    }

    public BpfProgram program() {
        return program;
    }

    public TraceEvent tracepoint() {
        return tracepoint;
    }

    public PerfEvent perfEvent() {
        return perfFile == null ? null : perfFile.event();
    }

    public long cookie() {
        return cookie;
    }

    void retain() {
        references++;
    }

    /** The last release detaches (bpf_link_put → release → dealloc). */
    void release() {
        if (--references > 0) {
            return;
        }
        owner.forget(this);
        if (rawProbe != null) {
            tracepoint.detach(rawProbe);
            program.release();
        } else {
            perfFile.event().clearProgram(perfAttachment);
            perfFile.release();
        }
    }

    @Override
    public String toString() {
        return "link " + id + " (" + (type == TYPE_RAW_TRACEPOINT ? "raw_tracepoint " + tracepoint.name()
                : type == TYPE_TRACING ? "tracing " + tracepoint.name() : "perf_event") + ")";
    }
}
