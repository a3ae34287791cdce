package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfProgType;
import dev.emu.bpf.packet.PacketContext;
import dev.emu.bpf.packet.SkBuff;
import dev.emu.bpf.packet.XdpMd;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.task.Task;
import java.util.Arrays;

/**
 * PROG_TEST_RUN's input and output for the packet program types, as net/bpf/test_run.c builds
 * them: bpf_prog_test_run_skb (socket filter, sched_cls) and bpf_prog_test_run_xdp. The test
 * packet arrives on the loopback device (ifindex 1, MAC 00:00:00:00:00:00).
 *
 * <p>skb: data_in is an Ethernet frame (at least ETH_HLEN bytes, at most a page less Linux's
 * headroom and skb_shared_info); eth_type_trans sets protocol and pkt_type. A socket filter sees
 * the packet from the network header (len = size - 14) and gets the link-layer header back
 * zeroed; sched_cls sees the whole frame. ctx_in may set mark, priority, ingress_ifindex,
 * ifindex (1), cb, tstamp, wire_len, gso_segs, gso_size and hwtstamp; any other non-zero byte is
 * EINVAL (convert___skb_to_skb). XDP: data_meta = data unless ctx_in's data gives a metadata
 * length (multiple of 4, at most 32) at the start of data_in; data_end must equal data_size_in.
 */
final class PacketTestRun {
    private static final int ETH_HLEN = 14;
    /** PAGE_SIZE - NET_SKB_PAD - SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86_64. */
    private static final int SKB_MAX_DATA = 4096 - 64 - 320;
    /** PAGE_SIZE - XDP_PACKET_HEADROOM - SKB_DATA_ALIGN(sizeof(struct skb_shared_info)). */
    private static final int XDP_MAX_DATA = 4096 - XdpMd.HEADROOM - 320;
    private static final int LOOPBACK_IFINDEX = 1;
    private static final int ETH_P_IP = 0x0800, ETH_P_IPV6 = 0x86dd, IPV4_HLEN = 20, IPV6_HLEN = 40;
    private static final int GSO_LEGACY_MAX_SIZE = 65536, GSO_MAX_SEGS = 65535;
    private static final int PACKET_HOST = 0, PACKET_MULTICAST = 2, PACKET_OTHERHOST = 3;

    private final int progType;
    private final int publicSize;
    /** The context the program runs on (cloned per repetition). */
    private final byte[] context;
    /** The user's ctx (ctx_in, zero-extended), or null when neither ctx_in nor ctx_out was given. */
    private final byte[] userCtx;
    /** Socket filters: the skipped link-layer header is pushed back, zeroed, for the output. */
    private final boolean l3;

    private PacketTestRun(int progType, int publicSize, byte[] context, byte[] userCtx, boolean l3) {
        this.progType = progType;
        this.publicSize = publicSize;
        this.context = context;
        this.userCtx = userCtx;
        this.l3 = l3;
    }

    static boolean handles(int progType) {
        return progType == BpfProgType.SOCKET_FILTER || progType == BpfProgType.SCHED_CLS
                || progType == BpfProgType.XDP;
    }

    byte[] context() {
        return context;
    }

