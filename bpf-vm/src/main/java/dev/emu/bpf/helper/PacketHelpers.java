package dev.emu.bpf.helper;

import dev.emu.abi.Errno;
import dev.emu.bpf.interp.MemoryMap;
import dev.emu.bpf.interp.VmFault;
import dev.emu.bpf.packet.PacketContext;
import dev.emu.bpf.packet.SkBuff;
import dev.emu.bpf.packet.XdpMd;

/** Helpers of the packet program types (net/core/filter.c), over a {@link PacketContext}. */
final class PacketHelpers {
    private PacketHelpers() {}

    /**
     * bpf_skb_load_bytes(skb, offset, to, len): copies len bytes from offset (relative to
     * skb->data); out of the packet (or offset > INT_MAX), {@code to} is zeroed and the result is
     * -EFAULT.
     */
    static long skbLoadBytes(HelperContext c, long skb, long offset, long to, long len, long r5) {
        MemoryMap mem = c.memory();
        int n = (int) len; // the verifier proved 0 < len < 2^29
        if ((int) skb != 0) {
            throw new VmFault("skb argument is not the context");
        }
        byte[] ctx = mem.resolve(skb, SkBuff.SIZE);
        int data = PacketContext.offsetOf(ctx, SkBuff.SIZE, PacketContext.HIDDEN_DATA);
        int end = PacketContext.offsetOf(ctx, SkBuff.SIZE, PacketContext.HIDDEN_DATA_END);
        long off = offset & 0xffffffffL; // u32 offset
        if (off > Integer.MAX_VALUE || off + n > end - data) {
            mem.write(to, new byte[n], n);
            return -Errno.EFAULT.number;
        }
        byte[] out = new byte[n];
        System.arraycopy(ctx, data + (int) off, out, 0, n);
        mem.write(to, out, n);
        return 0;
    }

    /** SKF_NET_OFF and SKF_LL_OFF: negative offsets relative to the network and link-layer headers. */
    private static final int SKF_NET_OFF = -0x100000, SKF_LL_OFF = -0x200000;
    private static final int ETH_HLEN = 14;

    /**
     * bpf_skb_load_helper_{8,16,32}: {@code size} bytes at offset (an int) from skb->data, in
     * network byte order, as a non-negative value; -EFAULT when they are not in the packet.
     * Negative offsets from SKF_NET_OFF / SKF_LL_OFF address the network / link-layer header
     * (bpf_internal_load_pointer_neg_helper); the packet's frame starts at the context's packet area.
     */
    static long loadPacket(HelperContext c, long skb, long offsetArg, int size) {
        if ((int) skb != 0) {
            throw new VmFault("skb argument is not the context");
        }
        byte[] ctx = c.memory().resolve(skb, SkBuff.SIZE);
        int data = PacketContext.offsetOf(ctx, SkBuff.SIZE, PacketContext.HIDDEN_DATA);
        int end = PacketContext.offsetOf(ctx, SkBuff.SIZE, PacketContext.HIDDEN_DATA_END);
        int frame = SkBuff.SIZE + PacketContext.HIDDEN_SIZE; // the link-layer header (mac_header)
        int k = (int) offsetArg;
        long at;
        if (k >= 0) {
            at = (long) data + k;
        } else if (k >= SKF_NET_OFF) {
            at = (long) frame + ETH_HLEN + (k - SKF_NET_OFF);
        } else if (k >= SKF_LL_OFF) {
            at = (long) frame + (k - SKF_LL_OFF);
        } else {
            return -Errno.EFAULT.number;
        }
        if (at < frame || at + size > end) {
            return -Errno.EFAULT.number;
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = v << 8 | (ctx[(int) at + i] & 0xff);
        }
        return v;
    }

    /** The XDP context a helper's first argument names (the context region itself). */
    private static byte[] xdpContext(HelperContext c, long xdp) {
        if ((int) xdp != 0) {
            throw new VmFault("xdp argument is not the context");
        }
        return c.memory().resolve(xdp, XdpMd.SIZE);
    }

