package dev.emu.bpf.packet;

/** Offsets in Linux's {@code struct xdp_md} (include/uapi/linux/bpf.h), 24 bytes, and XDP's numbers. */
public final class XdpMd {
    private XdpMd() {}

    public static final int SIZE = 24;
    public static final int DATA = 0, DATA_END = 4, DATA_META = 8, INGRESS_IFINDEX = 12, RX_QUEUE_INDEX = 16,
            EGRESS_IFINDEX = 20;
    /** XDP_PACKET_HEADROOM: room before the packet for data_meta (and adjust_head). */
    public static final int HEADROOM = 256;
}
