package dev.emu.bpf.verifier;

import dev.emu.bpf.isa.Opcode;

/**
 * Abstract arithmetic on scalars (cf. Linux's scalar_min_max_* and adjust_scalar_min_max_vals)
 * and exact evaluation of constant operands with the interpreter's semantics.
 */
final class ScalarOps {
    private ScalarOps() {}

    static final long M32 = 0xffffffffL;

    /** Exact result of ALU op {@code op} (bits 4-7) on constants, as the interpreter computes it. */
    static long eval(int op, boolean is64, int off, long a, long b) {
        if (is64) {
            return switch (op) {
                case Opcode.ALU_ADD -> a + b;
                case Opcode.ALU_SUB -> a - b;
                case Opcode.ALU_MUL -> a * b;
                case Opcode.ALU_DIV -> b == 0 ? 0 : off == 1 ? a / b : Long.divideUnsigned(a, b);
                case Opcode.ALU_MOD -> b == 0 ? a : off == 1 ? a % b : Long.remainderUnsigned(a, b);
                case Opcode.ALU_OR -> a | b;
                case Opcode.ALU_AND -> a & b;
                case Opcode.ALU_XOR -> a ^ b;
                case Opcode.ALU_LSH -> a << b;
                case Opcode.ALU_RSH -> a >>> b;
                case Opcode.ALU_ARSH -> a >> b;
                case Opcode.ALU_NEG -> -a;
                default -> throw new IllegalArgumentException("op " + op);
            };
        }
        int x = (int) a, y = (int) b;
        long r = switch (op) {
            case Opcode.ALU_ADD -> x + y;
            case Opcode.ALU_SUB -> x - y;
            case Opcode.ALU_MUL -> x * y;
            case Opcode.ALU_DIV -> y == 0 ? 0 : off == 1 ? x / y : Integer.divideUnsigned(x, y);
            case Opcode.ALU_MOD -> y == 0 ? x : off == 1 ? x % y : Integer.remainderUnsigned(x, y);
            case Opcode.ALU_OR -> x | y;
            case Opcode.ALU_AND -> x & y;
            case Opcode.ALU_XOR -> x ^ y;
            case Opcode.ALU_LSH -> x << y;
            case Opcode.ALU_RSH -> x >>> y;
            case Opcode.ALU_ARSH -> x >> y;
            case Opcode.ALU_NEG -> -x;
            default -> throw new IllegalArgumentException("op " + op);
        };
        return r & M32;
    }

    /** Byte swap / endianness conversion, as the interpreter. */
    static long end(boolean toBig, boolean is64, int width, long v) {
        if (!toBig && !is64) {
            return switch (width) {
                case 16 -> v & 0xffff;
                case 32 -> v & M32;
                default -> v;
            };
        }
        return switch (width) {
            case 16 -> Short.reverseBytes((short) v) & 0xffffL;
            case 32 -> Integer.reverseBytes((int) v) & M32;
            default -> Long.reverseBytes(v);
        };
    }

    /** The low 32 bits of {@code r}, zero-extended (what a 32-bit operation sees). */
    static RegState trunc32(RegState r) {
        if (r.isConst()) {
            return RegState.constant(r.constValue() & M32);
        }
        RegState t = r.copy();
        if (Long.compareUnsigned(r.umax, M32) > 0) {
            t.var = r.var.cast32();
            t.umin = 0;
            t.umax = M32;
            t.smin = 0;
            t.smax = M32;
        }
        t.normalize();
        return t;
    }

    /** The low 32 bits sign-extended (what a signed 32-bit comparison sees). */
    static RegState sext32(RegState r) {
        if (r.isConst()) {
            return RegState.constant((int) r.constValue());
        }
        if (r.smin >= 0 && r.smax <= Integer.MAX_VALUE) {
            return r.copy();
        }
        RegState t = RegState.unknown();
        t.smin = Integer.MIN_VALUE;
        t.smax = Integer.MAX_VALUE;
        t.normalize();
        return t;
    }

    private static boolean addOverflows(long x, long y) {
        long r = x + y;
        return ((x ^ r) & (y ^ r)) < 0;
    }

    private static boolean subOverflows(long x, long y) {
        long r = x - y;
        return ((x ^ y) & (x ^ r)) < 0;
    }

