package dev.emu.bpf.interp;

/**
 * The eBPF ALU operations Java has no single instruction for, as the interpreter and compiled
 * code both run them: division by zero gives 0, modulo by zero leaves the dividend (its low 32
 * bits, zero-extended, for the 32-bit forms), and the signed forms (off 1) use Java's truncating
 * division. Small and static so HotSpot inlines them into the generated code.
 */
public final class Alu {
    private Alu() {}

    private static final long M32 = 0xffffffffL;

    public static long udiv64(long a, long b) {
        return b == 0 ? 0 : Long.divideUnsigned(a, b);
    }

    public static long sdiv64(long a, long b) {
        return b == 0 ? 0 : a / b;
    }

    public static long umod64(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    public static long smod64(long a, long b) {
        return b == 0 ? a : a % b;
    }

    public static long udiv32(int a, int b) {
        return b == 0 ? 0 : Integer.divideUnsigned(a, b) & M32;
    }

    public static long sdiv32(int a, int b) {
        return b == 0 ? 0 : (a / b) & M32;
    }

    public static long umod32(int a, int b) {
        return b == 0 ? a & M32 : Integer.remainderUnsigned(a, b) & M32;
    }

    public static long smod32(int a, int b) {
        return b == 0 ? a & M32 : (a % b) & M32;
    }

    /** BSWAP / END_TO_BE: the low {@code width} bits (16, 32 or 64) byte-swapped, zero-extended. */
    public static long swap(long v, int width) {
        return switch (width) {
            case 16 -> Short.reverseBytes((short) v) & 0xffffL;
            case 32 -> Integer.reverseBytes((int) v) & M32;
            default -> Long.reverseBytes(v);
        };
    }
}
