package dev.emu.bpf.asm;

import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text assembler for the syntax of the public eBPF conformance suite (bpf_conformance):
 *
 * <pre>
 *   mov32 %r0, 1                 lddw %r1, 0x1122334455667788     ldxw %r0, [%r1+4]
 *   stdw [%r10-8], 7             stxdw [%r10-8], %r1              ldxsb %r0, [%r1]
 *   lock fetch add [%r10-8], %r1 lock cmpxchg32 [%r2], %r3        lock xchg [%r1], %r2
 *   jsgt32 %r1, -3, label        ja +2     ja32 label     call 6  call local f   callx %r2
 *   sdiv %r0, 3   smod32 %r0, %r1   movsx864 %r0, %r1   le16 %r0   be32 %r0   bswap64 %r0
 *   lddw %r1, map_fd(3)          lddw %r1, map_value(3+8)         exit
 * </pre>
 *
 * Registers are written {@code %rN} or {@code rN}; labels are {@code name:}; {@code #} starts a
 * comment. A jump or {@code call local} target is a label or a signed relative slot count
 * ({@code +2}, {@code -1}). The label {@code exit} refers to the first {@code exit} if not
 * defined. Every opcode comes from {@link Opcode}.
 */
public final class Assembler {
    private Assembler() {}

    private static final Pattern LABEL = Pattern.compile("^([A-Za-z_.$][\\w.$]*):(.*)$");
    private static final Pattern MEM = Pattern.compile("^\\[\\s*(%?r\\d+)\\s*(?:([+-])\\s*((?:0x)?[0-9a-fA-F]+))?\\s*]$");
    private static final Pattern MAP_FD = Pattern.compile("^map_fd\\(\\s*(-?\\w+)\\s*\\)$");
    private static final Pattern MAP_VALUE = Pattern.compile("^map_value\\(\\s*(-?\\w+)\\s*\\+\\s*(-?\\w+)\\s*\\)$");

    private static final Map<String, Opcode> BY_NAME = new HashMap<>();

    static {
        for (Opcode o : Opcode.all()) {
            if (o.kind() != Opcode.Kind.ATOMIC && o.kind() != Opcode.Kind.END) {
                // K and X forms share a name; the operand chooses.
                BY_NAME.putIfAbsent(o.mnemonic() + (o.regSource() ? "/x" : "/k"), o);
            }
        }
    }

    private record Fixup(int slot, int line, String label, boolean inImm) {}

    /** Assembles {@code text} into instruction slots ({@code lddw} yields two). */
    public static List<Instruction> assemble(String text) throws AsmException {
        List<Instruction> out = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        List<Fixup> fixups = new ArrayList<>();
        Integer firstExit = null;
        String[] lines = text.split("\r?\n", -1);
        for (int ln = 1; ln <= lines.length; ln++) {
            String line = lines[ln - 1];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.trim();
            Matcher lm;
            while (!line.isEmpty() && (lm = LABEL.matcher(line)).matches()) {
                String name = lm.group(1);
                if (labels.containsKey(name)) {
                    throw new AsmException(ln, "duplicate label '" + name + "'");
                }
                labels.put(name, out.size());
                line = lm.group(2).trim();
            }
            if (line.isEmpty()) {
                continue;
            }
            int sp = indexOfSpace(line);
            String mn = (sp < 0 ? line : line.substring(0, sp)).toLowerCase();
            String rest = sp < 0 ? "" : line.substring(sp + 1).trim();
            if (mn.equals("exit") && firstExit == null) {
                firstExit = out.size();
            }
            encode(ln, mn, rest, out, fixups);
        }
        if (firstExit != null) {
            labels.putIfAbsent("exit", firstExit);
        }
        for (Fixup f : fixups) {
            Integer target = labels.get(f.label);
            if (target == null) {
                throw new AsmException(f.line, "undefined label '" + f.label + "'");
            }
            int rel = target - f.slot - 1;
            Instruction i = out.get(f.slot);
            if (f.inImm) {
                out.set(f.slot, new Instruction(i.opcode(), i.dst(), i.src(), i.off(), rel));
            } else {
                if (rel < Short.MIN_VALUE || rel > Short.MAX_VALUE) {
                    throw new AsmException(f.line, "jump to '" + f.label + "' is out of 16-bit range; use ja32");
                }
                out.set(f.slot, new Instruction(i.opcode(), i.dst(), i.src(), rel, i.imm()));
            }
        }
        return out;
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> operands(String rest) {
        List<String> ops = new ArrayList<>();
        if (rest.isEmpty()) {
            return ops;
        }
        for (String p : rest.split(",")) {
            ops.add(p.trim());
        }
        return ops;
    }

    private static void expect(int ln, String mn, List<String> ops, int n) throws AsmException {
        if (ops.size() != n) {
            throw new AsmException(ln, "'" + mn + "' takes " + n + " operand" + (n == 1 ? "" : "s") + ", got "
                    + ops.size());
        }
    }

    private static void encode(int ln, String mn, String rest, List<Instruction> out, List<Fixup> fixups)
            throws AsmException {
        int slot = out.size();
        if (mn.equals("lock")) {
            encodeAtomic(ln, rest, out);
            return;
        }
        List<String> ops = operands(rest);
        switch (mn) {
            case "exit" -> {
                expect(ln, mn, ops, 0);
                out.add(new Instruction(Opcode.JMP_EXIT | Opcode.CLS_JMP, 0, 0, 0, 0));
                return;
            }
            case "ja", "ja32", "gotol" -> {
                expect(ln, mn, ops, 1);
                boolean wide = !mn.equals("ja");
                int rel = target(ln, ops.get(0), slot, fixups, wide);
                out.add(wide ? new Instruction(Opcode.CLS_JMP32, 0, 0, 0, rel)
                        : new Instruction(Opcode.CLS_JMP, 0, 0, rel, 0));
                return;
            }
            case "call" -> {
                if (ops.size() == 1 && ops.get(0).startsWith("local ")) {
                    int rel = target(ln, ops.get(0).substring(6).trim(), slot, fixups, true);
                    out.add(new Instruction(Opcode.JMP_CALL | Opcode.CLS_JMP, 0, 1, 0, rel));
                    return;
                }
                if (ops.size() == 1 && ops.get(0).startsWith("helper ")) {
                    ops = List.of(ops.get(0).substring(7).trim());
                }
                expect(ln, mn, ops, 1);
                if (isRegister(ops.get(0))) {
                    out.add(new Instruction(Opcode.JMP_CALL | Opcode.SRC_X | Opcode.CLS_JMP, reg(ln, ops.get(0)), 0, 0, 0));
                } else {
                    out.add(new Instruction(Opcode.JMP_CALL | Opcode.CLS_JMP, 0, 0, 0, imm32(ln, ops.get(0))));
                }
                return;
            }
            case "callx" -> {
                expect(ln, mn, ops, 1);
                out.add(new Instruction(Opcode.JMP_CALL | Opcode.SRC_X | Opcode.CLS_JMP, reg(ln, ops.get(0)), 0, 0, 0));
                return;
            }
            case "lddw" -> {
                expect(ln, mn, ops, 2);
                int dst = reg(ln, ops.get(0));
                String v = ops.get(1);
                Matcher m;
                if ((m = MAP_FD.matcher(v)).matches()) {
                    out.add(new Instruction(0x18, dst, 1, 0, imm32(ln, m.group(1))));
                    out.add(new Instruction(0, 0, 0, 0, 0));
                } else if ((m = MAP_VALUE.matcher(v)).matches()) {
                    out.add(new Instruction(0x18, dst, 2, 0, imm32(ln, m.group(1))));
                    out.add(new Instruction(0, 0, 0, 0, imm32(ln, m.group(2))));
                } else {
                    long x = imm64(ln, v);
                    out.add(new Instruction(0x18, dst, 0, 0, (int) x));
                    out.add(new Instruction(0, 0, 0, 0, (int) (x >>> 32)));
                }
                return;
            }
            case ".insn" -> {
                expect(ln, mn, ops, 1);
                out.add(Instruction.fromRaw(imm64(ln, ops.get(0))));
                return;
            }
            default -> { }
        }
        // byte swaps: le16 be32 bswap64 (swap16 accepted as an alias)
        Matcher sw = Pattern.compile("^(le|be|bswap|swap)(16|32|64)$").matcher(mn);
        if (sw.matches()) {
            expect(ln, mn, ops, 1);
            int code = switch (sw.group(1)) {
                case "le" -> Opcode.ALU_END | Opcode.SRC_K | Opcode.CLS_ALU;
                case "be" -> Opcode.ALU_END | Opcode.SRC_X | Opcode.CLS_ALU;
                default -> Opcode.ALU_END | Opcode.CLS_ALU64;
            };
            out.add(new Instruction(code, reg(ln, ops.get(0)), 0, 0, Integer.parseInt(sw.group(2))));
            return;
        }
        // variants spelled by name: sdiv/smod (off 1), movsxNN (off N)
        String base = mn;
        int off = 0;
        Matcher mx = Pattern.compile("^movsx(8|16|32)(32|64)$").matcher(mn);
        if (mx.matches()) {
            base = mx.group(2).equals("32") ? "mov32" : "mov";
            off = Integer.parseInt(mx.group(1));
        } else if (mn.startsWith("sdiv") || mn.startsWith("smod")) {
            base = (mn.startsWith("sdiv") ? "div" : "mod") + mn.substring(4);
            off = 1;
        }
        Opcode k = BY_NAME.get(base + "/k");
        Opcode x = BY_NAME.get(base + "/x");
        if (k == null && x == null) {
            throw new AsmException(ln, "unknown mnemonic '" + mn + "'");
        }
        Opcode any = k != null ? k : x;
        switch (any.kind()) {
            case NEG -> {
                expect(ln, mn, ops, 1);
                out.add(new Instruction(any.code(), reg(ln, ops.get(0)), 0, 0, 0));
            }
            case ALU -> {
                expect(ln, mn, ops, 2);
                int dst = reg(ln, ops.get(0));
                if (isRegister(ops.get(1))) {
                    out.add(new Instruction(x.code(), dst, reg(ln, ops.get(1)), off, 0));
                } else {
                    if (mx.matches()) {
                        throw new AsmException(ln, "'" + mn + "' needs a source register");
                    }
                    out.add(new Instruction(k.code(), dst, 0, off, imm32(ln, ops.get(1))));
                }
            }
            case JCOND -> {
                expect(ln, mn, ops, 3);
                int dst = reg(ln, ops.get(0));
                int rel = target(ln, ops.get(2), slot, fixups, false);
                if (isRegister(ops.get(1))) {
                    out.add(new Instruction(x.code(), dst, reg(ln, ops.get(1)), rel, 0));
                } else {
                    out.add(new Instruction(k.code(), dst, 0, rel, imm32(ln, ops.get(1))));
                }
            }
            case LDX, LDXS -> {
                expect(ln, mn, ops, 2);
                int dst = reg(ln, ops.get(0));
                int[] m = mem(ln, ops.get(1));
                out.add(new Instruction(any.code(), dst, m[0], m[1], 0));
            }
            case ST -> {
                expect(ln, mn, ops, 2);
                int[] m = mem(ln, ops.get(0));
                out.add(new Instruction(any.code(), m[0], 0, m[1], imm32(ln, ops.get(1))));
            }
            case STX -> {
                expect(ln, mn, ops, 2);
                int[] m = mem(ln, ops.get(0));
                out.add(new Instruction(any.code(), m[0], reg(ln, ops.get(1)), m[1], 0));
            }
            case LD_ABS -> {
                expect(ln, mn, ops, 1);
                out.add(new Instruction(any.code(), 0, 0, 0, imm32(ln, ops.get(0))));
            }
            case LD_IND -> {
                expect(ln, mn, ops, 2);
                out.add(new Instruction(any.code(), 0, reg(ln, ops.get(0)), 0, imm32(ln, ops.get(1))));
            }
            default -> throw new AsmException(ln, "unknown mnemonic '" + mn + "'");
        }
    }

    private static void encodeAtomic(int ln, String rest, List<Instruction> out) throws AsmException {
        int sp = indexOfSpace(rest);
        if (sp < 0) {
            throw new AsmException(ln, "'lock' needs an operation and two operands");
        }
        String op = rest.substring(0, sp);
        String tail = rest.substring(sp + 1).trim();
        boolean fetch = false;
        if (op.equals("fetch")) {
            fetch = true;
            sp = indexOfSpace(tail);
            if (sp < 0) {
                throw new AsmException(ln, "'lock fetch' needs an operation and two operands");
            }
            op = tail.substring(0, sp);
            tail = tail.substring(sp + 1).trim();
        }
        boolean w32 = op.endsWith("32");
        String b = w32 ? op.substring(0, op.length() - 2) : op;
        int imm = switch (b) {
            case "add" -> Opcode.ALU_ADD;
            case "or" -> Opcode.ALU_OR;
            case "and" -> Opcode.ALU_AND;
            case "xor" -> Opcode.ALU_XOR;
            case "xchg" -> Opcode.ATOMIC_XCHG;
            case "cmpxchg" -> Opcode.ATOMIC_CMPXCHG;
            default -> throw new AsmException(ln, "unknown atomic operation '" + op + "'");
        };
        if (fetch) {
            imm |= Opcode.ATOMIC_FETCH;
        }
        List<String> ops = operands(tail);
        expect(ln, "lock " + op, ops, 2);
        int[] m = mem(ln, ops.get(0));
        int code = Opcode.MODE_ATOMIC | (w32 ? Opcode.SIZE_W : Opcode.SIZE_DW) | Opcode.CLS_STX;
        out.add(new Instruction(code, m[0], reg(ln, ops.get(1)), m[1], imm));
    }

    private static int target(int ln, String t, int slot, List<Fixup> fixups, boolean inImm) throws AsmException {
        if (t.startsWith("+") || t.startsWith("-") || (!t.isEmpty() && Character.isDigit(t.charAt(0)))) {
            long v = number(ln, t.startsWith("+") ? t.substring(1) : t);
            long lo = inImm ? Integer.MIN_VALUE : Short.MIN_VALUE;
            long hi = inImm ? Integer.MAX_VALUE : Short.MAX_VALUE;
            if (v < lo || v > hi) {
                throw new AsmException(ln, "jump offset " + t + " out of range");
            }
            return (int) v;
        }
        if (!t.matches("[A-Za-z_.$][\\w.$]*")) {
            throw new AsmException(ln, "expected a label or relative offset, got '" + t + "'");
        }
        fixups.add(new Fixup(slot, ln, t, inImm));
        return 0;
    }

    private static boolean isRegister(String s) {
        return s.matches("%?r\\d+");
    }

    private static int reg(int ln, String s) throws AsmException {
        if (!isRegister(s)) {
            throw new AsmException(ln, "expected a register, got '" + s + "'");
        }
        int n = Integer.parseInt(s.substring(s.indexOf('r') + 1));
        if (n > 10) {
            throw new AsmException(ln, "no such register '" + s + "' (r0-r10)");
        }
        return n;
    }

    private static int[] mem(int ln, String s) throws AsmException {
        Matcher m = MEM.matcher(s);
        if (!m.matches()) {
            throw new AsmException(ln, "expected a memory operand like [%r1+4], got '" + s + "'");
        }
        int r = reg(ln, m.group(1));
        long off = 0;
        if (m.group(2) != null) {
            off = number(ln, m.group(3));
            if (m.group(2).equals("-")) {
                off = -off;
            }
        }
        if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
            throw new AsmException(ln, "memory offset " + off + " out of 16-bit range");
        }
        return new int[] {r, (int) off};
    }

    private static long number(int ln, String s) throws AsmException {
        boolean neg = s.startsWith("-");
        String d = neg ? s.substring(1) : s;
        try {
            long v;
            if (d.startsWith("0x") || d.startsWith("0X")) {
                v = Long.parseUnsignedLong(d.substring(2), 16);
            } else {
                v = Long.parseUnsignedLong(d);
            }
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            throw new AsmException(ln, "expected a number, got '" + s + "'");
        }
    }

    private static int imm32(int ln, String s) throws AsmException {
        long v = number(ln, s);
        if (v < Integer.MIN_VALUE || v > 0xffffffffL) {
            throw new AsmException(ln, "immediate " + s + " does not fit in 32 bits");
        }
        return (int) v;
    }

    private static long imm64(int ln, String s) throws AsmException {
        return number(ln, s);
    }
}
