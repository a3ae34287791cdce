package dev.emu.bpf.helper;

import dev.emu.abi.Errno;
import dev.emu.bpf.interp.MemoryMap;
import dev.emu.bpf.interp.VmFault;
import dev.emu.bpf.packet.PacketContext;
import dev.emu.bpf.packet.SkBuff;

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
}
