package dev.emu.bpf.isa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one opcode table (RFC 9669 section 4-5): every valid opcode byte with its class, operation,
 * operand kinds and mnemonic, plus which values of the other fields it accepts. The decoder, load
 * checks, interpreter, assembler and disassembler all read this table; the verifier and JIT will
 * too.
 *
 * <p>Opcode byte layout: arithmetic and jump classes are {@code op:4 source:1 class:3}; load and
 * store classes are {@code mode:3 size:2 class:3}.
 *
 * @param code the opcode byte
 * @param kind what the instruction does, coarsely
 * @param insnClass the 3-bit class
 * @param op for ALU/JMP classes the 4-bit operation code (bits 4-7), else the mode (bits 5-7)
 * @param regSource true for BPF_X (source operand is {@code src} register)
 * @param size memory access size in bytes for load/store/atomic kinds, else 0
 * @param mnemonic the base mnemonic (variants such as sdiv or movsx are chosen by {@link #mnemonic(Instruction)})
 */
public record Opcode(int code, Kind kind, int insnClass, int op, boolean regSource, int size, String mnemonic) {

    /** Instruction classes (RFC 9669 section 3.3). */
    public static final int CLS_LD = 0x00, CLS_LDX = 0x01, CLS_ST = 0x02, CLS_STX = 0x03,
            CLS_ALU = 0x04, CLS_JMP = 0x05, CLS_JMP32 = 0x06, CLS_ALU64 = 0x07;
    /** Source bit. */
    public static final int SRC_K = 0x00, SRC_X = 0x08;
    /** Memory modes. */
    public static final int MODE_IMM = 0x00, MODE_MEM = 0x60, MODE_MEMSX = 0x80, MODE_ATOMIC = 0xc0;
    /** Legacy packet access modes (BPF_ABS, BPF_IND). */
    public static final int MODE_ABS = 0x20, MODE_IND = 0x40;
    /** Size bits. */
    public static final int SIZE_W = 0x00, SIZE_H = 0x08, SIZE_B = 0x10, SIZE_DW = 0x18;
    /** ALU operation codes (already shifted: bits 4-7). */
    public static final int ALU_ADD = 0x00, ALU_SUB = 0x10, ALU_MUL = 0x20, ALU_DIV = 0x30, ALU_OR = 0x40,
            ALU_AND = 0x50, ALU_LSH = 0x60, ALU_RSH = 0x70, ALU_NEG = 0x80, ALU_MOD = 0x90, ALU_XOR = 0xa0,
            ALU_MOV = 0xb0, ALU_ARSH = 0xc0, ALU_END = 0xd0;
    /** Jump operation codes (already shifted). */
    public static final int JMP_JA = 0x00, JMP_JEQ = 0x10, JMP_JGT = 0x20, JMP_JGE = 0x30, JMP_JSET = 0x40,
            JMP_JNE = 0x50, JMP_JSGT = 0x60, JMP_JSGE = 0x70, JMP_CALL = 0x80, JMP_EXIT = 0x90,
            JMP_JLT = 0xa0, JMP_JLE = 0xb0, JMP_JSLT = 0xc0, JMP_JSLE = 0xd0;
    /** Atomic operations (the imm field of an atomic instruction). */
    public static final int ATOMIC_FETCH = 0x01, ATOMIC_XCHG = 0xe0 | ATOMIC_FETCH,
            ATOMIC_CMPXCHG = 0xf0 | ATOMIC_FETCH;

    /** Coarse instruction kinds. */
    public enum Kind {
        /**
         * Legacy packet load {@code r0 = ntoh(*(size *)(skb->data + imm))} (RFC 9669 5.5): only for
         * socket filter and sched_cls programs, which the verifier rewrites into a helper call.
         */
        LD_ABS,
        /** Legacy packet load at {@code src + imm}; as {@link #LD_ABS}. */
        LD_IND,
        /** Two-operand arithmetic (incl. mov, div, mod and their signed variants). */
        ALU,
        /** {@code neg}: one operand. */
        NEG,
        /** Byte swap / endianness conversion. */
        END,
        /** 64-bit immediate load over two slots. */
        LDDW,
        /** Zero-extending load {@code dst = *(src + off)}. */
        LDX,
        /** Sign-extending load. */
        LDXS,
        /** Store immediate {@code *(dst + off) = imm}. */
        ST,
        /** Store register {@code *(dst + off) = src}. */
        STX,
        /** Atomic read-modify-write on {@code *(dst + off)}. */
        ATOMIC,
        /** Unconditional jump by {@code off}. */
        JA,
        /** Unconditional jump by {@code imm} (gotol). */
        JA32,
        /** Conditional jump. */
        JCOND,
        /** Call helper (src 0) or local function (src 1). */
        CALL,
        /** Call helper whose id is in register {@code dst}. */
        CALLX,
        /** Return from function or program. */
        EXIT
    }

    private static final Opcode[] TABLE = new Opcode[256];
    private static final List<Opcode> ALL;

    private static final String[] ALU_NAMES = {"add", "sub", "mul", "div", "or", "and", "lsh", "rsh",
        "neg", "mod", "xor", "mov", "arsh"};
    private static final String[] JMP_NAMES = {"ja", "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge",
        "call", "exit", "jlt", "jle", "jslt", "jsle"};
    private static final int[] SIZES = {SIZE_W, SIZE_H, SIZE_B, SIZE_DW};
    private static final String[] SIZE_NAMES = {"w", "h", "b", "dw"};
    private static final int[] SIZE_BYTES = {4, 2, 1, 8};

    static {
        for (int cls : new int[] {CLS_ALU, CLS_ALU64}) {
            String sfx = cls == CLS_ALU ? "32" : "";
            for (int i = 0; i < ALU_NAMES.length; i++) {
                int op = i << 4;
                if (op == ALU_NEG) {
                    put(new Opcode(op | cls, Kind.NEG, cls, op, false, 0, "neg" + sfx));
                    continue;
                }
                put(new Opcode(op | SRC_K | cls, Kind.ALU, cls, op, false, 0, ALU_NAMES[i] + sfx));
                put(new Opcode(op | SRC_X | cls, Kind.ALU, cls, op, true, 0, ALU_NAMES[i] + sfx));
            }
        }
        put(new Opcode(ALU_END | SRC_K | CLS_ALU, Kind.END, CLS_ALU, ALU_END, false, 0, "le"));
        put(new Opcode(ALU_END | SRC_X | CLS_ALU, Kind.END, CLS_ALU, ALU_END, true, 0, "be"));
        put(new Opcode(ALU_END | SRC_K | CLS_ALU64, Kind.END, CLS_ALU64, ALU_END, false, 0, "bswap"));
        for (int cls : new int[] {CLS_JMP, CLS_JMP32}) {
            String sfx = cls == CLS_JMP32 ? "32" : "";
            for (int i = 0; i < JMP_NAMES.length; i++) {
                int op = i << 4;
                if (op == JMP_JA || op == JMP_CALL || op == JMP_EXIT) {
                    continue;
                }
                put(new Opcode(op | SRC_K | cls, Kind.JCOND, cls, op, false, 0, JMP_NAMES[i] + sfx));
                put(new Opcode(op | SRC_X | cls, Kind.JCOND, cls, op, true, 0, JMP_NAMES[i] + sfx));
            }
        }
        put(new Opcode(JMP_JA | CLS_JMP, Kind.JA, CLS_JMP, JMP_JA, false, 0, "ja"));
        put(new Opcode(JMP_JA | CLS_JMP32, Kind.JA32, CLS_JMP32, JMP_JA, false, 0, "ja32"));
        put(new Opcode(JMP_CALL | SRC_K | CLS_JMP, Kind.CALL, CLS_JMP, JMP_CALL, false, 0, "call"));
        put(new Opcode(JMP_CALL | SRC_X | CLS_JMP, Kind.CALLX, CLS_JMP, JMP_CALL, true, 0, "callx"));
        put(new Opcode(JMP_EXIT | CLS_JMP, Kind.EXIT, CLS_JMP, JMP_EXIT, false, 0, "exit"));
        put(new Opcode(MODE_IMM | SIZE_DW | CLS_LD, Kind.LDDW, CLS_LD, MODE_IMM, false, 8, "lddw"));
        for (int s = 0; s < 3; s++) { // no DW form
            put(new Opcode(MODE_ABS | SIZES[s] | CLS_LD, Kind.LD_ABS, CLS_LD, MODE_ABS, false, SIZE_BYTES[s],
                    "ldabs" + SIZE_NAMES[s]));
            put(new Opcode(MODE_IND | SIZES[s] | CLS_LD, Kind.LD_IND, CLS_LD, MODE_IND, true, SIZE_BYTES[s],
                    "ldind" + SIZE_NAMES[s]));
        }
        for (int s = 0; s < 4; s++) {
            put(new Opcode(MODE_MEM | SIZES[s] | CLS_LDX, Kind.LDX, CLS_LDX, MODE_MEM, true, SIZE_BYTES[s],
                    "ldx" + SIZE_NAMES[s]));
            if (SIZES[s] != SIZE_DW) {
                put(new Opcode(MODE_MEMSX | SIZES[s] | CLS_LDX, Kind.LDXS, CLS_LDX, MODE_MEMSX, true,
                        SIZE_BYTES[s], "ldxs" + SIZE_NAMES[s]));
            }
            put(new Opcode(MODE_MEM | SIZES[s] | CLS_ST, Kind.ST, CLS_ST, MODE_MEM, false, SIZE_BYTES[s],
                    "st" + SIZE_NAMES[s]));
            put(new Opcode(MODE_MEM | SIZES[s] | CLS_STX, Kind.STX, CLS_STX, MODE_MEM, true, SIZE_BYTES[s],
                    "stx" + SIZE_NAMES[s]));
        }
        put(new Opcode(MODE_ATOMIC | SIZE_W | CLS_STX, Kind.ATOMIC, CLS_STX, MODE_ATOMIC, true, 4, "lock"));
        put(new Opcode(MODE_ATOMIC | SIZE_DW | CLS_STX, Kind.ATOMIC, CLS_STX, MODE_ATOMIC, true, 8, "lock"));
        List<Opcode> all = new ArrayList<>();
        for (Opcode o : TABLE) {
            if (o != null) {
                all.add(o);
            }
        }
        ALL = Collections.unmodifiableList(all);
    }

    private static void put(Opcode o) {
        if (TABLE[o.code] != null) {
            throw new IllegalStateException("duplicate opcode " + o.code);
        }
        TABLE[o.code] = o;
    }

    /** The table entry for opcode byte {@code code}, or null if RFC 9669 defines no such opcode. */
    public static Opcode of(int code) {
        return code >= 0 && code < 256 ? TABLE[code] : null;
    }

    /** Every defined opcode, in opcode-byte order. */
    public static List<Opcode> all() {
        return ALL;
    }

    /** True for 32-bit ALU and JMP32 forms (operands and results are 32 bits wide). */
    public boolean is32() {
        return insnClass == CLS_ALU || insnClass == CLS_JMP32 || (kind == Kind.ATOMIC && size == 4);
    }

    /** True if the instruction writes register {@code dst}. */
    public boolean writesDst() {
        return switch (kind) {
            case ALU, NEG, END, LDDW, LDX, LDXS -> true;
            default -> false;
        };
    }

    /** Number of slots this instruction occupies (2 for lddw). */
    public int slots() {
        return kind == Kind.LDDW ? 2 : 1;
    }

    /**
     * Checks the fields RFC 9669 reserves or restricts for this opcode.
     *
     * @return null if {@code insn} is well-formed, else the reason
     */
    public String checkFields(Instruction insn) {
        int off = insn.off(), imm = insn.imm(), src = insn.src(), dst = insn.dst();
        switch (kind) {
            case ALU -> {
                boolean divMod = op == ALU_DIV || op == ALU_MOD;
                if (regSource && imm != 0) {
                    return "reserved imm field is not zero";
                }
                if (!regSource && src != 0) {
                    return "reserved src field is not zero";
                }
                if (divMod && (off == 0 || off == 1)) {
                    return null;
                }
                if (op == ALU_MOV && regSource && (off == 8 || off == 16 || (off == 32 && insnClass == CLS_ALU64))) {
                    return null;
                }
                return off == 0 ? null : "invalid offset " + off + " for " + mnemonic;
            }
            case NEG, EXIT -> {
                return src != 0 || off != 0 || imm != 0 ? "reserved fields are not zero" : null;
            }
            case END -> {
                if (src != 0 || off != 0) {
                    return "reserved fields are not zero";
                }
                return imm == 16 || imm == 32 || imm == 64 ? null : "invalid byte swap width " + imm;
            }
            case LDDW -> {
                if (off != 0) {
                    return "reserved offset field is not zero";
                }
                // imm64, map fd, map value, a subprogram (callback), map by fd_array index, map value by index
                return src <= 2 || src == 4 || src == 5 || src == 6 ? null : "unsupported lddw source " + src;
            }
            case LDX, LDXS, STX -> {
                return imm != 0 ? "reserved imm field is not zero" : null;
            }
            case ST -> {
                return src != 0 ? "reserved src field is not zero" : null;
            }
            case ATOMIC -> {
                int base = imm & ~ATOMIC_FETCH;
                if (base == ALU_ADD || base == ALU_OR || base == ALU_AND || base == ALU_XOR
                        || imm == ATOMIC_XCHG || imm == ATOMIC_CMPXCHG) {
                    return null;
                }
                return "invalid atomic operation 0x" + Integer.toHexString(imm);
            }
            case JA -> {
                return src != 0 || dst != 0 || imm != 0 ? "reserved fields are not zero" : null;
            }
            case JA32 -> {
                return src != 0 || dst != 0 || off != 0 ? "reserved fields are not zero" : null;
            }
            case JCOND -> {
                if (regSource && imm != 0) {
                    return "reserved imm field is not zero";
                }
                return !regSource && src != 0 ? "reserved src field is not zero" : null;
            }
            case CALL -> {
                if (dst != 0 || off != 0) {
                    return "reserved fields are not zero";
                }
                return src <= 1 ? null : "unsupported call source " + src;
            }
            case CALLX -> {
                return src != 0 || off != 0 || imm != 0 ? "reserved fields are not zero" : null;
            }
            case LD_ABS, LD_IND -> {
                // check_ld_abs: BPF_LD_[ABS|IND] uses reserved fields
                return dst != 0 || off != 0 || (kind == Kind.LD_ABS && src != 0)
                        ? "BPF_LD_[ABS|IND] uses reserved fields" : null;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The mnemonic of {@code insn} in the conformance-suite syntax, choosing variants from its
     * fields: {@code sdiv}/{@code smod} (off 1), {@code movsx864} etc. (off 8/16/32),
     * {@code le16}/{@code be32}/{@code bswap64} (imm), {@code fetch add}/{@code xchg}/
     * {@code cmpxchg32} for atomics (without the {@code lock} prefix).
     */
    public String mnemonic(Instruction insn) {
        String sfx = is32() ? "32" : "";
        return switch (kind) {
            case ALU -> {
                if (insn.off() == 1 && op == ALU_DIV) {
                    yield "sdiv" + sfx;
                }
                if (insn.off() == 1 && op == ALU_MOD) {
                    yield "smod" + sfx;
                }
                if (op == ALU_MOV && regSource && insn.off() != 0) {
                    yield "movsx" + insn.off() + (insnClass == CLS_ALU ? "32" : "64");
                }
                yield mnemonic;
            }
            case END -> mnemonic + insn.imm();
            case ATOMIC -> {
                int imm = insn.imm();
                if (imm == ATOMIC_XCHG) {
                    yield "xchg" + sfx;
                }
                if (imm == ATOMIC_CMPXCHG) {
                    yield "cmpxchg" + sfx;
                }
                String base = switch (imm & ~ATOMIC_FETCH) {
                    case ALU_ADD -> "add";
                    case ALU_OR -> "or";
                    case ALU_AND -> "and";
                    case ALU_XOR -> "xor";
                    default -> "?";
                };
                yield ((imm & ATOMIC_FETCH) != 0 ? "fetch " : "") + base + sfx;
            }
            default -> mnemonic;
        };
    }
}