    /**
     * {@code a op b} on scalars. For 32-bit operations the operands are first truncated and the
     * result is the zero-extended low half.
     */
    static RegState alu(int op, boolean is64, int off, RegState a0, RegState b0) {
        if (op == Opcode.ALU_DIV || op == Opcode.ALU_MOD) {
            // Linux 6.18 (is_safe_to_compute_dst_reg_range) tracks no division, not even of constants, and a
            // 32-bit one leaves the upper half unknown too (__mark_reg_unknown, no zero extension).
            return RegState.unknown();
        }
        RegState a = is64 ? a0 : trunc32(a0);
        RegState b = is64 ? b0 : trunc32(b0);
        if (a.isConst() && (b.isConst() || op == Opcode.ALU_NEG)) {
            return RegState.constant(eval(op, is64, off, a.constValue(), b.constValue()));
        }
        RegState r = RegState.unknown();
        switch (op) {
            case Opcode.ALU_ADD -> {
                r.var = a.var.add(b.var);
                if (!addOverflows(a.smin, b.smin) && !addOverflows(a.smax, b.smax)) {
                    r.smin = a.smin + b.smin;
                    r.smax = a.smax + b.smax;
                }
                long lo = a.umin + b.umin, hi = a.umax + b.umax;
                if (Long.compareUnsigned(lo, a.umin) >= 0 && Long.compareUnsigned(hi, a.umax) >= 0) {
                    r.umin = lo;
                    r.umax = hi;
                }
            }
            case Opcode.ALU_SUB -> {
                r.var = a.var.sub(b.var);
                if (!subOverflows(a.smin, b.smax) && !subOverflows(a.smax, b.smin)) {
                    r.smin = a.smin - b.smax;
                    r.smax = a.smax - b.smin;
                }
                if (Long.compareUnsigned(a.umin, b.umax) >= 0) {
                    r.umin = a.umin - b.umax;
                    r.umax = a.umax - b.umin;
                }
            }
            case Opcode.ALU_MUL -> {
                r.var = a.var.mul(b.var);
                if (a.smin >= 0 && b.smin >= 0 && Long.compareUnsigned(a.umax, M32) <= 0
                        && Long.compareUnsigned(b.umax, M32) <= 0) {
                    r.umin = a.umin * b.umin;
                    r.umax = a.umax * b.umax;
                }
            }
            case Opcode.ALU_AND -> {
                r.var = a.var.and(b.var);
                r.umin = r.var.value();
                r.umax = RegState.umin(a.umax, b.umax);
                if (a.smin >= 0 && b.smin >= 0) {
                    r.smin = r.umin;
                    r.smax = r.umax;
                }
            }
            case Opcode.ALU_OR -> {
                r.var = a.var.or(b.var);
                r.umin = RegState.umax(a.umin, b.umin);
                r.umax = r.var.value() | r.var.mask();
                if (a.smin >= 0 && b.smin >= 0) {
                    r.smin = r.umin;
                    r.smax = r.umax;
                }
            }
            case Opcode.ALU_XOR -> {
                r.var = a.var.xor(b.var);
                r.umin = r.var.value();
                r.umax = r.var.value() | r.var.mask();
                if (a.smin >= 0 && b.smin >= 0) {
                    r.smin = r.umin;
                    r.smax = r.umax;
                }
            }
            case Opcode.ALU_LSH, Opcode.ALU_RSH, Opcode.ALU_ARSH -> {
                if (b.isConst() && (is64 || op != Opcode.ALU_ARSH)) {
                    int k = (int) b.constValue() & (is64 ? 63 : 31);
                    if (op == Opcode.ALU_LSH) {
                        r.var = a.var.lshift(k);
                        if (Long.compareUnsigned(a.umax, -1L >>> k) <= 0) {
                            r.umin = a.umin << k;
                            r.umax = a.umax << k;
                        }
                    } else if (op == Opcode.ALU_RSH) {
                        r.var = a.var.rshift(k);
                        r.umin = a.umin >>> k;
                        r.umax = a.umax >>> k;
                    } else {
                        r.var = a.var.arshift(k);
                        r.smin = a.smin >> k;
                        r.smax = a.smax >> k;
                    }
                }
            }
            case Opcode.ALU_DIV -> {
                if (off == 0) {
                    r.umax = a.umax;
                }
            }
            case Opcode.ALU_MOD -> {
                if (off == 0) {
                    r.umax = b.umin != 0 ? RegState.umin(a.umax, b.umax - 1) : a.umax;
                }
            }
            default -> { }
        }
        r.normalize();
        return is64 ? r : trunc32(r);
    }
}