    /** The test's input, checked as Linux checks it; null with {@code err[0]} set on refusal. */
    static PacketTestRun prepare(Task t, BpfProgram p, Attr a, long[] err) {
        long ctxIn = a.u64(BpfAttr.TEST_CTX_IN), ctxOut = a.u64(BpfAttr.TEST_CTX_OUT);
        long ctxSizeIn = a.u32Long(BpfAttr.TEST_CTX_SIZE_IN), ctxSizeOut = a.u32Long(BpfAttr.TEST_CTX_SIZE_OUT);
        // bpf_prog_test_run: a ctx pointer and its size come together.
        if ((ctxSizeIn != 0) != (ctxIn != 0) || (ctxSizeOut != 0) != (ctxOut != 0) || a.u32(72) != 0) {
            err[0] = Errno.EINVAL.ret();
            return null;
        }
        boolean xdp = p.type() == BpfProgType.XDP;
        int publicSize = xdp ? XdpMd.SIZE : SkBuff.SIZE;
        long size = a.u32Long(BpfAttr.TEST_DATA_SIZE_IN);
        // bpf_ctx_init: the user's ctx, bytes past the struct must be zero (E2BIG).
        byte[] user = null;
        if (ctxIn != 0 || ctxOut != 0) {
            user = new byte[publicSize];
            if (ctxIn != 0) {
                if (ctxSizeIn > publicSize) {
                    if (ctxSizeIn > AddressSpace.PAGE_SIZE || !allZero(t.memory().read(ctxIn + publicSize,
                            (int) ctxSizeIn - publicSize))) {
                        err[0] = Errno.E2BIG.ret();
                        return null;
                    }
                }
                byte[] in = t.memory().read(ctxIn, (int) Math.min(ctxSizeIn, publicSize));
                System.arraycopy(in, 0, user, 0, in.length);
            }
        }
        return xdp ? prepareXdp(t, a, size, user, err) : prepareSkb(t, p, a, size, user, err);
    }

    private static PacketTestRun prepareSkb(Task t, BpfProgram p, Attr a, long size, byte[] user, long[] err) {
        if (size < ETH_HLEN || size > SKB_MAX_DATA) {
            err[0] = Errno.EINVAL.ret();
            return null;
        }
        byte[] frame = t.memory().read(a.u64(BpfAttr.TEST_DATA_IN), (int) size);
        int proto = (frame[12] & 0xff) << 8 | (frame[13] & 0xff);
        if ((proto == ETH_P_IP && size < ETH_HLEN + IPV4_HLEN) || (proto == ETH_P_IPV6 && size < ETH_HLEN + IPV6_HLEN)) {
            err[0] = Errno.EINVAL.ret(); // bpf_prog_test_run_skb: the network header must be there
            return null;
        }
        boolean l3 = p.type() == BpfProgType.SOCKET_FILTER;
        if (user != null && PacketContext.getU32(user, SkBuff.IFINDEX) > LOOPBACK_IFINDEX) {
            err[0] = Errno.ENODEV.ret(); // emu's network namespace has only the loopback device
            return null;
        }
        // The context holds the whole frame; a socket filter's data starts past the Ethernet header.
        byte[] ctx = PacketContext.build(SkBuff.SIZE, 0, frame);
        int frameStart = SkBuff.SIZE + PacketContext.HIDDEN_SIZE;
        int data = l3 ? frameStart + ETH_HLEN : frameStart;
        PacketContext.setPointers(ctx, SkBuff.SIZE, data, frameStart + frame.length, data);
        int len = frame.length - (data - frameStart);
        PacketContext.putU32(ctx, SkBuff.LEN, len);
        PacketContext.putU32(ctx, SkBuff.PKT_TYPE, pktType(frame));
        PacketContext.putU32(ctx, SkBuff.PROTOCOL, protocol(frame));
        PacketContext.putU32(ctx, SkBuff.IFINDEX, LOOPBACK_IFINDEX);
        if (user != null) {
            // convert___skb_to_skb: only these fields may be set.
            int[][] allowed = {{SkBuff.MARK, 4}, {SkBuff.PRIORITY, 12}, {SkBuff.CB, SkBuff.CB_SIZE},
                {SkBuff.TSTAMP, 16}, {SkBuff.GSO_SIZE, 4}, {SkBuff.HWTSTAMP, 8}};
            if (!onlyAllowed(user, allowed)) {
                err[0] = Errno.EINVAL.ret();
                return null;
            }
            int wireLen = PacketContext.getU32(user, SkBuff.WIRE_LEN);
            if (wireLen != 0 && (Integer.compareUnsigned(wireLen, len) < 0
                    || Integer.compareUnsigned(wireLen, GSO_LEGACY_MAX_SIZE) > 0)) {
                err[0] = Errno.EINVAL.ret();
                return null;
            }
            if (Integer.compareUnsigned(PacketContext.getU32(user, SkBuff.GSO_SEGS), GSO_MAX_SEGS) > 0) {
                err[0] = Errno.EINVAL.ret();
                return null;
            }
            copy(user, ctx, SkBuff.MARK, 4);
            copy(user, ctx, SkBuff.PRIORITY, 8); // priority, ingress_ifindex (skb_iif)
            copy(user, ctx, SkBuff.CB, SkBuff.CB_SIZE);
            copy(user, ctx, SkBuff.TSTAMP, 8);
            copy(user, ctx, SkBuff.GSO_SEGS, 4);
            copy(user, ctx, SkBuff.GSO_SIZE, 4);
            copy(user, ctx, SkBuff.HWTSTAMP, 8);
            PacketContext.putU32(ctx, SkBuff.WIRE_LEN, wireLen == 0 ? len : wireLen);
        }
        return new PacketTestRun(p.type(), SkBuff.SIZE, ctx, user, l3);
    }

