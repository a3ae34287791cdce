package dev.emu.kernel.unwind;

import dev.emu.kernel.unwind.CfiRow.Rule;
import java.util.Arrays;

/**
 * Walks a user stack with .eh_frame call frame information, frame by frame, from the
 * interrupted registers: the CFA from the row's rule, the return address and the callee-saved
 * registers from where the row says they were saved (as libgcc's uw_frame_state_for and
 * uw_update_context). A frame without an FDE (code built without unwind tables, the vDSO)
 * takes one frame-pointer step instead, as perf_callchain_user would. The walk ends at an
 * undefined return address (glibc's and musl's _start mark the outermost frame so), a zero or
 * unreadable one, a CFA that does not go up the stack, or {@code max} frames.
 */
public final class UserStackUnwinder {
    private UserStackUnwinder() {}

    /**
     * The return addresses, innermost (the interrupted {@code rip}) first.
     *
     * @param regs the interrupted registers in DWARF numbering ({@link CfiRow#REGS} of them; rip
     *             at {@link CfiRow#RA})
     */
    public static long[] unwind(UnwindMemory mem, UnwindModules modules, long[] regs, int max) {
        long[] r = regs.clone();
        boolean[] known = new boolean[CfiRow.REGS];
        Arrays.fill(known, true);
        long[] out = new long[Math.max(0, max)];
        int n = 0;
        if (max <= 0) {
            return out;
        }
        out[n++] = r[CfiRow.RA];
        while (n < max) {
            long pc = n == 1 ? r[CfiRow.RA] : r[CfiRow.RA] - 1; // a return address is after its call
            FrameDescription fde = null;
            try {
                EhFrameHdr hdr = modules.ehFrameHdr(pc);
                fde = hdr == null ? null : hdr.find(pc);
            } catch (UnwindException e) {
                fde = null;
            }
            long oldSp = r[CfiRow.RSP];
            if (fde == null) {
                if (!framePointerStep(mem, r, known)) {
                    break;
                }
            } else {
                CfiRow row;
                try {
                    row = CfiInterpreter.rowAt(fde, pc);
                } catch (UnwindException e) {
                    break;
                }
                if (row.cfaExpression() || row.cfaRegister() >= CfiRow.REGS || !known[row.cfaRegister()]
                        || row.rule(CfiRow.RA) == Rule.UNDEFINED) {
                    break;
                }
                long cfa = r[row.cfaRegister()] + row.cfaOffset();
                long[] next = r.clone();
                boolean[] nextKnown = known.clone();
                boolean ok = true;
                for (int reg = 0; reg < CfiRow.REGS && ok; reg++) {
                    switch (row.rule(reg)) {
                        case SAME -> { }
                        case UNDEFINED -> nextKnown[reg] = false;
                        case OFFSET -> {
                            Long v = mem.u64(cfa + row.operand(reg));
                            if (v == null) {
                                ok = reg != CfiRow.RA;
                                nextKnown[reg] = false;
                            } else {
                                next[reg] = v;
                            }
                        }
                        case VAL_OFFSET -> next[reg] = cfa + row.operand(reg);
                        case REGISTER -> {
                            int from = (int) row.operand(reg);
                            if (from < CfiRow.REGS && known[from]) {
                                next[reg] = r[from];
                            } else {
                                nextKnown[reg] = false;
                            }
                        }
                        case EXPRESSION -> {
                            nextKnown[reg] = false;
                            ok = reg != CfiRow.RA;
                        }
                    }
                }
                if (!ok || !nextKnown[CfiRow.RA]) {
                    break;
                }
                next[CfiRow.RSP] = cfa; // the CFA is the caller's stack pointer before the call
                nextKnown[CfiRow.RSP] = true;
                r = next;
                known = nextKnown;
            }
            if (r[CfiRow.RA] == 0 || Long.compareUnsigned(r[CfiRow.RSP], oldSp) <= 0) {
                break; // the end of the stack, or a walk that does not go up it
            }
            out[n++] = r[CfiRow.RA];
        }
        return Arrays.copyOf(out, n);
    }

    /** One frame-pointer step: [rbp] is the caller's rbp, [rbp+8] the return address. */
    private static boolean framePointerStep(UnwindMemory mem, long[] r, boolean[] known) {
        long fp = r[CfiRow.RBP];
        if (!known[CfiRow.RBP] || fp == 0 || (fp & 7) != 0) {
            return false;
        }
        Long next = mem.u64(fp), ret = mem.u64(fp + 8);
        if (next == null || ret == null) {
            return false;
        }
        r[CfiRow.RBP] = next;
        r[CfiRow.RA] = ret;
        r[CfiRow.RSP] = fp + 16;
        return true;
    }
}
