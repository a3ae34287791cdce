package dev.emu.bpf.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.packet.PacketContext;
import dev.emu.bpf.packet.SkBuff;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.packet.XdpMd;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packet program types: __sk_buff and xdp_md access rules (Linux's is_valid_access), direct
 * packet access proven by comparisons with data_end, and both engines running the rewritten
 * context loads on a {@link PacketContext}.
 */
class PacketProgramTest {
    private static VerifierResult verify(ProgramType type, String asm) throws Exception {
        return Verifier.verify(Assembler.assemble(asm), Map.<Integer, dev.emu.bpf.map.BpfMap>of()::get, type, 1);
    }

    private static VerifiedProgram accepted(ProgramType type, String asm) throws Exception {
        VerifierResult r = verify(type, asm);
        assertThat(r).as("should be accepted: %s", r instanceof VerifierResult.Rejected j ? j.log() : "")
                .isInstanceOf(VerifierResult.Accepted.class);
        return ((VerifierResult.Accepted) r).program();
    }

    private static void rejected(ProgramType type, String asm, int insn, String reason) throws Exception {
        VerifierResult r = verify(type, asm);
        assertThat(r).isInstanceOf(VerifierResult.Rejected.class);
        VerifierResult.Rejected rej = (VerifierResult.Rejected) r;
        assertThat(rej.instruction()).isEqualTo(insn);
        assertThat(rej.log()).contains(reason);
    }

    /** Runs on both engines, which must agree; returns r0. */
    private static long runBoth(VerifiedProgram p, byte[] ctx) {
        byte[] c1 = ctx.clone(), c2 = ctx.clone();
        ExecutionResult a = p.run(c1, new StandaloneEnvironment(), VerifiedProgram.Engine.INTERPRETER);
        ExecutionResult b = p.run(c2, new StandaloneEnvironment(), VerifiedProgram.Engine.JIT);
        assertThat(b).isEqualTo(a);
        assertThat(c2).isEqualTo(c1);
        System.arraycopy(c1, 0, ctx, 0, ctx.length);
        return ((ExecutionResult.Exit) a).r0();
    }

    private static byte[] skb(int len) {
        byte[] pkt = new byte[len];
        for (int i = 0; i < len; i++) {
            pkt[i] = (byte) (i + 1);
        }
        byte[] ctx = PacketContext.build(SkBuff.SIZE, 0, pkt);
        PacketContext.putU32(ctx, SkBuff.LEN, len);
        return ctx;
    }

    @Test
    void socketFilterReadsSkBuffFieldsNotThePacket() throws Exception {
        VerifiedProgram p = accepted(ProgramTypes.SOCKET_FILTER, """
                ldxw %r0, [%r1+0]
                stw [%r1+48], 7
                ldxb %r2, [%r1+48]
                add %r0, %r2
                exit
                """);
        assertThat(runBoth(p, skb(50))).isEqualTo(57); // len 50 + cb[0]'s low byte 7
    }

    @Test
    void socketFilterContextRules() throws Exception {
        rejected(ProgramTypes.SOCKET_FILTER, "ldxw %r0, [%r1+1000]\nexit\n", 0, "invalid bpf_context access off=1000 size=4");
        rejected(ProgramTypes.SOCKET_FILTER, "ldxw %r0, [%r1+76]\nexit\n", 0, "invalid bpf_context access off=76 size=4");
        rejected(ProgramTypes.SOCKET_FILTER, "ldxh %r0, [%r1+1]\nexit\n", 0, "invalid bpf_context access off=1 size=2");
        rejected(ProgramTypes.SOCKET_FILTER, "stw [%r1+8], 1\nmov %r0, 0\nexit\n", 0,
                "invalid bpf_context access off=8 size=4");
        accepted(ProgramTypes.SOCKET_FILTER, "ldxh %r0, [%r1+2]\nexit\n");     // narrow, aligned
        accepted(ProgramTypes.SOCKET_FILTER, "stdw [%r1+56], 1\nmov %r0, 0\nexit\n"); // 8 bytes of cb
        rejected(ProgramTypes.SOCKET_FILTER, "stdw [%r1+64], 1\nmov %r0, 0\nexit\n", 0,
                "invalid bpf_context access off=64 size=8");
        accepted(ProgramTypes.SCHED_CLS, "stw [%r1+8], 1\nmov %r0, 0\nexit\n"); // tc writes mark
    }

    @Test
    void skbLoadBytesReadsFromData() throws Exception {
        VerifiedProgram p = accepted(ProgramTypes.SOCKET_FILTER, """
                mov %r2, 2
                mov %r3, %r10
                add %r3, -8
                mov %r4, 4
                call 26
                jne %r0, 0, fail
                ldxw %r0, [%r10-8]
                exit
                fail:
                lsh %r0, 8
                ldxw %r1, [%r10-8]
                or %r0, %r1
                exit
                """);
        assertThat(runBoth(p, skb(20))).isEqualTo(0x06050403L);
        assertThat(runBoth(p, skb(5))).isEqualTo(-14L << 8); // -EFAULT, buffer zeroed
    }

    private static final String DIRECT = """
            ldxw %r2, [%r1+76]
            ldxw %r3, [%r1+80]
            mov %r4, %r2
            add %r4, 4
            jgt %r4, %r3, out
            ldxw %r0, [%r2+0]
            stb [%r2+3], 9
            exit
            out:
            mov %r0, 2
            exit
            """;

    @Test
    void directPacketAccessAfterTheRangeCheck() throws Exception {
        VerifiedProgram p = accepted(ProgramTypes.SCHED_CLS, DIRECT);
        byte[] ctx = skb(10);
        assertThat(runBoth(p, ctx)).isEqualTo(0x04030201L);
        assertThat(PacketContext.packet(ctx, SkBuff.SIZE)[3]).isEqualTo((byte) 9);
        assertThat(runBoth(p, skb(3))).isEqualTo(2);
    }

    @Test
    void packetAccessOutsideTheProvenRange() throws Exception {
        rejected(ProgramTypes.SCHED_CLS, "ldxw %r2, [%r1+76]\nldxb %r0, [%r2+0]\nexit\n", 1,
                "invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)");
        rejected(ProgramTypes.SCHED_CLS, DIRECT.replace("ldxw %r0, [%r2+0]", "ldxw %r0, [%r2+1]"), 5,
                "invalid access to packet, off=1 size=4, R2(id=0,off=1,r=4)");
        rejected(ProgramTypes.SCHED_CLS, "ldxw %r3, [%r1+80]\nadd %r3, 1\nmov %r0, 0\nexit\n", 1,
                "R3 pointer arithmetic on pkt_end prohibited");
        rejected(ProgramTypes.SCHED_CLS, "ldxdw %r2, [%r1+76]\nmov %r0, 0\nexit\n", 0,
                "invalid bpf_context access off=76 size=8");
        // A variable offset gets a new id: the old proof does not cover it.
        rejected(ProgramTypes.SCHED_CLS, DIRECT.replace("ldxw %r0, [%r2+0]", "ldxb %r5, [%r2+0]\nadd %r2, %r5\nldxb %r0, [%r2+0]"), 7,
                "invalid access to packet");
    }

    @Test
    void xdpContext() throws Exception {
        VerifiedProgram p = accepted(ProgramTypes.XDP, """
                ldxw %r2, [%r1+0]
                ldxw %r3, [%r1+4]
                mov %r0, %r3
                sub %r0, %r2
                ldxw %r4, [%r1+12]
                lsh %r4, 16
                or %r0, %r4
                exit
                """);
        byte[] ctx = PacketContext.build(XdpMd.SIZE, XdpMd.HEADROOM, new byte[60]);
        PacketContext.putU32(ctx, XdpMd.INGRESS_IFINDEX, 1);
        assertThat(runBoth(p, ctx)).isEqualTo(0x1003cL);
        rejected(ProgramTypes.XDP, "stw [%r1+12], 1\nmov %r0, 0\nexit\n", 0, "invalid bpf_context access off=12 size=4");
        rejected(ProgramTypes.XDP, "ldxb %r0, [%r1+12]\nexit\n", 0, "invalid bpf_context access off=12 size=1");
        rejected(ProgramTypes.XDP, "ldxw %r0, [%r1+20]\nexit\n", 0, "invalid bpf_context access off=20 size=4");
    }

    @Test
    void legacyPacketLoads() throws Exception {
        VerifiedProgram p = accepted(ProgramTypes.SOCKET_FILTER, """
                mov %r6, %r1
                ldabsh 2
                mov %r7, %r0
                mov %r8, 1
                ldindb %r8, 3
                lsh %r7, 8
                or %r7, %r0
                ldabsw -2097140
                lsh %r0, 32
                or %r0, %r7
                exit
                """);
        // Packet bytes are i + 1: be16 at 2 = 0x0304, the byte at 1 + 3 = 5, and at SKF_LL_OFF + 12
        // the frame's bytes 12..15 (this test's frame starts at data).
        assertThat(runBoth(p, skb(20))).isEqualTo(0x0d0e0f1000030405L);
        assertThat(runBoth(p, skb(3))).isZero(); // ldabsh 2 needs bytes 2..3: the program ends with 0
    }

    @Test
    void legacyPacketLoadRules() throws Exception {
        rejected(ProgramTypes.XDP, "mov %r6, %r1\nldabsb 0\nexit\n", 1,
                "BPF_LD_[ABS|IND] instructions not allowed for this program type");
        rejected(ProgramTypes.SOCKET_FILTER, "ldabsb 0\nexit\n", 0, "R6 !read_ok");
        rejected(ProgramTypes.SOCKET_FILTER, "mov %r6, 0\nldabsb 0\nexit\n", 1,
                "at the time of BPF_LD_ABS|IND R6 != pointer to skb");
        rejected(ProgramTypes.SOCKET_FILTER, "mov %r6, %r1\nldabsb 0\nmov %r0, %r1\nexit\n", 2, "R1 !read_ok");
    }

    @Test
    void xdpAdjustHeadAndTail() throws Exception {
        VerifiedProgram p = accepted(ProgramTypes.XDP, """
                mov %r6, %r1
                mov %r2, -4
                call 44
                mov %r7, %r0
                mov %r1, %r6
                mov %r2, 6
                call 65
                lsh %r0, 32
                or %r0, %r7
                exit
                """);
        byte[] pkt = new byte[20];
        byte[] ctx = PacketContext.build(XdpMd.SIZE, XdpMd.HEADROOM, pkt, XdpMd.HARD_SIZE - XdpMd.HEADROOM - 20);
        assertThat(runBoth(p, ctx)).isZero();
        assertThat(PacketContext.packet(ctx, XdpMd.SIZE)).hasSize(30);
        // Head: data may not go below data_hard_start + sizeof(struct xdp_frame).
        VerifiedProgram far = accepted(ProgramTypes.XDP, "mov %r2, -217\ncall 44\nexit\n");
        assertThat(runBoth(far, PacketContext.build(XdpMd.SIZE, XdpMd.HEADROOM, new byte[64], 0))).isEqualTo(-22);
        // Packet pointers do not survive a helper that moves the packet.
        rejected(ProgramTypes.XDP, """
                mov %r6, %r1
                ldxw %r7, [%r6+0]
                ldxw %r3, [%r6+4]
                mov %r4, %r7
                add %r4, 4
                jgt %r4, %r3, out
                mov %r1, %r6
                mov %r2, 2
                call 44
                ldxw %r0, [%r7+0]
                out:
                mov %r0, 2
                exit
                """, 9, "R7 invalid mem access 'scalar'");
    }

    @Test
    void packetMemoryAsAHelperArgument() throws Exception {
        // Only helpers with pkt_access (the map helpers) take packet memory.
        rejected(ProgramTypes.SCHED_CLS, """
                mov %r6, %r1
                ldxw %r3, [%r6+76]
                ldxw %r4, [%r6+80]
                mov %r5, %r3
                add %r5, 4
                jgt %r5, %r4, out
                mov %r1, %r6
                mov %r2, 4
                mov %r4, 4
                call 26
                exit
                out:
                mov %r0, 1
                exit
                """, 9, "helper access to the packet is not allowed");
        BpfMap hash = dev.emu.bpf.map.MapTypes.create(dev.emu.abi.bpf.BpfMapType.HASH, 4, 8, 4, 0).map();
        hash.update(new byte[] {1, 2, 3, 4}, new byte[] {9, 0, 0, 0, 0, 0, 0, 0}, 0);
        String prog = """
                ldxw %r2, [%r1+76]
                ldxw %r3, [%r1+80]
                mov %r4, %r2
                add %r4, SIZE
                jgt %r4, %r3, out
                lddw %r1, map_fd(1)
                call 1
                jeq %r0, 0, out
                ldxdw %r0, [%r0]
                exit
                out:
                mov %r0, 0
                exit
                """;
        VerifierResult r = Verifier.verify(Assembler.assemble(prog.replace("SIZE", "4")), Map.of(1, hash)::get,
                ProgramTypes.SCHED_CLS, 1);
        VerifiedProgram p = ((VerifierResult.Accepted) r).program();
        assertThat(runBoth(p, skb(10))).isEqualTo(9); // the key is the packet's first 4 bytes
        VerifierResult short3 = Verifier.verify(Assembler.assemble(prog.replace("SIZE", "3")), Map.of(1, hash)::get,
                ProgramTypes.SCHED_CLS, 1);
        assertThat(((VerifierResult.Rejected) short3).log()).contains("invalid access to packet, off=0 size=4");
    }

    @Test
    void skbLoadBytesRelativeCountsFromAHeader() throws Exception {
        String prog = """
                mov %r2, OFF
                mov %r3, %r10
                add %r3, -8
                mov %r4, 2
                mov %r5, HDR
                call 68
                jne %r0, 0, fail
                ldxh %r0, [%r10-8]
                exit
                fail:
                exit
                """;
        byte[] frame = new byte[40];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (i + 1);
        }
        byte[] ctx = PacketContext.build(SkBuff.SIZE, 0, frame);
        int start = SkBuff.SIZE + PacketContext.HIDDEN_SIZE;
        PacketContext.setPointers(ctx, SkBuff.SIZE, start + 14, start + 40, start + 14); // a socket filter's view
        assertThat(runBoth(accepted(ProgramTypes.SOCKET_FILTER, prog.replace("OFF", "12").replace("HDR", "0")), ctx))
                .isEqualTo(0x0e0d); // the frame's bytes 12..13 (ethertype), little-endian load
        assertThat(runBoth(accepted(ProgramTypes.SOCKET_FILTER, prog.replace("OFF", "0").replace("HDR", "1")), ctx))
                .isEqualTo(0x100f);
        assertThat(runBoth(accepted(ProgramTypes.SOCKET_FILTER, prog.replace("OFF", "25").replace("HDR", "1")), ctx))
                .isEqualTo(-14);
        assertThat(runBoth(accepted(ProgramTypes.SOCKET_FILTER, prog.replace("OFF", "0").replace("HDR", "2")), ctx))
                .isEqualTo(-14);
    }
}
