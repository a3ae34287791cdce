package dev.emu.bpf.interp;

import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.helper.Helper;
import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.helper.Helpers;
import dev.emu.bpf.load.LoadedProgram;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The reference interpreter: RFC 9669 semantics over a {@link MemoryMap}. Every load and store
 * resolves its address to a region and bounds-checks it; an access outside every region stops
 * the program with a fault naming the instruction and the address.
 *
 * <p>Dispatch is a switch on the opcode byte of the pre-decoded slot ({@link LoadedProgram#code()}).
 * Case labels are opcode bytes as {@link dev.emu.bpf.isa.Opcode} defines them; the load checks
 * guarantee only those reach here, with valid fields.
 *
 * <p>Calls: {@code call local} pushes a frame (r6-r9 and the return slot saved, r10 moved down
 * 512 bytes), at most 8 frames. Helpers run through {@link Helpers}.
 */
public final class Interpreter implements ExecutionEngine {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long M32 = 0xffffffffL;
    private static final int FRAME = BpfFlags.MAX_BPF_STACK;
    private static final int MAX_FRAMES = BpfFlags.MAX_CALL_FRAMES;
    /** Region index of the context. */
    public static final int CONTEXT_REGION = 2;


    @Override
    public ExecutionResult run(LoadedProgram program, byte[] context, HelperEnvironment env) {
        return run(program, context, env, InsnBudget.UNLIMITED);
    }

    /**
     * Runs with an instruction budget (see {@link InsnBudget}): a run that would execute more
     * than {@code budget} instructions stops with a fault instead.
     */
    public ExecutionResult run(LoadedProgram program, byte[] context, HelperEnvironment env, long budget) {
        return run(program, context, env, budget, null);
    }

    /** As {@link #run(LoadedProgram, byte[], HelperEnvironment, long)}, adding the instructions run to {@code counter} (if not null). */
    public ExecutionResult run(LoadedProgram program, byte[] context, HelperEnvironment env, long budget,
                               InsnCounter counter) {
        ProgramRun run = new ProgramRun(program, env);
        long[] r = new long[11];
        r[1] = run.mem.mapStackAndContext(context);
        r[2] = context == null ? 0 : context.length;
        r[10] = MemoryMap.STACK_TOP;
        long[] left = {budget};
        ExecutionResult result = execute(run, r, budget, left, 0, 0);
        if (counter != null) {
            counter.addRun(budget, left[0]);
        }
        return result;
    }

    private static byte[] seg(byte[][] regions, long a, int n) {
        long k = a >>> 32;
        if (k < regions.length) {
            byte[] m = regions[(int) k];
            if (m != null && (a & M32) + n <= m.length) {
                return m;
            }
        }
        throw VmFault.access(a, n);
    }

    /**
     * A callback helper's call of the subprogram at {@code entry} (bpf_loop, for_each_map_elem:
     * Linux's callback calls): r1-r5 given, r10 one frame below the helper's caller, within the
     * run's budget; returns r0. A fault inside it faults the helper, and so the run.
     */
    static long callback(ProgramRun run, int entry, long r1, long r2, long r3, long r4, long r5) {
        int depth = run.callerDepth + 1;
        if (depth >= MAX_FRAMES) {
            throw new VmFault("call stack too deep: more than " + MAX_FRAMES + " frames");
        }
        long[] r = new long[11];
        r[1] = r1;
        r[2] = r2;
        r[3] = r3;
        r[4] = r4;
        r[5] = r5;
        r[10] = run.callerFp - FRAME;
        long[] left = {run.budgetLeft};
        long callerFp = run.callerFp;
        ExecutionResult res = execute(run, r, run.budgetLeft, left, entry, depth);
        run.callerDepth = depth - 1; // nested helper calls moved them; the caller's own helper call goes on
        run.callerFp = callerFp;
        run.budgetLeft = left[0];
        return switch (res) {
            case ExecutionResult.Exit e -> e.r0();
            case ExecutionResult.Fault f -> throw new VmFault("in callback at instruction " + f.pc() + ": " + f.message());
        };
    }

    /**
     * Runs from instruction {@code startPc} at call depth {@code baseDepth} (0 and 0 for a run,
     * a callback's entry and depth for a callback) until its function exits; {@code left[0]}
     * receives the budget left at the end.
     */
    private static ExecutionResult execute(ProgramRun run, long[] r, final long limit, long[] left, int startPc,
                                           int baseDepth) {
        final long[] code = run.program.code();
        final int[] costs = run.program.blockCosts();
        long budget = limit;
        byte[][] regions = run.mem.regions;
        long[] saved = new long[MAX_FRAMES * 5];
        int depth = 0;
        int pc = startPc;
        try {
            for (;;) {
                final int cost = costs[pc];
                if (cost != 0 && (budget -= cost) < 0) {
                    left[0] = 0;
                    return new ExecutionResult.Fault(pc, InsnBudget.exhausted(limit));
                }
                final long ins = code[pc++];
                final int dst = (int) ins >>> 8 & 0xf;
                final int src = (int) ins >>> 12 & 0xf;
                final int imm = (int) (ins >> 32);
                switch ((int) ins & 0xff) {
                    // ---- ALU64 ----
                    case 0x07 -> r[dst] += imm;
                    case 0x0f -> r[dst] += r[src];
                    case 0x17 -> r[dst] -= imm;
                    case 0x1f -> r[dst] -= r[src];
                    case 0x27 -> r[dst] *= imm;
                    case 0x2f -> r[dst] *= r[src];
                    case 0x37 -> r[dst] = div64(r[dst], imm, ins);
                    case 0x3f -> r[dst] = div64(r[dst], r[src], ins);
                    case 0x47 -> r[dst] |= imm;
                    case 0x4f -> r[dst] |= r[src];
                    case 0x57 -> r[dst] &= imm;
                    case 0x5f -> r[dst] &= r[src];
                    case 0x67 -> r[dst] <<= imm;
                    case 0x6f -> r[dst] <<= r[src];
                    case 0x77 -> r[dst] >>>= imm;
                    case 0x7f -> r[dst] >>>= r[src];
                    case 0x87 -> r[dst] = -r[dst];
                    case 0x97 -> r[dst] = mod64(r[dst], imm, ins);
                    case 0x9f -> r[dst] = mod64(r[dst], r[src], ins);
                    case 0xa7 -> r[dst] ^= imm;
                    case 0xaf -> r[dst] ^= r[src];
                    case 0xb7 -> r[dst] = imm;
                    case 0xbf -> r[dst] = switch ((short) (ins >>> 16)) {
                        case 0 -> r[src];
                        case 8 -> (byte) r[src];
                        case 16 -> (short) r[src];
                        default -> (int) r[src];
                    };
                    case 0xc7 -> r[dst] >>= imm;
                    case 0xcf -> r[dst] >>= r[src];
                    case 0xd7 -> r[dst] = Alu.swap(r[dst], imm);
                    // ---- ALU (32-bit, results zero-extended) ----
                    case 0x04 -> r[dst] = ((int) r[dst] + imm) & M32;
                    case 0x0c -> r[dst] = ((int) r[dst] + (int) r[src]) & M32;
                    case 0x14 -> r[dst] = ((int) r[dst] - imm) & M32;
                    case 0x1c -> r[dst] = ((int) r[dst] - (int) r[src]) & M32;
                    case 0x24 -> r[dst] = ((int) r[dst] * imm) & M32;
                    case 0x2c -> r[dst] = ((int) r[dst] * (int) r[src]) & M32;
                    case 0x34 -> r[dst] = div32((int) r[dst], imm, ins);
                    case 0x3c -> r[dst] = div32((int) r[dst], (int) r[src], ins);
                    case 0x44 -> r[dst] = ((int) r[dst] | imm) & M32;
                    case 0x4c -> r[dst] = ((int) r[dst] | (int) r[src]) & M32;
                    case 0x54 -> r[dst] = ((int) r[dst] & imm) & M32;
                    case 0x5c -> r[dst] = ((int) r[dst] & (int) r[src]) & M32;
                    case 0x64 -> r[dst] = ((int) r[dst] << imm) & M32;
                    case 0x6c -> r[dst] = ((int) r[dst] << (int) r[src]) & M32;
                    case 0x74 -> r[dst] = ((int) r[dst] >>> imm) & M32;
                    case 0x7c -> r[dst] = ((int) r[dst] >>> (int) r[src]) & M32;
                    case 0x84 -> r[dst] = (-(int) r[dst]) & M32;
                    case 0x94 -> r[dst] = mod32((int) r[dst], imm, ins);
                    case 0x9c -> r[dst] = mod32((int) r[dst], (int) r[src], ins);
                    case 0xa4 -> r[dst] = ((int) r[dst] ^ imm) & M32;
                    case 0xac -> r[dst] = ((int) r[dst] ^ (int) r[src]) & M32;
                    case 0xb4 -> r[dst] = imm & M32;
                    case 0xbc -> r[dst] = switch ((short) (ins >>> 16)) {
                        case 0 -> (int) r[src];
                        case 8 -> (byte) r[src];
                        default -> (short) r[src];
                    } & M32;
                    case 0xc4 -> r[dst] = ((int) r[dst] >> imm) & M32;
                    case 0xcc -> r[dst] = ((int) r[dst] >> (int) r[src]) & M32;
                    case 0xd4 -> r[dst] = switch (imm) { // le: the host order already is little-endian
                        case 16 -> r[dst] & 0xffff;
                        case 32 -> r[dst] & M32;
                        default -> r[dst];
                    };
                    case 0xdc -> r[dst] = Alu.swap(r[dst], imm);
                    // ---- 64-bit immediate ----
                    case 0x18 -> {
                        long v = code[pc++];
                        r[dst] = src == 2 ? run.program.mapValueAddress(run.mem, v) : v;
                        regions = run.mem.regions;
                    }
                    // ---- loads ----
                    case 0x61 -> {
                        long a = r[src] + (short) (ins >>> 16);
                        r[dst] = (int) I32.get(seg(regions, a, 4), (int) a) & M32;
                    }
                    case 0x69 -> {
                        long a = r[src] + (short) (ins >>> 16);
                        r[dst] = (short) I16.get(seg(regions, a, 2), (int) a) & 0xffffL;
                    }
                    case 0x71 -> {
                        long a = r[src] + (short) (ins >>> 16);
                        r[dst] = seg(regions, a, 1)[(int) a] & 0xffL;
                    }
                    case 0x79 -> {
                        long a = r[src] + (short) (ins >>> 16);
                        r[dst] = (long) I64.get(seg(regions, a, 8), (int) a);
                    }
                    case 0x81 -> {
                        long a = r[src] + (short) (ins >>> 16);
                        r[dst] = (int) I32.get(seg(regions, a, 4), (int) a);
                    }
                    case 0x89 -> {
                        long a = r[src] + (short) (ins >>> 16);
                        r[dst] = (short) I16.get(seg(regions, a, 2), (int) a);
                    }
                    case 0x91 -> {
                        long a = r[src] + (short) (ins >>> 16);
                        r[dst] = seg(regions, a, 1)[(int) a];
                    }
                    // ---- stores ----
                    case 0x62 -> {
                        long a = r[dst] + (short) (ins >>> 16);
                        I32.set(seg(regions, a, 4), (int) a, imm);
                    }
                    case 0x6a -> {
                        long a = r[dst] + (short) (ins >>> 16);
                        I16.set(seg(regions, a, 2), (int) a, (short) imm);
                    }
                    case 0x72 -> {
                        long a = r[dst] + (short) (ins >>> 16);
                        seg(regions, a, 1)[(int) a] = (byte) imm;
                    }
                    case 0x7a -> {
                        long a = r[dst] + (short) (ins >>> 16);
                        I64.set(seg(regions, a, 8), (int) a, (long) imm);
                    }
                    case 0x63 -> {
                        long a = r[dst] + (short) (ins >>> 16);
                        I32.set(seg(regions, a, 4), (int) a, (int) r[src]);
                    }
                    case 0x6b -> {
                        long a = r[dst] + (short) (ins >>> 16);
                        I16.set(seg(regions, a, 2), (int) a, (short) r[src]);
                    }
                    case 0x73 -> {
                        long a = r[dst] + (short) (ins >>> 16);
                        seg(regions, a, 1)[(int) a] = (byte) r[src];
                    }
                    case 0x7b -> {
                        long a = r[dst] + (short) (ins >>> 16);
                        I64.set(seg(regions, a, 8), (int) a, r[src]);
                    }
                    // ---- atomics ----
                    case 0xc3 -> {
                        long a = r[dst] + (short) (ins >>> 16);
                        byte[] m = seg(regions, a, 4);
                        Atomics.checkAligned(a, 4);
                        atomicResult(imm, src, r, Atomics.atomic32(m, (int) a, imm, (int) r[src], (int) r[0]));
                    }
                    case 0xdb -> {
                        long a = r[dst] + (short) (ins >>> 16);
                        byte[] m = seg(regions, a, 8);
                        Atomics.checkAligned(a, 8);
                        atomicResult(imm, src, r, Atomics.atomic64(m, (int) a, imm, r[src], r[0]));
                    }
                    // ---- jumps ----
                    case 0x05 -> pc += (short) (ins >>> 16);
                    case 0x06 -> pc += imm;
                    case 0x15 -> { if (r[dst] == imm) pc += (short) (ins >>> 16); }
                    case 0x1d -> { if (r[dst] == r[src]) pc += (short) (ins >>> 16); }
                    case 0x25 -> { if (Long.compareUnsigned(r[dst], imm) > 0) pc += (short) (ins >>> 16); }
                    case 0x2d -> { if (Long.compareUnsigned(r[dst], r[src]) > 0) pc += (short) (ins >>> 16); }
                    case 0x35 -> { if (Long.compareUnsigned(r[dst], imm) >= 0) pc += (short) (ins >>> 16); }
                    case 0x3d -> { if (Long.compareUnsigned(r[dst], r[src]) >= 0) pc += (short) (ins >>> 16); }
                    case 0x45 -> { if ((r[dst] & imm) != 0) pc += (short) (ins >>> 16); }
                    case 0x4d -> { if ((r[dst] & r[src]) != 0) pc += (short) (ins >>> 16); }
                    case 0x55 -> { if (r[dst] != imm) pc += (short) (ins >>> 16); }
                    case 0x5d -> { if (r[dst] != r[src]) pc += (short) (ins >>> 16); }
                    case 0x65 -> { if (r[dst] > imm) pc += (short) (ins >>> 16); }
                    case 0x6d -> { if (r[dst] > r[src]) pc += (short) (ins >>> 16); }
                    case 0x75 -> { if (r[dst] >= imm) pc += (short) (ins >>> 16); }
                    case 0x7d -> { if (r[dst] >= r[src]) pc += (short) (ins >>> 16); }
                    case 0xa5 -> { if (Long.compareUnsigned(r[dst], imm) < 0) pc += (short) (ins >>> 16); }
                    case 0xad -> { if (Long.compareUnsigned(r[dst], r[src]) < 0) pc += (short) (ins >>> 16); }
                    case 0xb5 -> { if (Long.compareUnsigned(r[dst], imm) <= 0) pc += (short) (ins >>> 16); }
                    case 0xbd -> { if (Long.compareUnsigned(r[dst], r[src]) <= 0) pc += (short) (ins >>> 16); }
                    case 0xc5 -> { if (r[dst] < imm) pc += (short) (ins >>> 16); }
                    case 0xcd -> { if (r[dst] < r[src]) pc += (short) (ins >>> 16); }
                    case 0xd5 -> { if (r[dst] <= imm) pc += (short) (ins >>> 16); }
                    case 0xdd -> { if (r[dst] <= r[src]) pc += (short) (ins >>> 16); }
                    // ---- 32-bit jumps ----
                    case 0x16 -> { if ((int) r[dst] == imm) pc += (short) (ins >>> 16); }
                    case 0x1e -> { if ((int) r[dst] == (int) r[src]) pc += (short) (ins >>> 16); }
                    case 0x26 -> { if (Integer.compareUnsigned((int) r[dst], imm) > 0) pc += (short) (ins >>> 16); }
                    case 0x2e -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) > 0) pc += (short) (ins >>> 16); }
                    case 0x36 -> { if (Integer.compareUnsigned((int) r[dst], imm) >= 0) pc += (short) (ins >>> 16); }
                    case 0x3e -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) >= 0) pc += (short) (ins >>> 16); }
                    case 0x46 -> { if (((int) r[dst] & imm) != 0) pc += (short) (ins >>> 16); }
                    case 0x4e -> { if (((int) r[dst] & (int) r[src]) != 0) pc += (short) (ins >>> 16); }
                    case 0x56 -> { if ((int) r[dst] != imm) pc += (short) (ins >>> 16); }
                    case 0x5e -> { if ((int) r[dst] != (int) r[src]) pc += (short) (ins >>> 16); }
                    case 0x66 -> { if ((int) r[dst] > imm) pc += (short) (ins >>> 16); }
                    case 0x6e -> { if ((int) r[dst] > (int) r[src]) pc += (short) (ins >>> 16); }
                    case 0x76 -> { if ((int) r[dst] >= imm) pc += (short) (ins >>> 16); }
                    case 0x7e -> { if ((int) r[dst] >= (int) r[src]) pc += (short) (ins >>> 16); }
                    case 0xa6 -> { if (Integer.compareUnsigned((int) r[dst], imm) < 0) pc += (short) (ins >>> 16); }
                    case 0xae -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) < 0) pc += (short) (ins >>> 16); }
                    case 0xb6 -> { if (Integer.compareUnsigned((int) r[dst], imm) <= 0) pc += (short) (ins >>> 16); }
                    case 0xbe -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) <= 0) pc += (short) (ins >>> 16); }
                    case 0xc6 -> { if ((int) r[dst] < imm) pc += (short) (ins >>> 16); }
                    case 0xce -> { if ((int) r[dst] < (int) r[src]) pc += (short) (ins >>> 16); }
                    case 0xd6 -> { if ((int) r[dst] <= imm) pc += (short) (ins >>> 16); }
                    case 0xde -> { if ((int) r[dst] <= (int) r[src]) pc += (short) (ins >>> 16); }
                    // ---- calls ----
                    case 0x85 -> {
                        if (src == 1) {
                            if (baseDepth + depth + 1 >= MAX_FRAMES) {
                                throw new VmFault("call stack too deep: more than " + MAX_FRAMES + " frames");
                            }
                            int s = depth * 5;
                            saved[s] = r[6];
                            saved[s + 1] = r[7];
                            saved[s + 2] = r[8];
                            saved[s + 3] = r[9];
                            saved[s + 4] = pc;
                            depth++;
                            r[10] -= FRAME;
                            pc += imm;
                        } else {
                            run.callerDepth = baseDepth + depth;
                            run.callerFp = r[10];
                            run.budgetLeft = budget;
                            r[0] = callHelper(run, imm, r);
                            budget = run.budgetLeft; // what callbacks spent
                            regions = run.mem.regions;
                        }
                    }
                    case 0x8d -> {
                        r[0] = callHelper(run, r[dst], r);
                        regions = run.mem.regions;
                    }
                    case 0x95 -> {
                        if (depth == 0) {
                            left[0] = budget;
                            return new ExecutionResult.Exit(r[0]);
                        }
                        depth--;
                        int s = depth * 5;
                        r[6] = saved[s];
                        r[7] = saved[s + 1];
                        r[8] = saved[s + 2];
                        r[9] = saved[s + 3];
                        pc = (int) saved[s + 4];
                        r[10] += FRAME;
                    }
                    default -> throw new VmFault("invalid opcode 0x" + Integer.toHexString((int) ins & 0xff));
                }
            }
        } catch (VmFault f) {
            left[0] = budget;
            return new ExecutionResult.Fault(pc - 1, f.getMessage());
        } catch (ArrayIndexOutOfBoundsException e) {
            // Only reachable if pc leaves the program, which the load checks rule out.
            left[0] = budget;
            return new ExecutionResult.Fault(pc - 1, "execution left the program");
        }
    }

    private static long callHelper(ProgramRun run, long id, long[] r) {
        Helper h = Helpers.byId(id);
        if (h == null) {
            throw new VmFault("unknown helper " + id);
        }
        return h.body().call(run, r[1], r[2], r[3], r[4], r[5]);
    }

    private static boolean signed(long ins) {
        return (short) (ins >>> 16) == 1;
    }

    private static long div64(long a, long b, long ins) {
        return signed(ins) ? Alu.sdiv64(a, b) : Alu.udiv64(a, b);
    }

    private static long mod64(long a, long b, long ins) {
        return signed(ins) ? Alu.smod64(a, b) : Alu.umod64(a, b);
    }

    private static long div32(int a, int b, long ins) {
        return signed(ins) ? Alu.sdiv32(a, b) : Alu.udiv32(a, b);
    }

    private static long mod32(int a, int b, long ins) {
        return signed(ins) ? Alu.smod32(a, b) : Alu.umod32(a, b);
    }

    /** Writes an atomic's old value back: r0 for cmpxchg, the source register for fetch and xchg. */
    private static void atomicResult(int op, int src, long[] r, long old) {
        if (op == 0xf1) {
            r[0] = old;
        } else if ((op & 1) != 0) {
            r[src] = old;
        }
    }
}
