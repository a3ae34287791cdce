package dev.emu.bpf.helper;

import static dev.emu.bpf.helper.ArgType.ANYTHING;
import static dev.emu.bpf.helper.ArgType.CONST_ALLOC_SIZE_OR_ZERO;
import static dev.emu.bpf.helper.ArgType.CONST_MAP_PTR;
import static dev.emu.bpf.helper.ArgType.CONST_SIZE;
import static dev.emu.bpf.helper.ArgType.CONST_SIZE_OR_ZERO;
import static dev.emu.bpf.helper.ArgType.PTR_TO_ALLOC_MEM;
import static dev.emu.bpf.helper.ArgType.CONST_STR;
import static dev.emu.bpf.helper.ArgType.PTR_TO_FUNC;
import static dev.emu.bpf.helper.ArgType.PTR_TO_MEM_OR_NULL;
import static dev.emu.bpf.helper.ArgType.PTR_TO_UNINIT_MEM_OR_NULL;
import static dev.emu.bpf.helper.ArgType.PTR_TO_STACK_OR_NULL;
import static dev.emu.bpf.helper.ArgType.PTR_TO_MAP_KEY;
import static dev.emu.bpf.helper.ArgType.PTR_TO_MAP_VALUE;
import static dev.emu.bpf.helper.ArgType.PTR_TO_MEM;
import static dev.emu.bpf.helper.ArgType.PTR_TO_UNINIT_MEM;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfHelperId;
import dev.emu.bpf.interp.VmFault;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.RingBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The static table of helpers by Linux id (cf. kernel/bpf/helpers.c, kernel/trace/bpf_trace.c,
 * kernel/bpf/ringbuf.c). Each entry is data for the verifier plus a body for the engines.
 */
public final class Helpers {
    private Helpers() {}

    private static final Helper[] BY_ID = new Helper[256];

    /**
     * emu-internal helpers, emitted only by the verifier's rewrite of LD_ABS/LD_IND (Linux's
     * bpf_skb_load_helper_{8,16,32}_no_cache): ids outside Linux's range (emu's 'EM' prefix), which
     * the verifier treats as unknown in a program.
     */
    public static final int LOAD_PACKET_B = 0x454d0101, LOAD_PACKET_H = 0x454d0102, LOAD_PACKET_W = 0x454d0104;
    private static final Helper[] INTERNAL = {
        new Helper(LOAD_PACKET_B, "skb_load_helper_8", RetType.INTEGER, List.of(ArgType.PTR_TO_CTX, ANYTHING),
                (c, r1, r2, r3, r4, r5) -> PacketHelpers.loadPacket(c, r1, r2, 1)),
        new Helper(LOAD_PACKET_H, "skb_load_helper_16", RetType.INTEGER, List.of(ArgType.PTR_TO_CTX, ANYTHING),
                (c, r1, r2, r3, r4, r5) -> PacketHelpers.loadPacket(c, r1, r2, 2)),
        new Helper(LOAD_PACKET_W, "skb_load_helper_32", RetType.INTEGER, List.of(ArgType.PTR_TO_CTX, ANYTHING),
                (c, r1, r2, r3, r4, r5) -> PacketHelpers.loadPacket(c, r1, r2, 4)),
    };
    private static final List<Helper> ALL;

