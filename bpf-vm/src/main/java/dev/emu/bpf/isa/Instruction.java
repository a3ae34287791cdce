package dev.emu.bpf.isa;

/**
 * One 8-byte eBPF instruction slot (RFC 9669 section 3): {@code opcode:8 dst:4 src:4 off:16 imm:32},
 * little-endian. {@code lddw} occupies two consecutive slots; its second slot is an instruction with
 * opcode 0 whose {@code imm} holds the upper 32 bits.
 *
 * @param opcode the opcode byte (0..255)
 * @param dst destination register field (0..15)
 * @param src source register field (0..15)
 * @param off signed 16-bit offset
 * @param imm signed 32-bit immediate
 */
public record Instruction(int opcode, int dst, int src, short off, int imm) {

    /** Convenience constructor taking the offset as an int (truncated to 16 bits). */
    public Instruction(int opcode, int dst, int src, int off, int imm) {
        this(opcode, dst, src, (short) off, imm);
    }

    /** This slot as the little-endian u64 the kernel reads (opcode in the low byte). */
    public long toRaw() {
        return (opcode & 0xffL) | (long) (dst & 0xf) << 8 | (long) (src & 0xf) << 12
                | (off & 0xffffL) << 16 | (long) imm << 32;
    }

    /** The slot encoded by the little-endian u64 {@code raw}. */
    public static Instruction fromRaw(long raw) {
        return new Instruction((int) raw & 0xff, (int) (raw >>> 8) & 0xf, (int) (raw >>> 12) & 0xf,
                (short) (raw >>> 16), (int) (raw >>> 32));
    }

    /** The opcode table entry for this slot's opcode, or null if the opcode is unknown. */
    public Opcode info() {
        return Opcode.of(opcode);
    }
}