    /**
     * bpf_xdp_adjust_head(xdp, offset): moves data (and the metadata before it) by offset;
     * -EINVAL unless data stays between data_hard_start + sizeof(struct xdp_frame) + metadata
     * and data_end - ETH_HLEN.
     */
    static long xdpAdjustHead(HelperContext c, long xdp, long offsetArg, long r3, long r4, long r5) {
        byte[] ctx = xdpContext(c, xdp);
        int meta = PacketContext.offsetOf(ctx, XdpMd.SIZE, PacketContext.HIDDEN_DATA_META);
        int data = PacketContext.offsetOf(ctx, XdpMd.SIZE, PacketContext.HIDDEN_DATA);
        int end = PacketContext.offsetOf(ctx, XdpMd.SIZE, PacketContext.HIDDEN_DATA_END);
        int hardStart = XdpMd.SIZE + PacketContext.HIDDEN_SIZE;
        int metalen = data - meta;
        long newData = (long) data + (int) offsetArg;
        if (newData < hardStart + XdpMd.XDP_FRAME_SIZE + metalen || newData > end - ETH_HLEN) {
            return -Errno.EINVAL.number;
        }
        int off = (int) offsetArg;
        if (metalen > 0) {
            System.arraycopy(ctx, meta, ctx, meta + off, metalen);
        }
        PacketContext.setPointers(ctx, XdpMd.SIZE, (int) newData, end, meta + off);
        return 0;
    }

    /**
     * bpf_xdp_adjust_tail(xdp, offset): moves data_end by offset, zeroing what it grows; -EINVAL
     * past data_hard_end or below data + ETH_HLEN.
     */
    static long xdpAdjustTail(HelperContext c, long xdp, long offsetArg, long r3, long r4, long r5) {
        byte[] ctx = xdpContext(c, xdp);
        int meta = PacketContext.offsetOf(ctx, XdpMd.SIZE, PacketContext.HIDDEN_DATA_META);
        int data = PacketContext.offsetOf(ctx, XdpMd.SIZE, PacketContext.HIDDEN_DATA);
        int end = PacketContext.offsetOf(ctx, XdpMd.SIZE, PacketContext.HIDDEN_DATA_END);
        int hardEnd = Math.min(ctx.length, XdpMd.SIZE + PacketContext.HIDDEN_SIZE + XdpMd.HARD_SIZE);
        long newEnd = (long) end + (int) offsetArg;
        if (newEnd > hardEnd || newEnd < data + ETH_HLEN) {
            return -Errno.EINVAL.number;
        }
        if (newEnd > end) {
            java.util.Arrays.fill(ctx, end, (int) newEnd, (byte) 0);
        }
        PacketContext.setPointers(ctx, XdpMd.SIZE, data, (int) newEnd, meta);
        return 0;
    }

    /** BPF_HDR_START_MAC and BPF_HDR_START_NET: where bpf_skb_load_bytes_relative counts from. */
    private static final int BPF_HDR_START_MAC = 0, BPF_HDR_START_NET = 1;

    /**
     * bpf_skb_load_bytes_relative(skb, offset, to, len, start_header): len bytes at offset (at
     * most 0xffff) from the link-layer or network header, up to the packet's end; otherwise
     * {@code to} is zeroed and the result is -EFAULT.
     */
    static long skbLoadBytesRelative(HelperContext c, long skb, long offset, long to, long len, long start) {
        MemoryMap mem = c.memory();
        int n = (int) len; // the verifier proved 0 < len < 2^29
        if ((int) skb != 0) {
            throw new VmFault("skb argument is not the context");
        }
        byte[] ctx = mem.resolve(skb, SkBuff.SIZE);
        int end = PacketContext.offsetOf(ctx, SkBuff.SIZE, PacketContext.HIDDEN_DATA_END);
        int frame = SkBuff.SIZE + PacketContext.HIDDEN_SIZE; // the link-layer header
        long off = offset & 0xffffffffL;
        long header = switch ((int) start) {
            case BPF_HDR_START_MAC -> frame;
            case BPF_HDR_START_NET -> frame + ETH_HLEN;
            default -> -1;
        };
        if (off > 0xffff || header < 0 || (start >>> 32) != 0 || header + off + n > end) {
            mem.write(to, new byte[n], n);
            return -Errno.EFAULT.number;
        }
        byte[] out = java.util.Arrays.copyOfRange(ctx, (int) (header + off), (int) (header + off) + n);
        mem.write(to, out, n);
        return 0;
    }
}
