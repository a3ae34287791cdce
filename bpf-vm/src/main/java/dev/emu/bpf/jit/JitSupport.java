package dev.emu.bpf.jit;

import dev.emu.bpf.helper.Helper;
import dev.emu.bpf.helper.Helpers;
import dev.emu.bpf.interp.Atomics;
import dev.emu.bpf.interp.VmFault;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The operations compiled code calls: bounded memory access over {@link dev.emu.bpf.interp.MemoryMap}
 * regions (the same check as the interpreter's, so the same faults), atomics and helper dispatch
 * (division and byte swaps are {@link dev.emu.bpf.interp.Alu}'s, shared with the interpreter). Small and static so HotSpot inlines them into the generated code.
 */
public final class JitSupport {
    private JitSupport() {}

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long M32 = 0xffffffffL;

    static byte[] seg(byte[][] regions, long a, int n, int pc) {
        long k = a >>> 32;
        if (k < regions.length) {
            byte[] m = regions[(int) k];
            if (m != null && (a & M32) + n <= m.length) {
                return m;
            }
        }
        throw new JitFault(pc, VmFault.access(a, n).getMessage());
    }

    public static long ldxdw(byte[][] r, long a, int pc) {
        return (long) I64.get(seg(r, a, 8, pc), (int) a);
    }

    public static long ldxw(byte[][] r, long a, int pc) {
        return (int) I32.get(seg(r, a, 4, pc), (int) a) & M32;
    }

    public static long ldxh(byte[][] r, long a, int pc) {
        return (short) I16.get(seg(r, a, 2, pc), (int) a) & 0xffffL;
    }

    public static long ldxb(byte[][] r, long a, int pc) {
        return seg(r, a, 1, pc)[(int) a] & 0xffL;
    }

    public static long ldxsw(byte[][] r, long a, int pc) {
        return (int) I32.get(seg(r, a, 4, pc), (int) a);
    }

    public static long ldxsh(byte[][] r, long a, int pc) {
        return (short) I16.get(seg(r, a, 2, pc), (int) a);
    }

    public static long ldxsb(byte[][] r, long a, int pc) {
        return seg(r, a, 1, pc)[(int) a];
    }

    public static void stdw(byte[][] r, long a, long v, int pc) {
        I64.set(seg(r, a, 8, pc), (int) a, v);
    }

    public static void stw(byte[][] r, long a, long v, int pc) {
        I32.set(seg(r, a, 4, pc), (int) a, (int) v);
    }

    public static void sth(byte[][] r, long a, long v, int pc) {
        I16.set(seg(r, a, 2, pc), (int) a, (short) v);
    }

    public static void stb(byte[][] r, long a, long v, int pc) {
        seg(r, a, 1, pc)[(int) a] = (byte) v;
    }

    /** 32-bit atomic {@code op} at {@code a}; returns the old value zero-extended (for fetch/cmpxchg). */
    public static long atomic32(byte[][] r, long a, int op, long src, long r0, int pc) {
        byte[] m = seg(r, a, 4, pc);
        try {
            Atomics.checkAligned(a, 4);
            return Atomics.atomic32(m, (int) a, op, (int) src, (int) r0);
        } catch (VmFault f) {
            throw new JitFault(pc, f.getMessage());
        }
    }

    /** 64-bit atomic {@code op} at {@code a}; returns the old value. */
    public static long atomic64(byte[][] r, long a, int op, long v, long r0, int pc) {
        byte[] m = seg(r, a, 8, pc);
        try {
            Atomics.checkAligned(a, 8);
            return Atomics.atomic64(m, (int) a, op, v, r0);
        } catch (VmFault f) {
            throw new JitFault(pc, f.getMessage());
        }
    }

    /** Helper dispatch (call imm and callx). */
    public static long call(JitRuntime rt, long id, long r1, long r2, long r3, long r4, long r5, int pc) {
        Helper h = Helpers.byId(id);
        try {
            if (h == null) {
                throw new VmFault("unknown helper " + id);
            }
            return h.body().call(rt, r1, r2, r3, r4, r5);
        } catch (VmFault f) {
            throw new JitFault(pc, f.getMessage());
        }
    }
}
