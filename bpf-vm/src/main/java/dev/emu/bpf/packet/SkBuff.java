package dev.emu.bpf.packet;

/** Offsets in Linux's {@code struct __sk_buff} (include/uapi/linux/bpf.h), 192 bytes. */
public final class SkBuff {
    private SkBuff() {}

    public static final int SIZE = 192;
    public static final int LEN = 0, PKT_TYPE = 4, MARK = 8, QUEUE_MAPPING = 12, PROTOCOL = 16, VLAN_PRESENT = 20,
            VLAN_TCI = 24, VLAN_PROTO = 28, PRIORITY = 32, INGRESS_IFINDEX = 36, IFINDEX = 40, TC_INDEX = 44,
            CB = 48, CB_SIZE = 20, HASH = 68, TC_CLASSID = 72, DATA = 76, DATA_END = 80, NAPI_ID = 84,
            FAMILY = 88, LOCAL_PORT = 136, DATA_META = 140, FLOW_KEYS = 144, TSTAMP = 152, WIRE_LEN = 160,
            GSO_SEGS = 164, SK = 168, GSO_SIZE = 176, TSTAMP_TYPE = 180, HWTSTAMP = 184;
}
