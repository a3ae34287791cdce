package dev.emu.emulator.unicorn;

/**
 * The size of the memory operand of an x86-64 instruction, decoded from its bytes, for the fault
 * report. Unicorn reports the size of the access that faulted, which for an access that crosses
 * into an unmapped or protected page is one byte (its slow path splits such an access into
 * single bytes); the report should say what the instruction did ("write of 8 bytes").
 *
 * <p>Covers the general-purpose and SSE moves, ALU, stack and string instructions that make up
 * almost all compiled code (Intel SDM vol. 2, opcode map in appendix A); anything else decodes to
 * 0, "unknown", and the reported size is kept.
 */
final class AccessSize {
    private AccessSize() {}

    /** The operand size in bytes of the instruction in {@code code[0..length)}, or 0 if unknown. */
    static int decode(byte[] code, int length) {
        boolean opsize16 = false;
        int rep = 0; // 0xf2 or 0xf3 (mandatory SSE prefixes)
        int i = 0;
        for (; i < length; i++) {
            int b = code[i] & 0xff;
            if (b == 0x66) {
                opsize16 = true;
            } else if (b == 0xf2 || b == 0xf3) {
                rep = b;
            } else if (!(b == 0x67 || b == 0xf0 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26
                    || b == 0x64 || b == 0x65)) {
                break;
            }
        }
        boolean rexW = false;
        if (i < length && (code[i] & 0xf0) == 0x40) {
            rexW = (code[i] & 0x08) != 0;
            i++;
        }
        if (i >= length) {
            return 0;
        }
        int v = rexW ? 8 : opsize16 ? 2 : 4; // the operand size of "v" operands
        int op = code[i] & 0xff;
        int reg = i + 1 < length ? (code[i + 1] >> 3) & 7 : -1; // ModRM.reg (group opcodes)
        if (op == 0x0f) {
            return i + 1 < length ? twoByte(code[i + 1] & 0xff, i + 2 < length ? (code[i + 2] >> 3) & 7 : -1,
                    v, rexW, opsize16, rep) : 0;
        }
        if (op < 0x40 && (op & 7) < 4) {
            return (op & 1) == 0 ? 1 : v; // add/or/adc/sbb/and/sub/xor/cmp r/m forms
        }
        return switch (op) {
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
                 0x68, 0x6a, 0x8f, 0x9c, 0x9d, 0xc2, 0xc3, 0xc9, 0xe8 -> 8; // push/pop/call/ret/leave
            case 0x63 -> 4; // movsxd
            case 0x69, 0x6b, 0x81, 0x83, 0x85, 0x87, 0x89, 0x8b, 0xa5, 0xa7, 0xab, 0xad, 0xaf, 0xc1, 0xc7, 0xd1,
                 0xd3, 0xf7 -> v;
            case 0x80, 0x82, 0x84, 0x86, 0x88, 0x8a, 0xa4, 0xa6, 0xaa, 0xac, 0xae, 0xc0, 0xc6, 0xd0, 0xd2, 0xf6,
                 0xfe -> 1;
            case 0x8c, 0x8e -> 2;
            case 0xff -> reg == 2 || reg == 4 || reg == 6 ? 8 : v; // call/jmp/push r/m64
            default -> 0;
        };
    }

    private static int twoByte(int op, int reg, int v, boolean rexW, boolean opsize16, int rep) {
        return switch (op) {
            case 0xb6, 0xbe, 0xb0, 0xc0 -> 1; // movzx/movsx r, m8; cmpxchg/xadd m8
            case 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f -> 1;
            case 0xb7, 0xbf -> 2; // movzx/movsx r, m16
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
                 0xaf, 0xa3, 0xab, 0xb3, 0xbb, 0xb1, 0xc1, 0xc3 -> v; // cmov, imul, bt*, cmpxchg, xadd, movnti
            case 0xc7 -> reg == 1 ? (rexW ? 16 : 8) : 0; // cmpxchg8b/16b
            case 0x10, 0x11 -> rep == 0xf3 ? 4 : rep == 0xf2 ? 8 : 16; // movss/movsd/movups/movupd
            case 0x28, 0x29, 0x2b -> 16; // movaps/movapd, movntps
            case 0x12, 0x13, 0x16, 0x17 -> 8; // movlps/movhps
            case 0x6f, 0x7f, 0xe7 -> opsize16 || rep == 0xf3 ? 16 : 8; // movdqa/movdqu/movntdq, MMX movq
            case 0x7e -> rep == 0xf3 ? 8 : rexW ? 8 : 4; // movq xmm, m64 / movd, movq r/m
            case 0x6e -> rexW ? 8 : 4;
            case 0xd6 -> 8; // movq m64, xmm
            default -> 0;
        };
    }
}
