package dev.emu.kernel.trace;

/**
 * Something attached to a {@link TraceEvent}: a BPF program (through a perf event or a raw
 * tracepoint link) or a counting perf event. Called on the emulation thread at the site, with
 * the record already built (Linux's perf_trace_* / bpf_trace_run* callers).
 */
@FunctionalInterface
public interface TraceProbe {
    void hit(TraceHit hit);
}
