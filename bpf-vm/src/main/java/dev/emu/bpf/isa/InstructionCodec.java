package dev.emu.bpf.isa;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Decodes and encodes programs as the little-endian byte stream of {@code struct bpf_insn}. */
public final class InstructionCodec {
    private InstructionCodec() {}

    /** Size of one instruction slot in bytes. */
    public static final int SLOT_SIZE = 8;

    /**
     * Decodes {@code bytes} (a multiple of 8 in length) into instruction slots. {@code lddw}
     * yields two slots, as in the byte stream.
     *
     * @throws IllegalArgumentException if the length is not a multiple of 8
     */
    public static List<Instruction> decode(byte[] bytes) {
        if (bytes.length % SLOT_SIZE != 0) {
            throw new IllegalArgumentException("program length " + bytes.length + " is not a multiple of 8");
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Instruction> out = new ArrayList<>(bytes.length / SLOT_SIZE);
        while (bb.hasRemaining()) {
            out.add(Instruction.fromRaw(bb.getLong()));
        }
        return out;
    }

    /** Encodes instruction slots as little-endian bytes, 8 per slot. */
    public static byte[] encode(List<Instruction> insns) {
        ByteBuffer bb = ByteBuffer.allocate(insns.size() * SLOT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction i : insns) {
            bb.putLong(i.toRaw());
        }
        return bb.array();
    }
}
