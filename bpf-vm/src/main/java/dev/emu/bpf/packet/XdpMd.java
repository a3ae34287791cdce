package dev.emu.bpf.packet;

/** Offsets in Linux's {@code struct xdp_md} (include/uapi/linux/bpf.h), 24 bytes, and XDP's numbers. */
public final class XdpMd {
    private XdpMd() {}

    public static final int SIZE = 24;
    public static final int DATA = 0, DATA_END = 4, DATA_META = 8, INGRESS_IFINDEX = 12, RX_QUEUE_INDEX = 16,
            EGRESS_IFINDEX = 20;
    /** XDP_PACKET_HEADROOM: room before the packet for data_meta (and adjust_head). */
    public static final int HEADROOM = 256;
    /**
     * The frame from data_hard_start to data_hard_end in a test run: PAGE_SIZE less the
     * skb_shared_info tailroom (320 on x86_64); bpf_xdp_adjust_tail grows data_end up to there.
     */
    public static final int HARD_SIZE = 4096 - 320;
    /** sizeof(struct xdp_frame), kept free at data_hard_start: bpf_xdp_adjust_head's lower bound. */
    public static final int XDP_FRAME_SIZE = 40;
}
