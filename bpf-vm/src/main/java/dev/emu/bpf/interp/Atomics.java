package dev.emu.bpf.interp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The eBPF atomic operations (add, or, and, xor, each with or without fetch; xchg; cmpxchg) on a
 * region's bytes, as the interpreter and compiled code both run them. What the caller writes
 * back: cmpxchg puts the old value in r0, the fetch forms and xchg put it in the source register.
 *
 * <p>Byte-array views support no atomic access modes, so atomics serialise on the region array:
 * every atomic on a region is atomic with respect to every other (plain stores race as in C).
 */
public final class Atomics {
    private Atomics() {}

    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long M32 = 0xffffffffL;

    /** A {@link VmFault} unless {@code a} is aligned to {@code n} bytes. */
    public static void checkAligned(long a, int n) {
        if ((a & (n - 1)) != 0) {
            throw new VmFault("misaligned atomic access of " + n + " bytes at address 0x" + Long.toHexString(a));
        }
    }

    /**
     * 32-bit atomic {@code op} at offset {@code o} of {@code m} with operand {@code v}
     * ({@code expected} is r0's low half, for cmpxchg).
     *
     * @return the old value, zero-extended
     */
    public static long atomic32(byte[] m, int o, int op, int v, int expected) {
        synchronized (m) {
            int old = (int) I32.get(m, o);
            switch (op) {
                case 0x00, 0x01 -> I32.set(m, o, old + v);
                case 0x40, 0x41 -> I32.set(m, o, old | v);
                case 0x50, 0x51 -> I32.set(m, o, old & v);
                case 0xa0, 0xa1 -> I32.set(m, o, old ^ v);
                case 0xe1 -> I32.set(m, o, v);
                case 0xf1 -> {
                    if (old == expected) {
                        I32.set(m, o, v);
                    }
                }
                default -> throw new VmFault("invalid atomic operation 0x" + Integer.toHexString(op));
            }
            return old & M32;
        }
    }

    /** 64-bit atomic {@code op}, as {@link #atomic32}; returns the old value. */
    public static long atomic64(byte[] m, int o, int op, long v, long expected) {
        synchronized (m) {
            long old = (long) I64.get(m, o);
            switch (op) {
                case 0x00, 0x01 -> I64.set(m, o, old + v);
                case 0x40, 0x41 -> I64.set(m, o, old | v);
                case 0x50, 0x51 -> I64.set(m, o, old & v);
                case 0xa0, 0xa1 -> I64.set(m, o, old ^ v);
                case 0xe1 -> I64.set(m, o, v);
                case 0xf1 -> {
                    if (old == expected) {
                        I64.set(m, o, v);
                    }
                }
                default -> throw new VmFault("invalid atomic operation 0x" + Integer.toHexString(op));
            }
            return old;
        }
    }
}