    private static PacketTestRun prepareXdp(Task t, Attr a, long size, byte[] user, long[] err) {
        int meta = 0;
        if (user != null) {
            int data = PacketContext.getU32(user, XdpMd.DATA);
            int dataEnd = PacketContext.getU32(user, XdpMd.DATA_END);
            if (PacketContext.getU32(user, XdpMd.DATA_META) != 0 || dataEnd != size
                    || Integer.compareUnsigned(data, dataEnd) > 0 || (data & 3) != 0 || Integer.compareUnsigned(data, 32) > 0) {
                err[0] = Errno.EINVAL.ret();
                return null;
            }
            meta = data;
        }
        if (size < ETH_HLEN || size > XDP_MAX_DATA) {
            err[0] = Errno.EINVAL.ret(); // bpf_test_init (emu builds no fragments for larger packets)
            return null;
        }
        byte[] in = t.memory().read(a.u64(BpfAttr.TEST_DATA_IN), (int) size);
        if (user != null) {
            // xdp_convert_md_to_buff
            int ifindex = PacketContext.getU32(user, XdpMd.INGRESS_IFINDEX);
            int queue = PacketContext.getU32(user, XdpMd.RX_QUEUE_INDEX);
            if (PacketContext.getU32(user, XdpMd.EGRESS_IFINDEX) != 0 || (ifindex == 0 && queue != 0)) {
                err[0] = Errno.EINVAL.ret();
                return null;
            }
            if (ifindex != 0) {
                // Only the loopback device exists, and it has no registered XDP rx queue.
                err[0] = (ifindex == LOOPBACK_IFINDEX ? Errno.EINVAL : Errno.ENODEV).ret();
                return null;
            }
        }
        int headroom = XdpMd.HEADROOM - meta;
        // The whole frame up to data_hard_end, so bpf_xdp_adjust_tail can grow the packet.
        byte[] ctx = PacketContext.build(XdpMd.SIZE, headroom, in, XdpMd.HARD_SIZE - headroom - in.length);
        int metaStart = XdpMd.SIZE + PacketContext.HIDDEN_SIZE + headroom;
        PacketContext.setPointers(ctx, XdpMd.SIZE, metaStart + meta, metaStart + in.length, metaStart);
        PacketContext.putU32(ctx, XdpMd.INGRESS_IFINDEX, LOOPBACK_IFINDEX);
        return new PacketTestRun(BpfProgType.XDP, XdpMd.SIZE, ctx, user, false);
    }

