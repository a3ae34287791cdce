package dev.emu.bpf.verifier;

import static dev.emu.bpf.verifier.FieldAccess.BUFFER;
import static dev.emu.bpf.verifier.FieldAccess.NARROW;
import static dev.emu.bpf.verifier.FieldAccess.PACKET;
import static dev.emu.bpf.verifier.FieldAccess.PACKET_END;
import static dev.emu.bpf.verifier.FieldAccess.PACKET_META;
import static dev.emu.bpf.verifier.FieldAccess.WHOLE;

import dev.emu.bpf.packet.PacketContext;
import dev.emu.bpf.packet.SkBuff;
import dev.emu.bpf.packet.XdpMd;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The packet program types' contexts, as Linux's net/core/filter.c allows them:
 * {@code struct __sk_buff} for socket filters (sk_filter_is_valid_access) and sched_cls
 * (tc_cls_act_is_valid_access), {@code struct xdp_md} for XDP (xdp_is_valid_access). Every
 * {@code __sk_buff} access must be aligned (bpf_skb_is_valid_access: off % size == 0).
 *
 * <p>Not offered (refused as an invalid context access where Linux would allow it): {@code sk}
 * (a socket pointer), {@code tstamp_type}, {@code flow_keys}; emu has no socket to point at.
 */
public final class PacketProgramTypes {
    private PacketProgramTypes() {}

    /** Linux's BPF_PROG_TYPE_SCHED_CLS and BPF_PROG_TYPE_XDP. */
    public static final int SCHED_CLS_ID = 3, XDP_ID = 6;

    private static ContextField u32(String name, int off, boolean writable) {
        return new ContextField(name, off, 4, writable, NARROW);
    }

    /** The scalar __sk_buff fields both socket filters and sched_cls read; {@code tcWrites} makes tc's writable. */
    private static List<ContextField> skbScalars(boolean tc) {
        List<ContextField> f = new ArrayList<>(List.of(
                u32("len", SkBuff.LEN, false), u32("pkt_type", SkBuff.PKT_TYPE, false),
                u32("mark", SkBuff.MARK, tc), u32("queue_mapping", SkBuff.QUEUE_MAPPING, tc),
                u32("protocol", SkBuff.PROTOCOL, false), u32("vlan_present", SkBuff.VLAN_PRESENT, false),
                u32("vlan_tci", SkBuff.VLAN_TCI, false), u32("vlan_proto", SkBuff.VLAN_PROTO, false),
                u32("priority", SkBuff.PRIORITY, tc), u32("ingress_ifindex", SkBuff.INGRESS_IFINDEX, false),
                u32("ifindex", SkBuff.IFINDEX, false), u32("tc_index", SkBuff.TC_INDEX, tc),
                new ContextField("cb", SkBuff.CB, SkBuff.CB_SIZE, true, BUFFER),
                u32("hash", SkBuff.HASH, false), u32("napi_id", SkBuff.NAPI_ID, false),
                u32("gso_segs", SkBuff.GSO_SEGS, false), u32("gso_size", SkBuff.GSO_SIZE, false)));
        return f;
    }

    /** Socket filter: no tc_classid, packet pointers, family..local_port, tstamp, wire_len, hwtstamp; only cb writable. */
    public static final ContextLayout SK_FILTER_CONTEXT = new ContextLayout(SkBuff.SIZE, skbScalars(false));

    /** sched_cls: adds tc_classid, tstamp, wire_len, hwtstamp and direct packet access (data, data_end, data_meta). */
    public static final ContextLayout TC_CONTEXT;

    static {
        int hidden = SkBuff.SIZE;
        List<ContextField> f = skbScalars(true);
        f.add(u32("tc_classid", SkBuff.TC_CLASSID, true));
        f.add(new ContextField("tstamp", SkBuff.TSTAMP, 8, true, WHOLE));
        f.add(u32("wire_len", SkBuff.WIRE_LEN, false));
        f.add(new ContextField("hwtstamp", SkBuff.HWTSTAMP, 8, false, WHOLE));
        f.add(new ContextField("data", SkBuff.DATA, 4, false, PACKET, hidden + PacketContext.HIDDEN_DATA));
        f.add(new ContextField("data_end", SkBuff.DATA_END, 4, false, PACKET_END,
                hidden + PacketContext.HIDDEN_DATA_END));
        f.add(new ContextField("data_meta", SkBuff.DATA_META, 4, false, PACKET_META,
                hidden + PacketContext.HIDDEN_DATA_META));
        TC_CONTEXT = new ContextLayout(SkBuff.SIZE, f);
    }

    /** XDP: 4-byte reads only, no writes, egress_ifindex only for devmap programs (refused here). */
    public static final ContextLayout XDP_CONTEXT = new ContextLayout(XdpMd.SIZE, List.of(
            new ContextField("data", XdpMd.DATA, 4, false, PACKET, XdpMd.SIZE + PacketContext.HIDDEN_DATA),
            new ContextField("data_end", XdpMd.DATA_END, 4, false, PACKET_END,
                    XdpMd.SIZE + PacketContext.HIDDEN_DATA_END),
            new ContextField("data_meta", XdpMd.DATA_META, 4, false, PACKET_META,
                    XdpMd.SIZE + PacketContext.HIDDEN_DATA_META),
            new ContextField("ingress_ifindex", XdpMd.INGRESS_IFINDEX, 4, false, WHOLE),
            new ContextField("rx_queue_index", XdpMd.RX_QUEUE_INDEX, 4, false, WHOLE)));

    /** BPF_PROG_TYPE_SOCKET_FILTER with {@code helpers}. */
    public static ProgramType socketFilter(Set<Integer> helpers) {
        return new ProgramType(ProgramTypes.SOCKET_FILTER_ID, "socket_filter", SK_FILTER_CONTEXT, helpers);
    }

    /** BPF_PROG_TYPE_SCHED_CLS with {@code helpers}. */
    public static ProgramType schedCls(Set<Integer> helpers) {
        return new ProgramType(SCHED_CLS_ID, "sched_cls", TC_CONTEXT, helpers);
    }

    /** BPF_PROG_TYPE_XDP with {@code helpers}. */
    public static ProgramType xdp(Set<Integer> helpers) {
        return new ProgramType(XDP_ID, "xdp", XDP_CONTEXT, helpers);
    }

    /** True if programs of {@code type} may write through packet pointers (may_access_direct_pkt_data). */
    static boolean packetWritable(ProgramType type) {
        return type.id() == SCHED_CLS_ID || type.id() == XDP_ID;
    }
}
