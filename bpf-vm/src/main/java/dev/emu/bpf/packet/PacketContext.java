package dev.emu.bpf.packet;

import dev.emu.bpf.interp.MemoryMap;
import dev.emu.bpf.interp.VmFault;

/**
 * The runtime context of a packet program (socket filter, sched_cls, XDP): one byte array that
 * both engines map as the context region, laid out as
 *
 * <pre>
 *   [0, publicSize)                 the Linux struct (__sk_buff or xdp_md) the program sees
 *   [publicSize, publicSize + 24)   data, data_end, data_meta as 8-byte guest addresses (hidden)
 *   [publicSize + 24, ...)          headroom, then the packet bytes
 * </pre>
 *
 * The verifier refuses every access to the hidden words; its rewrite turns a program's 4-byte load
 * of {@code data}/{@code data_end}/{@code data_meta} into an 8-byte load of the hidden word (Linux's
 * convert_ctx_access does the same with sk_buff's pointers). The packet lives in the context region,
 * so a packet pointer is an ordinary bounded address and both engines need nothing new.
 */
public final class PacketContext {
    private PacketContext() {}

    /** Offsets of the hidden pointers relative to the public struct's size. */
    public static final int HIDDEN_DATA = 0, HIDDEN_DATA_END = 8, HIDDEN_DATA_META = 16, HIDDEN_SIZE = 24;

    /** The context region's guest address (the engines map the context as region 2). */
    public static final long CONTEXT_BASE = MemoryMap.base(2);

    /**
     * A context byte array: {@code publicSize} bytes of struct, the hidden pointers, {@code headroom}
     * bytes, then {@code packet}; data = data_meta = the packet's start, data_end = its end.
     */
    public static byte[] build(int publicSize, int headroom, byte[] packet) {
        return build(publicSize, headroom, packet, 0);
    }

    /** As {@link #build(int, int, byte[])} with {@code tailroom} zero bytes after the packet. */
    public static byte[] build(int publicSize, int headroom, byte[] packet, int tailroom) {
        byte[] ctx = new byte[publicSize + HIDDEN_SIZE + headroom + packet.length + tailroom];
        int start = publicSize + HIDDEN_SIZE + headroom;
        System.arraycopy(packet, 0, ctx, start, packet.length);
        setPointers(ctx, publicSize, start, start + packet.length, start);
        return ctx;
    }

    /** Sets the hidden data, data_end and data_meta to these offsets in {@code ctx}. */
    public static void setPointers(byte[] ctx, int publicSize, int data, int dataEnd, int dataMeta) {
        putU64(ctx, publicSize + HIDDEN_DATA, CONTEXT_BASE + data);
        putU64(ctx, publicSize + HIDDEN_DATA_END, CONTEXT_BASE + dataEnd);
        putU64(ctx, publicSize + HIDDEN_DATA_META, CONTEXT_BASE + dataMeta);
    }

    /** Offset in {@code ctx} of hidden pointer {@code which} (HIDDEN_DATA, ...), checked to lie inside it. */
    public static int offsetOf(byte[] ctx, int publicSize, int which) {
        long addr = getU64(ctx, publicSize + which) - CONTEXT_BASE;
        if (addr < publicSize + HIDDEN_SIZE || addr > ctx.length) {
            throw new VmFault("packet context corrupted");
        }
        return (int) addr;
    }

    /** The packet bytes between data and data_end now. */
    public static byte[] packet(byte[] ctx, int publicSize) {
        return java.util.Arrays.copyOfRange(ctx, offsetOf(ctx, publicSize, HIDDEN_DATA),
                offsetOf(ctx, publicSize, HIDDEN_DATA_END));
    }

    static long getU64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    static void putU64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Reads the little-endian u32 at {@code off}. */
    public static int getU32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /** Writes the little-endian u32 at {@code off}. */
    public static void putU32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
