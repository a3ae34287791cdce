package dev.emu.bpf.asm;

import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.Opcode;
import java.util.List;

/**
 * Disassembler producing the syntax {@link Assembler} reads, one line per instruction (lddw's
 * two slots make one line). Jump targets are printed as relative slot counts, so
 * {@code assemble(disassemble(p))} reproduces {@code p} bit for bit.
 */
public final class Disassembler {
    private Disassembler() {}

    /** Disassembles a whole program, one instruction per line, each ending in a newline. */
    public static String disassemble(List<Instruction> insns) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < insns.size(); i++) {
            Instruction in = insns.get(i);
            Opcode o = in.info();
            if (o != null && o.kind() == Opcode.Kind.LDDW && i + 1 < insns.size()) {
                sb.append(lddw(in, insns.get(i + 1))).append('\n');
                i++;
                continue;
            }
            sb.append(format(in)).append('\n');
        }
        return sb.toString();
    }

    /** One instruction in assembler syntax; unknown opcodes print as {@code .insn 0x...}. */
    public static String format(Instruction in) {
        Opcode o = in.info();
        if (o == null || o.kind() == Opcode.Kind.LDDW || o.checkFields(in) != null || in.dst() > 10
                || in.src() > 10) {
            return String.format(".insn 0x%016x", in.toRaw());
        }
        String mn = o.mnemonic(in);
        String d = "%r" + in.dst();
        String s = "%r" + in.src();
        return switch (o.kind()) {
            case ALU -> mn + " " + d + ", " + (o.regSource() ? s : Integer.toString(in.imm()));
            case NEG, END -> mn + " " + d;
            case LDX, LDXS -> mn + " " + d + ", " + mem(in.src(), in.off());
            case ST -> mn + " " + mem(in.dst(), in.off()) + ", " + in.imm();
            case STX -> mn + " " + mem(in.dst(), in.off()) + ", " + s;
            case ATOMIC -> "lock " + mn + " " + mem(in.dst(), in.off()) + ", " + s;
            case JA -> "ja " + rel(in.off());
            case JA32 -> "ja32 " + rel(in.imm());
            case JCOND -> mn + " " + d + ", " + (o.regSource() ? s : Integer.toString(in.imm())) + ", " + rel(in.off());
            case CALL -> in.src() == 1 ? "call local " + rel(in.imm()) : "call " + in.imm();
            case CALLX -> "callx " + d;
            case EXIT -> "exit";
            case LD_ABS -> mn + " " + in.imm();
            case LD_IND -> mn + " " + s + ", " + in.imm();
            case LDDW -> throw new AssertionError();
        };
    }

    private static String lddw(Instruction a, Instruction b) {
        String d = "%r" + a.dst();
        return switch (a.src()) {
            case 1 -> "lddw " + d + ", map_fd(" + a.imm() + ")";
            case 2 -> "lddw " + d + ", map_value(" + a.imm() + "+" + b.imm() + ")";
            default -> "lddw " + d + ", 0x" + Long.toHexString((a.imm() & 0xffffffffL) | ((long) b.imm() << 32));
        };
    }

    private static String mem(int reg, int off) {
        if (off == 0) {
            return "[%r" + reg + "]";
        }
        return "[%r" + reg + (off < 0 ? "-" + (-off) : "+" + off) + "]";
    }

    private static String rel(int v) {
        return v < 0 ? Integer.toString(v) : "+" + v;
    }
}
