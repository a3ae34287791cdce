package dev.emu.abi.bpf;

/** Program type ids ({@code enum bpf_prog_type} in include/uapi/linux/bpf.h). Pure numbers. */
public final class BpfProgType {
    private BpfProgType() {}

    public static final int UNSPEC = 0;
    public static final int SOCKET_FILTER = 1;
    public static final int KPROBE = 2;
    public static final int SCHED_CLS = 3;
    public static final int SCHED_ACT = 4;
    public static final int TRACEPOINT = 5;
    public static final int XDP = 6;
    public static final int PERF_EVENT = 7;
    public static final int RAW_TRACEPOINT = 17;
}