    /**
     * bpf_test_finish then bpf_ctx_finish: data_out gets the packet (clamped to a non-zero
     * data_size_out, then ENOSPC), data_size_out its full size, retval and duration; ctx_out the
     * fields Linux copies back.
     */
    long finish(Task t, Attr a, byte[] ctx, int retval, int duration) {
        byte[] out;
        if (progType == BpfProgType.XDP) {
            int meta = PacketContext.offsetOf(ctx, publicSize, PacketContext.HIDDEN_DATA_META);
            int data = PacketContext.offsetOf(ctx, publicSize, PacketContext.HIDDEN_DATA);
            int end = PacketContext.offsetOf(ctx, publicSize, PacketContext.HIDDEN_DATA_END);
            out = Arrays.copyOfRange(ctx, meta, end);
            if (userCtx != null) {
                PacketContext.putU32(userCtx, XdpMd.DATA, data - meta);
                PacketContext.putU32(userCtx, XdpMd.DATA_END, end - meta);
            }
        } else {
            int frameStart = SkBuff.SIZE + PacketContext.HIDDEN_SIZE;
            out = Arrays.copyOfRange(ctx, frameStart, ctx.length);
            if (l3) {
                Arrays.fill(out, 0, ETH_HLEN, (byte) 0); // memset(__skb_push(skb, hh_len), 0, hh_len)
            }
            if (userCtx != null) {
                // convert_skb_to___skb
                copy(ctx, userCtx, SkBuff.MARK, 4);
                copy(ctx, userCtx, SkBuff.PRIORITY, 12); // priority, ingress_ifindex, ifindex
                copy(ctx, userCtx, SkBuff.CB, SkBuff.CB_SIZE);
                copy(ctx, userCtx, SkBuff.TSTAMP, 16); // tstamp, wire_len, gso_segs
                copy(ctx, userCtx, SkBuff.HWTSTAMP, 8);
            }
        }
        long dataOut = a.u64(BpfAttr.TEST_DATA_OUT);
        long sizeOut = a.u32Long(BpfAttr.TEST_DATA_SIZE_OUT);
        int copy = out.length;
        boolean short_ = false;
        if (sizeOut != 0 && copy > sizeOut) {
            copy = (int) sizeOut;
            short_ = true;
        }
        if (dataOut != 0) {
            t.memory().write(dataOut, out, 0, copy);
        }
        a.putU32(BpfAttr.TEST_DATA_SIZE_OUT, out.length);
        a.putU32(BpfAttr.TEST_RETVAL, retval);
        a.putU32(BpfAttr.TEST_DURATION, duration);
        if (short_) {
            return Errno.ENOSPC.ret();
        }
        long ctxOut = a.u64(BpfAttr.TEST_CTX_OUT);
        if (userCtx == null || ctxOut == 0) {
            return 0;
        }
        long ctxSizeOut = a.u32Long(BpfAttr.TEST_CTX_SIZE_OUT);
        int n = (int) Math.min(ctxSizeOut, publicSize);
        t.memory().write(ctxOut, userCtx, 0, n);
        a.putU32(BpfAttr.TEST_CTX_SIZE_OUT, publicSize);
        return n < publicSize ? Errno.ENOSPC.ret() : 0;
    }

    /**
     * eth_type_trans's packet type for a frame the loopback device receives: its address and its
     * broadcast address are both 00:00:00:00:00:00, so a group address is multicast.
     */
    private static int pktType(byte[] frame) {
        boolean ours = true;
        for (int i = 0; i < 6; i++) {
            ours &= frame[i] == 0;
        }
        return ours ? PACKET_HOST : (frame[0] & 1) != 0 ? PACKET_MULTICAST : PACKET_OTHERHOST;
    }

    /** eth_type_trans's protocol, as the __be16 skb->protocol reads in a u32 field. */
    private static int protocol(byte[] frame) {
        int proto = (frame[12] & 0xff) << 8 | (frame[13] & 0xff);
        if (proto < 0x600) {
            // 802.3 length field: raw IPX (0xFFFF) is ETH_P_802_3, else 802.2 LLC.
            boolean raw = frame.length >= 16 && frame[14] == (byte) 0xff && frame[15] == (byte) 0xff;
            proto = raw ? 0x0001 : 0x0004;
        }
        return (proto >>> 8) | (proto & 0xff) << 8; // network byte order in memory
    }

    private static boolean onlyAllowed(byte[] user, int[][] allowed) {
        boolean[] ok = new boolean[user.length];
        for (int[] r : allowed) {
            Arrays.fill(ok, r[0], r[0] + r[1], true);
        }
        for (int i = 0; i < user.length; i++) {
            if (!ok[i] && user[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static void copy(byte[] from, byte[] to, int off, int len) {
        System.arraycopy(from, off, to, off, len);
    }
}