    static {
        def(BpfHelperId.MAP_LOOKUP_ELEM, "map_lookup_elem", RetType.PTR_TO_MAP_VALUE_OR_NULL,
                List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY), (c, r1, r2, r3, r4, r5) -> {
                    BpfMap m = c.map(r1);
                    if (m instanceof dev.emu.bpf.map.MapOfMaps outer) {
                        // The inner map: a pointer helpers resolve (HelperContext.map), never dereferenced.
                        var e = outer.lookupEntry(c.memory().read(r2, m.keySize()));
                        return e == null ? 0 : c.memory().map(e.marker(), e);
                    }
                    byte[] v = m.lookupValue(c.memory().read(r2, m.keySize()));
                    return v == null ? 0 : c.memory().map(v, m);
                });
        def(BpfHelperId.MAP_UPDATE_ELEM, "map_update_elem", RetType.INTEGER,
                List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, ANYTHING), (c, r1, r2, r3, r4, r5) -> {
                    BpfMap m = c.map(r1);
                    byte[] k = c.memory().read(r2, m.keySize());
                    return m.update(k, c.memory().read(r3, m.valueSize()), r4);
                });
        def(BpfHelperId.MAP_DELETE_ELEM, "map_delete_elem", RetType.INTEGER,
                List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY), (c, r1, r2, r3, r4, r5) -> {
                    BpfMap m = c.map(r1);
                    return m.delete(c.memory().read(r2, m.keySize()));
                });
        def(BpfHelperId.KTIME_GET_NS, "ktime_get_ns", RetType.INTEGER, List.of(),
                (c, r1, r2, r3, r4, r5) -> c.env().ktimeGetNs());
        def(BpfHelperId.KTIME_GET_BOOT_NS, "ktime_get_boot_ns", RetType.INTEGER, List.of(),
                (c, r1, r2, r3, r4, r5) -> c.env().ktimeGetBootNs());
        def(BpfHelperId.KTIME_GET_COARSE_NS, "ktime_get_coarse_ns", RetType.INTEGER, List.of(),
                (c, r1, r2, r3, r4, r5) -> c.env().ktimeGetCoarseNs());
        def(BpfHelperId.KTIME_GET_TAI_NS, "ktime_get_tai_ns", RetType.INTEGER, List.of(),
                (c, r1, r2, r3, r4, r5) -> c.env().ktimeGetTaiNs());
        def(BpfHelperId.JIFFIES64, "jiffies64", RetType.INTEGER, List.of(),
                (c, r1, r2, r3, r4, r5) -> c.env().jiffies64());
        def(BpfHelperId.GET_NUMA_NODE_ID, "get_numa_node_id", RetType.INTEGER, List.of(),
                (c, r1, r2, r3, r4, r5) -> c.env().numaNodeId() & 0xffffffffL);
        // bpf_trace_printk_proto declares only fmt and fmt_size: r3-r5 are not checked (ARG_DONTCARE),
        // so bpf_printk with fewer than three arguments need not initialise them.
        def(BpfHelperId.TRACE_PRINTK, "trace_printk", RetType.INTEGER,
                List.of(PTR_TO_MEM, CONST_SIZE), Helpers::tracePrintk);
        def(BpfHelperId.GET_PRANDOM_U32, "get_prandom_u32", RetType.INTEGER, List.of(),
                (c, r1, r2, r3, r4, r5) -> c.env().prandomU32() & 0xffffffffL);
        def(BpfHelperId.GET_SMP_PROCESSOR_ID, "get_smp_processor_id", RetType.INTEGER, List.of(),
                (c, r1, r2, r3, r4, r5) -> c.env().smpProcessorId() & 0xffffffffL);
        def(BpfHelperId.GET_CURRENT_PID_TGID, "get_current_pid_tgid", RetType.INTEGER, List.of(),
                (c, r1, r2, r3, r4, r5) -> c.env().currentPidTgid());
        def(BpfHelperId.GET_CURRENT_COMM, "get_current_comm", RetType.INTEGER,
                List.of(PTR_TO_UNINIT_MEM, CONST_SIZE), (c, r1, r2, r3, r4, r5) -> {
                    int size = checkSize(r2);
                    byte[] out = new byte[size];
                    if (size > 0) {
                        byte[] comm = c.env().currentComm();
                        // strscpy: at most size-1 bytes and a NUL; the rest zeroed.
                        System.arraycopy(comm, 0, out, 0, Math.min(comm.length, Math.min(15, size - 1)));
                    }
                    c.memory().write(r1, out, size);
                    return 0;
                });
        def(BpfHelperId.RINGBUF_OUTPUT, "ringbuf_output", RetType.INTEGER,
                List.of(CONST_MAP_PTR, PTR_TO_MEM, CONST_SIZE_OR_ZERO, ANYTHING), (c, r1, r2, r3, r4, r5) -> {
                    RingBuf rb = ring(c, r1);
                    return rb.output(c.memory().read(r2, checkSize(r3)), r4);
                });
        def(BpfHelperId.RINGBUF_RESERVE, "ringbuf_reserve", RetType.PTR_TO_ALLOC_MEM_OR_NULL,
                List.of(CONST_MAP_PTR, CONST_ALLOC_SIZE_OR_ZERO, ANYTHING), (c, r1, r2, r3, r4, r5) -> {
                    RingBuf rb = ring(c, r1);
                    if (r2 < 0 || r2 > Integer.MAX_VALUE) {
                        return 0;
                    }
                    RingBuf.Record rec = rb.reserve(r2, r3);
                    return rec == null ? 0 : c.memory().map(rec.sample(), rec);
                });
        def(BpfHelperId.RINGBUF_SUBMIT, "ringbuf_submit", RetType.VOID, List.of(PTR_TO_ALLOC_MEM, ANYTHING),
                (c, r1, r2, r3, r4, r5) -> {
                    RingBuf.Record rec = record(c, r1);
                    c.memory().unmap(r1);
                    rec.ring().submit(rec, r2);
                    return 0;
                });
        def(BpfHelperId.RINGBUF_DISCARD, "ringbuf_discard", RetType.VOID, List.of(PTR_TO_ALLOC_MEM, ANYTHING),
                (c, r1, r2, r3, r4, r5) -> {
                    RingBuf.Record rec = record(c, r1);
                    c.memory().unmap(r1);
                    rec.ring().discard(rec, r2);
                    return 0;
                });
        def(BpfHelperId.RINGBUF_QUERY, "ringbuf_query", RetType.INTEGER, List.of(CONST_MAP_PTR, ANYTHING),
                (c, r1, r2, r3, r4, r5) -> ring(c, r1).query(r2));
        def(BpfHelperId.SKB_LOAD_BYTES, "skb_load_bytes", RetType.INTEGER,
                List.of(ArgType.PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE), PacketHelpers::skbLoadBytes);
        def(BpfHelperId.SKB_LOAD_BYTES_RELATIVE, "skb_load_bytes_relative", RetType.INTEGER,
                List.of(ArgType.PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE, ANYTHING),
                PacketHelpers::skbLoadBytesRelative);
        def(BpfHelperId.XDP_ADJUST_HEAD, "xdp_adjust_head", RetType.INTEGER, List.of(ArgType.PTR_TO_CTX, ANYTHING),
                PacketHelpers::xdpAdjustHead);
        def(BpfHelperId.XDP_ADJUST_TAIL, "xdp_adjust_tail", RetType.INTEGER, List.of(ArgType.PTR_TO_CTX, ANYTHING),
                PacketHelpers::xdpAdjustTail);
        def(BpfHelperId.MAP_PUSH_ELEM, "map_push_elem", RetType.INTEGER,
                List.of(CONST_MAP_PTR, PTR_TO_MAP_VALUE, ANYTHING), (c, r1, r2, r3, r4, r5) -> {
                    BpfMap m = c.map(r1);
                    return m.push(c.memory().read(r2, m.valueSize()), r3);
                });
        def(BpfHelperId.MAP_POP_ELEM, "map_pop_elem", RetType.INTEGER,
                List.of(CONST_MAP_PTR, ArgType.PTR_TO_UNINIT_MAP_VALUE), (c, r1, r2, r3, r4, r5) -> {
                    BpfMap m = c.map(r1);
                    byte[] v = new byte[m.valueSize()];
                    int r = m.pop(v);
                    if (r == 0) {
                        c.memory().write(r2, v, v.length);
                    }
                    return r;
                });
        def(BpfHelperId.MAP_PEEK_ELEM, "map_peek_elem", RetType.INTEGER,
                List.of(CONST_MAP_PTR, ArgType.PTR_TO_UNINIT_MAP_VALUE), (c, r1, r2, r3, r4, r5) -> {
                    BpfMap m = c.map(r1);
                    // A bloom filter tests the value it is given; a queue or stack fills it.
                    byte[] v = m.type() == dev.emu.abi.bpf.BpfMapType.BLOOM_FILTER
                            ? c.memory().read(r2, m.valueSize()) : new byte[m.valueSize()];
                    int r = m.peek(v);
                    if (r == 0) {
                        c.memory().write(r2, v, v.length);
                    }
                    return r;
                });
        TracingHelpers.define();
        def(BpfHelperId.TRACE_VPRINTK, "trace_vprintk", RetType.INTEGER,
                List.of(PTR_TO_MEM, CONST_SIZE, PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO), Helpers::traceVprintk);
        def(BpfHelperId.SNPRINTF, "snprintf", RetType.INTEGER,
                List.of(PTR_TO_UNINIT_MEM_OR_NULL, CONST_SIZE_OR_ZERO, CONST_STR, PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO),
                Helpers::snprintf);
        def(BpfHelperId.STRNCMP, "strncmp", RetType.INTEGER, List.of(PTR_TO_MEM, CONST_SIZE, CONST_STR),
                Helpers::strncmp);
        def(BpfHelperId.LOOP, "loop", RetType.INTEGER, List.of(ANYTHING, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING),
                Helpers::loop);
        def(BpfHelperId.FOR_EACH_MAP_ELEM, "for_each_map_elem", RetType.INTEGER,
                List.of(CONST_MAP_PTR, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING), Helpers::forEachMapElem);
        List<Helper> all = new ArrayList<>();
        for (Helper h : BY_ID) {
            if (h != null) {
                all.add(h);
            }
        }
        ALL = Collections.unmodifiableList(all);
    }

    static void def(int id, String name, RetType ret, List<ArgType> args, Helper.Body body) {
        BY_ID[id] = new Helper(id, name, ret, args, body);
    }

    /** The helper with Linux id {@code id} (or an internal one), or null if emu does not implement it. */
    public static Helper byId(long id) {
        if (isInternal(id)) {
            for (Helper h : INTERNAL) {
                if (h.id() == id) {
                    return h;
                }
            }
        }
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }

    /** True for the ids of emu-internal helpers, which programs may not call. */
    public static boolean isInternal(long id) {
        return id == LOAD_PACKET_B || id == LOAD_PACKET_H || id == LOAD_PACKET_W;
    }

    /** Every implemented helper, by id. */
    public static List<Helper> all() {
        return ALL;
    }

    /** BPF_MAX_LOOPS: bpf_loop's most iterations. */
    static final long MAX_LOOPS = 8L << 20;

    /**
     * bpf_loop(nr_loops, callback, ctx, flags) (kernel/bpf/bpf_iter.c): calls callback(i, ctx)
     * for i = 0.. until it returns non-zero; the number of calls made. flags must be 0
     * (-EINVAL), nr_loops at most {@link #MAX_LOOPS} (-E2BIG).
     */
    private static long loop(HelperContext c, long nr, long fn, long ctx, long flags, long r5) {
        long n = nr & 0xffffffffL; // u32 nr_loops
        if (flags != 0) {
            return -Errno.EINVAL.number;
        }
        if (n > MAX_LOOPS) {
            return -Errno.E2BIG.number;
        }
        for (long i = 0; i < n; i++) {
            if (c.callback(fn, i, ctx, 0, 0, 0) != 0) {
                return i + 1;
            }
        }
        return n;
    }

    /**
     * bpf_for_each_map_elem(map, callback, ctx, flags) (the maps' map_for_each_callback): calls
     * callback(map, &key, &value, ctx) for each element in the map's order (an array's indexes,
     * a hash's keys) until it returns non-zero; the number of elements visited. The key is a
     * copy, the value the element itself. flags must be 0.
     */
    private static long forEachMapElem(HelperContext c, long mapPtr, long fn, long ctx, long flags, long r5) {
        if (flags != 0) {
            return -Errno.EINVAL.number;
        }
        BpfMap m = c.map(mapPtr);
        byte[] key = null;
        long visited = 0;
        for (;;) {
            byte[] next = new byte[m.keySize()];
            if (m.getNextKey(key, next) != 0) {
                return visited;
            }
            byte[] value = m.lookupValue(next);
            if (value != null) {
                byte[] keyCopy = next.clone();
                long keyAddr = c.memory().map(keyCopy, null);
                long valueAddr = c.memory().map(value, m);
                visited++;
                long stop = c.callback(fn, mapPtr, keyAddr, valueAddr, ctx, 0);
                c.memory().unmap(keyAddr);
                if (stop != 0) {
                    return visited;
                }
            }
            key = next;
        }
    }

    private static int checkSize(long size) {
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new VmFault("helper size argument " + size + " out of range");
        }
        return (int) size;
    }

    private static RingBuf ring(HelperContext c, long ptr) {
        if (c.map(ptr) instanceof RingBuf rb) {
            return rb;
        }
        throw new VmFault("map argument is not a ringbuf");
    }

    private static RingBuf.Record record(HelperContext c, long ptr) {
        if (c.memory().ownerAt(ptr) instanceof RingBuf.Record rec && !rec.committed()) {
            return rec;
        }
        throw new VmFault("0x" + Long.toHexString(ptr) + " is not an outstanding ringbuf reservation");
    }

    /**
     * bpf_trace_printk(fmt, fmt_size, a1, a2, a3): at most three conversions of the bprintf
     * dialect ({@link BprintfFormat}); -EINVAL otherwise. Returns the message length.
     */
    private static long tracePrintk(HelperContext c, long fmtPtr, long fmtSize, long a1, long a2, long a3) {
        String fmt = formatString(c, fmtPtr, fmtSize);
        String msg = fmt == null ? null : BprintfFormat.format(c.memory(), fmt, new long[] {a1, a2, a3}, 3);
        if (msg == null) {
            return BprintfFormat.einval();
        }
        c.env().tracePrintk(msg);
        return msg.getBytes(StandardCharsets.ISO_8859_1).length;
    }

    /** MAX_BPRINTF_VARARGS. */
    static final int MAX_VARARGS = 12;

    /** The bprintf data array: data_len bytes of u64 arguments (a multiple of 8, at most 12 of them); null → -EINVAL. */
    private static long[] varargs(HelperContext c, long data, long len) {
        if (len % 8 != 0 || len / 8 > MAX_VARARGS || (data == 0 && len != 0)) {
            return null;
        }
        long[] args = new long[(int) (len / 8)];
        if (len > 0) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(c.memory().read(data, (int) len))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < args.length; i++) {
                args[i] = b.getLong();
            }
        }
        return args;
    }

    /** bpf_trace_vprintk(fmt, fmt_size, data, data_len): trace_printk with up to 12 arguments in an array. */
    private static long traceVprintk(HelperContext c, long fmtPtr, long fmtSize, long data, long len, long r5) {
        long[] args = varargs(c, data, len);
        String fmt = args == null ? null : formatString(c, fmtPtr, fmtSize);
        String msg = fmt == null ? null : BprintfFormat.format(c.memory(), fmt, args, args.length);
        if (msg == null) {
            return BprintfFormat.einval();
        }
        c.env().tracePrintk(msg);
        return msg.getBytes(StandardCharsets.ISO_8859_1).length;
    }

    /**
     * bpf_snprintf(str, str_size, fmt, data, data_len): formats into str (truncated to
     * str_size - 1 bytes and a NUL); returns the length the whole text needs with its NUL.
     */
    private static long snprintf(HelperContext c, long str, long size, long fmtPtr, long data, long len) {
        long[] args = varargs(c, data, len);
        if (args == null) {
            return BprintfFormat.einval();
        }
        String msg = BprintfFormat.format(c.memory(), BprintfFormat.cString(c.memory(), fmtPtr), args, args.length);
        if (msg == null) {
            return BprintfFormat.einval();
        }
        byte[] text = msg.getBytes(StandardCharsets.ISO_8859_1);
        int n = checkSize(size);
        if (n > 0) {
            // As snprintf: the text (cut to n - 1 bytes) and a NUL; the rest of str is untouched.
            int kept = Math.min(text.length, n - 1);
            byte[] out = java.util.Arrays.copyOf(text, kept + 1);
            c.memory().write(str, out, kept + 1);
        }
        return text.length + 1L;
    }

    /** bpf_strncmp(s1, s1_sz, s2): the kernel's strncmp over at most s1_sz bytes: -1, 0 or 1. */
    private static long strncmp(HelperContext c, long s1, long size, long s2, long r4, long r5) {
        byte[] a = c.memory().read(s1, checkSize(size));
        String b = BprintfFormat.cString(c.memory(), s2);
        for (int i = 0; i < a.length; i++) {
            int c1 = a[i] & 0xff, c2 = i < b.length() ? b.charAt(i) & 0xff : 0;
            if (c1 != c2) {
                return c1 < c2 ? -1 : 1;
            }
            if (c1 == 0) {
                break;
            }
        }
        return 0;
    }

    /** The NUL-terminated format of fmt_size bytes; null (→ -EINVAL) without a NUL inside. */
    private static String formatString(HelperContext c, long fmtPtr, long fmtSize) {
        byte[] raw = c.memory().read(fmtPtr, checkSize(fmtSize));
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return end == raw.length ? null : new String(raw, 0, end, StandardCharsets.ISO_8859_1);
    }
}
