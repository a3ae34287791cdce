package dev.emu.kernel.unwind;

/**
 * One row of the call frame table (DWARF 4 §6.4.1) for x86_64's DWARF registers 0-16 (rax,
 * rdx, rcx, rbx, rsi, rdi, rbp, rsp, r8-r15, and 16 = the return address): the CFA as a
 * register plus an offset, and a rule for each register. Computed by {@link CfiInterpreter}.
 */
public final class CfiRow implements Cloneable {
    public static final int REGS = 17;
    public static final int RBP = 6, RSP = 7, RA = 16;

    /** The register rules emu follows; EXPRESSION rules are not evaluated (the walk stops). */
    public enum Rule { SAME, UNDEFINED, OFFSET, VAL_OFFSET, REGISTER, EXPRESSION }

    int cfaRegister = RSP;
    long cfaOffset;
    /** DW_CFA_def_cfa_expression: the CFA is not register + offset. */
    boolean cfaExpression;
    final Rule[] rules = new Rule[REGS];
    final long[] operands = new long[REGS];

    CfiRow() {
        java.util.Arrays.fill(rules, Rule.SAME);
    }

    public int cfaRegister() {
        return cfaRegister;
    }

    public long cfaOffset() {
        return cfaOffset;
    }

    public boolean cfaExpression() {
        return cfaExpression;
    }

    public Rule rule(int reg) {
        return rules[reg];
    }

    /** The offset from the CFA (OFFSET, VAL_OFFSET) or the register number (REGISTER). */
    public long operand(int reg) {
        return operands[reg];
    }

    @Override
    public CfiRow clone() {
        CfiRow r = new CfiRow();
        r.cfaRegister = cfaRegister;
        r.cfaOffset = cfaOffset;
        r.cfaExpression = cfaExpression;
        System.arraycopy(rules, 0, r.rules, 0, REGS);
        System.arraycopy(operands, 0, r.operands, 0, REGS);
        return r;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(cfaExpression ? "cfa=expr" : "cfa=r" + cfaRegister + "+" + cfaOffset);
        for (int i = 0; i < REGS; i++) {
            if (rules[i] != Rule.SAME) {
                sb.append(' ').append(i == RA ? "ra" : "r" + i).append('=').append(rules[i]).append('(').append(operands[i]).append(')');
            }
        }
        return sb.toString();
    }
}
