package dev.emu.bpf.verifier;

import dev.emu.abi.bpf.BpfHelperId;
import java.util.Set;

/**
 * The program types emu defines itself. The kernel adds its own (a timer-tick type) by building a
 * {@link ProgramType} with its {@link ContextLayout}, e.g.
 *
 * <pre>
 *   new ProgramType(42, "tick", new ContextLayout(16, List.of(
 *           new ContextField("now_ns", 0, 8, false), new ContextField("cpu", 8, 4, false))),
 *       ProgramTypes.BASE_HELPERS)
 * </pre>
 */
public final class ProgramTypes {
    private ProgramTypes() {}

    /** Linux's BPF_PROG_TYPE_SOCKET_FILTER. */
    public static final int SOCKET_FILTER_ID = 1;

    /** Default packet size of {@link #SOCKET_FILTER}'s context. */
    public static final int DEFAULT_PACKET_SIZE = 4096;

    /**
     * Helpers every type may call (cf. bpf_base_func_proto, privileged): maps, time, random, CPU,
     * trace_printk and ringbuf.
     */
    public static final Set<Integer> BASE_HELPERS = Set.of(BpfHelperId.MAP_LOOKUP_ELEM, BpfHelperId.MAP_UPDATE_ELEM,
            BpfHelperId.MAP_DELETE_ELEM, BpfHelperId.KTIME_GET_NS, BpfHelperId.TRACE_PRINTK,
            BpfHelperId.GET_PRANDOM_U32, BpfHelperId.GET_SMP_PROCESSOR_ID, BpfHelperId.RINGBUF_OUTPUT,
            BpfHelperId.RINGBUF_RESERVE, BpfHelperId.RINGBUF_SUBMIT, BpfHelperId.RINGBUF_DISCARD,
            BpfHelperId.RINGBUF_QUERY, BpfHelperId.MAP_PUSH_ELEM, BpfHelperId.MAP_POP_ELEM, BpfHelperId.MAP_PEEK_ELEM,
            BpfHelperId.KTIME_GET_BOOT_NS, BpfHelperId.KTIME_GET_COARSE_NS, BpfHelperId.KTIME_GET_TAI_NS,
            BpfHelperId.JIFFIES64, BpfHelperId.GET_NUMA_NODE_ID, BpfHelperId.LOOP, BpfHelperId.FOR_EACH_MAP_ELEM,
            BpfHelperId.SNPRINTF, BpfHelperId.STRNCMP, BpfHelperId.TRACE_VPRINTK);

    /** Base helpers plus the current-task helpers tracing programs get (pid/tgid, comm). */
    public static final Set<Integer> TRACING_HELPERS = union(BASE_HELPERS,
            Set.of(BpfHelperId.GET_CURRENT_PID_TGID, BpfHelperId.GET_CURRENT_COMM));

    /**
     * Linux's socket filter: r1 points at a {@code struct __sk_buff} (sk_filter_is_valid_access:
     * scalar fields readable, cb[] writable, no direct packet access); the packet is read with
     * {@code bpf_skb_load_bytes} (helpers: base + skb_load_bytes, as sk_filter_func_proto).
     */
    public static final ProgramType SOCKET_FILTER = PacketProgramTypes.socketFilter(
            union(BASE_HELPERS, Set.of(BpfHelperId.SKB_LOAD_BYTES, BpfHelperId.SKB_LOAD_BYTES_RELATIVE)));

    /** Linux's sched_cls: {@code __sk_buff} with tc's writable fields and direct packet access. */
    public static final ProgramType SCHED_CLS = PacketProgramTypes.schedCls(
            union(BASE_HELPERS, Set.of(BpfHelperId.SKB_LOAD_BYTES, BpfHelperId.SKB_LOAD_BYTES_RELATIVE)));

    /** Linux's XDP: {@code struct xdp_md}, direct packet access, xdp_adjust_head/tail. */
    public static final ProgramType XDP = PacketProgramTypes.xdp(
            union(BASE_HELPERS, Set.of(BpfHelperId.XDP_ADJUST_HEAD, BpfHelperId.XDP_ADJUST_TAIL)));

    /**
     * A test type whose context is {@code packetSize} raw, read-only bytes (not Linux's socket
     * filter, whose context is {@link #SOCKET_FILTER}'s {@code __sk_buff}).
     */
    public static ProgramType socketFilter(int packetSize) {
        return new ProgramType(0, "raw_packet", ContextLayout.raw(packetSize, false), BASE_HELPERS);
    }

    /**
     * A type whose context is {@code size} bytes of plain memory, readable and writable, with the
     * tracing helpers: what {@code emu bpf exec} programs (and the conformance suite) expect.
     */
    public static ProgramType rawMemory(int size) {
        return new ProgramType(0, "raw_memory", ContextLayout.raw(size, true), TRACING_HELPERS);
    }

    /** The named built-in type ("socket_filter", "raw_memory"), or null. */
    public static ProgramType byName(String name) {
        return switch (name) {
            case "socket_filter", "socket", "SOCKET_FILTER" -> SOCKET_FILTER;
            case "raw_memory", "raw" -> rawMemory(DEFAULT_PACKET_SIZE);
            case "sched_cls", "SCHED_CLS" -> SCHED_CLS;
            case "xdp", "XDP" -> XDP;
            default -> null;
        };
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        java.util.HashSet<Integer> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }
}
