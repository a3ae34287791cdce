package dev.emu.bpf.verifier;

import dev.emu.bpf.isa.Opcode;

/**
 * Direct packet access in the verifier (Linux's check_packet_access, find_good_pkt_pointers,
 * try_match_pkt_pointers): a packet pointer from {@code data} (or {@code data_meta}) may be
 * dereferenced only inside its proven {@code range}, which grows when a comparison against
 * {@code data_end} (or, for meta, against {@code data}) proves that much of the packet exists.
 * Pointers sharing an id share a variable offset, so one comparison proves the range of them all.
 */
final class PacketPointers {
    private PacketPointers() {}

    /** MAX_PACKET_OFF: a pointer offset beyond this never gains a range. */
    private static final long MAX_PACKET_OFF = 0xffff;

    /** The register a load of a packet-pointer context field yields. */
    static RegState fromContext(FieldAccess access) {
        RegType t = switch (access) {
            case PACKET -> RegType.PTR_TO_PACKET;
            case PACKET_END -> RegType.PTR_TO_PACKET_END;
            default -> RegType.PTR_TO_PACKET_META;
        };
        return RegState.pointer(t);
    }

    /** Packet, packet meta or packet end: pointers into the same packet, whose differences are lengths. */
    static boolean isPacketFamily(RegType t) {
        return isPacket(t) || t == RegType.PTR_TO_PACKET_END;
    }

    static boolean isPacket(RegType t) {
        return t == RegType.PTR_TO_PACKET || t == RegType.PTR_TO_PACKET_META;
    }

    /**
     * check_packet_access: null if {@code size} bytes at {@code reg + off} are inside the proven
     * range, else Linux's message.
     */
    static String checkAccess(int regno, RegState reg, int off, int size) {
        if (reg.smin < 0) {
            return "R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.";
        }
        long o = (long) reg.off + off;
        if (o >= 0 && o + size <= reg.range) {
            return null;
        }
        return "invalid access to packet, off=" + o + " size=" + size + ", R" + regno + "(id=" + reg.id + ",off="
                + o + ",r=" + reg.range + ")\nR" + regno + " offset is outside of the packet";
    }

    /**
     * try_match_pkt_pointers: if {@code dst op src} compares a packet pointer with its end, grows
     * the range in the branch where the comparison proves it ({@code fall} = not taken,
     * {@code taken} = taken). Returns false if the operands are not such a pair.
     */
    static boolean compare(VerifierState fall, VerifierState taken, RegState dst, RegState src, int op) {
        boolean dstPkt = endOf(dst.type) == src.type;   // pkt' OP pkt_end (or meta' OP pkt)
        boolean srcPkt = endOf(src.type) == dst.type;   // pkt_end OP pkt'
        if (!dstPkt && !srcPkt) {
            return false;
        }
        RegState p = dstPkt ? dst : src;
        switch (op) {
            case Opcode.JMP_JGT -> grow(dstPkt ? fall : taken, p, !dstPkt);   // pkt' > end: fall has pkt' <= end
            case Opcode.JMP_JLT -> grow(dstPkt ? taken : fall, p, dstPkt);    // pkt' < end: taken has pkt' < end
            case Opcode.JMP_JGE -> grow(dstPkt ? fall : taken, p, dstPkt);    // pkt' >= end: fall has pkt' < end
            case Opcode.JMP_JLE -> grow(dstPkt ? taken : fall, p, !dstPkt);   // pkt' <= end: taken has pkt' <= end
            default -> { }
        }
        return true;
    }

    private static RegType endOf(RegType t) {
        return t == RegType.PTR_TO_PACKET ? RegType.PTR_TO_PACKET_END
                : t == RegType.PTR_TO_PACKET_META ? RegType.PTR_TO_PACKET : null;
    }

    /** find_good_pkt_pointers: every packet pointer of p's type and id now has at least p.off (+1 if open) bytes. */
    private static void grow(VerifierState s, RegState p, boolean rightOpen) {
        if (p.off < 0 || (p.off == 0 && rightOpen)) {
            return;
        }
        if (Long.compareUnsigned(p.umax, MAX_PACKET_OFF) > 0 || p.umax + p.off > MAX_PACKET_OFF) {
            return;
        }
        int range = p.off + (rightOpen ? 1 : 0);
        for (RegState r : s.allRegs()) {
            if (r.type == p.type && r.id == p.id) {
                r.range = Math.max(r.range, range);
            }
        }
    }

    /** bpf_helper_changes_pkt_data: after these helpers every packet pointer is stale. */
    static boolean changesPacketData(int helper) {
        return helper == dev.emu.abi.bpf.BpfHelperId.XDP_ADJUST_HEAD || helper == dev.emu.abi.bpf.BpfHelperId.XDP_ADJUST_TAIL;
    }

    /** clear_all_pkt_pointers: stale packet pointers become unknown scalars (privileged mark_reg_invalid). */
    static void invalidate(VerifierState s) {
        for (RegState r : s.allRegs()) {
            if (isPacketFamily(r.type)) {
                r.setUnknown();
            }
        }
    }

    /** The helpers whose bpf_func_proto has pkt_access: the map element helpers. */
    static boolean helperMayAccessPacket(int helper) {
        return switch (helper) {
            case dev.emu.abi.bpf.BpfHelperId.MAP_LOOKUP_ELEM, dev.emu.abi.bpf.BpfHelperId.MAP_UPDATE_ELEM,
                 dev.emu.abi.bpf.BpfHelperId.MAP_DELETE_ELEM, dev.emu.abi.bpf.BpfHelperId.MAP_PUSH_ELEM,
                 dev.emu.abi.bpf.BpfHelperId.MAP_POP_ELEM, dev.emu.abi.bpf.BpfHelperId.MAP_PEEK_ELEM -> true;
            default -> false;
        };
    }
}
