package dev.emu.kernel.unwind;

import dev.emu.kernel.unwind.CfiRow.Rule;

/**
 * Executes an FDE's call frame instructions (after its CIE's initial ones) up to a code
 * address, giving the row in effect there (DWARF 4 §6.4.2, as libgcc's execute_cfa_program).
 * The common ops: advance_loc (all forms), def_cfa (register, offset, _sf forms),
 * offset (extended, _sf), val_offset, restore, undefined, same_value, register,
 * remember/restore_state, GNU_args_size, GNU_negative_offset_extended, nop. The expression
 * forms are recorded, not evaluated: a frame that needs one ends the walk. DW_CFA_set_loc
 * (which assemblers do not emit) and unknown ops are an {@link UnwindException}.
 */
public final class CfiInterpreter {
    private CfiInterpreter() {}

    /** The row for {@code pc} within {@code fde}. */
    public static CfiRow rowAt(FrameDescription fde, long pc) {
        CfiRow row = new CfiRow();
        CfiRow initial = run(fde, fde.initialInstructions(), row, null, Long.MAX_VALUE);
        return run(fde, fde.instructions(), initial.clone(), initial, pc);
    }

    private static CfiRow run(FrameDescription fde, byte[] code, CfiRow row, CfiRow initial, long target) {
        DwarfReader r = new DwarfReader(code, 0, 0);
        java.util.ArrayDeque<CfiRow> saved = new java.util.ArrayDeque<>();
        long loc = fde.pcBegin();
        boolean bounded = initial != null;
        while (!r.atEnd()) {
            int op = r.u8();
            int high = op & 0xc0, low = op & 0x3f;
            long advance = -1;
            if (high == 0x40) { // DW_CFA_advance_loc
                advance = low * fde.codeAlign();
            } else if (high == 0x80) { // DW_CFA_offset
                set(row, low, Rule.OFFSET, (long) r.uleb() * fde.dataAlign());
            } else if (high == 0xc0) { // DW_CFA_restore
                restore(row, initial, low);
            } else {
                switch (op) {
                    case 0x00 -> { } // nop
                    // set_loc: its operand is in the FDE's pointer encoding, relative to where it
                    // sits in .eh_frame; gas and gcc never emit it, so emu does not decode it.
                    case 0x01 -> throw new UnwindException("DW_CFA_set_loc");
                    case 0x02 -> advance = r.u8() * fde.codeAlign();
                    case 0x03 -> advance = r.u16() * fde.codeAlign();
                    case 0x04 -> advance = r.u32() * fde.codeAlign();
                    case 0x05 -> set(row, (int) r.uleb(), Rule.OFFSET, r.uleb() * fde.dataAlign());
                    case 0x06 -> restore(row, initial, (int) r.uleb());
                    case 0x07 -> set(row, (int) r.uleb(), Rule.UNDEFINED, 0);
                    case 0x08 -> set(row, (int) r.uleb(), Rule.SAME, 0);
                    case 0x09 -> {
                        int reg = (int) r.uleb();
                        set(row, reg, Rule.REGISTER, r.uleb());
                    }
                    case 0x0a -> saved.push(row.clone()); // remember_state
                    case 0x0b -> { // restore_state: the CFA and the rules, as libgcc restores them
                        if (saved.isEmpty()) {
                            throw new UnwindException("DW_CFA_restore_state without remember_state");
                        }
                        row = saved.pop();
                    }
                    case 0x0c -> { // def_cfa
                        row.cfaRegister = (int) r.uleb();
                        row.cfaOffset = r.uleb();
                        row.cfaExpression = false;
                    }
                    case 0x0d -> {
                        row.cfaRegister = (int) r.uleb();
                        row.cfaExpression = false;
                    }
                    case 0x0e -> row.cfaOffset = r.uleb();
                    case 0x0f -> { // def_cfa_expression
                        int len = (int) r.uleb();
                        r.seek(r.pos() + len);
                        row.cfaExpression = true;
                    }
                    case 0x10, 0x16 -> { // expression, val_expression
                        int reg = (int) r.uleb();
                        int len = (int) r.uleb();
                        r.seek(r.pos() + len);
                        set(row, reg, Rule.EXPRESSION, 0);
                    }
                    case 0x11 -> {
                        int reg = (int) r.uleb();
                        set(row, reg, Rule.OFFSET, r.sleb() * fde.dataAlign());
                    }
                    case 0x12 -> { // def_cfa_sf
                        row.cfaRegister = (int) r.uleb();
                        row.cfaOffset = r.sleb() * fde.dataAlign();
                        row.cfaExpression = false;
                    }
                    case 0x13 -> row.cfaOffset = r.sleb() * fde.dataAlign();
                    case 0x14 -> {
                        int reg = (int) r.uleb();
                        set(row, reg, Rule.VAL_OFFSET, r.uleb() * fde.dataAlign());
                    }
                    case 0x15 -> {
                        int reg = (int) r.uleb();
                        set(row, reg, Rule.VAL_OFFSET, r.sleb() * fde.dataAlign());
                    }
                    case 0x2e -> r.uleb(); // GNU_args_size
                    case 0x2f -> {
                        int reg = (int) r.uleb();
                        set(row, reg, Rule.OFFSET, -r.uleb() * fde.dataAlign());
                    }
                    default -> throw new UnwindException("DW_CFA op 0x" + Integer.toHexString(op));
                }
            }
            if (advance >= 0) {
                if (bounded && Long.compareUnsigned(loc + advance, target) > 0) {
                    return row; // the next row starts past pc
                }
                loc += advance;
            }
        }
        return row;
    }

    private static void set(CfiRow row, int reg, Rule rule, long operand) {
        if (reg >= 0 && reg < CfiRow.REGS) { // vector and segment registers: not needed to unwind
            row.rules[reg] = rule;
            row.operands[reg] = operand;
        }
    }

    private static void restore(CfiRow row, CfiRow initial, int reg) {
        if (reg >= 0 && reg < CfiRow.REGS) {
            row.rules[reg] = initial == null ? Rule.SAME : initial.rules[reg];
            row.operands[reg] = initial == null ? 0 : initial.operands[reg];
        }
    }
}
