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
}
