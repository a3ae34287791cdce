package dev.emu.bpf.jit;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.interp.Alu;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.InsnBudget;
import dev.emu.bpf.interp.InsnCounter;
import dev.emu.bpf.interp.MemoryMap;
import dev.emu.bpf.isa.Opcode;
import dev.emu.bpf.load.LoadedProgram;
import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compiles a loaded program to a JVM hidden class with {@code java.lang.classfile}, so HotSpot
 * compiles it to native code.
 *
 * <p>Layout: each BPF function (instruction 0 and every local-call target, up to the next one)
 * becomes a static method {@code f<entry>(JitRuntime, r0..r10)} returning r0, with the registers
 * in {@code long} locals; each eBPF instruction becomes a few bytecodes, each jump a branch to
 * the label of its target; loads and stores call {@link JitSupport}, which bounds-checks against
 * the run's {@link MemoryMap} regions exactly as the interpreter does, so faults are identical.
 * A local call is a JVM call: the callee gets copies of r0-r9 and r10 moved down one frame, so
 * the caller's r6-r9 and r10 survive as BPF requires; the callee's r1-r5 come back through
 * {@link JitRuntime} so even an unverified program sees what the interpreter would.
 *
 * <pre>
 *   slots:  0 ........ e1 ......... e2 ............................ n
 *           | f0       | f&lt;e1&gt;     | f&lt;e2&gt; (longer than CHUNK)      |
 *           |          |           | c&lt;e2&gt; | c&lt;e2+CHUNK&gt; | ...       |
 * </pre>
 *
 * <p>Large functions: HotSpot does not compile methods over 8,000 bytes of bytecode
 * ({@code -XX:+DontCompileHugeMethods}, the default), so a function longer than {@link #CHUNK}
 * slots is cut into chunk methods {@code c<start>(JitRuntime, long[] regs, int pc)} that load
 * the registers from {@code regs} on entry, dispatch on {@code pc} to the instruction where
 * control enters, run until control leaves the chunk, store the registers back and return the
 * next pc (-1 at exit); the function's method loops over them. Jumps inside a chunk stay
 * branches, so loops that fit in a chunk run at full speed.
 *
 * <p>Runtime guard: the {@link InsnBudget} is a {@code long} local, charged at each basic block's
 * first instruction (a subtract and a compare) and handed over through {@link JitRuntime} at
 * calls and chunk boundaries.
 *
 * <p>Programs whose control flow crosses function boundaries (jumps between functions, falling
 * off the end of one; the verifier refuses both) are not compiled: the interpreter runs them.
 */
public final class JitCompiler {
    private JitCompiler() {}

    /** The compiled program, or null and the reason it was not compiled. */
    public record Result(CompiledProgram program, String note) {}

    /**
     * Larger programs are interpreted. Compiling costs a few microseconds per slot (a 1M-slot
     * program took seconds and then failed on the class file's 64 KiB method and constant-pool
     * limits), while the interpreter runs a straight-line program of that size in milliseconds.
     */
    static final int MAX_SLOTS = 1 << 16;

    /** Functions longer than this many slots are split into chunk methods of this size. */
    static final int CHUNK = 384;

    private static final ClassDesc CD_SELF = ClassDesc.of(JitCompiler.class.getPackageName() + ".Jitted");
    private static final ClassDesc CD_SUPPORT = ClassDesc.of(JitSupport.class.getName());
    private static final ClassDesc CD_ALU = ClassDesc.of(Alu.class.getName());
    private static final ClassDesc CD_RUNTIME = ClassDesc.of(JitRuntime.class.getName());
    private static final ClassDesc CD_CODE = ClassDesc.of(JitCode.class.getName());
    private static final ClassDesc CD_MEMMAP = ClassDesc.of(MemoryMap.class.getName());
    private static final ClassDesc CD_REGIONS = ClassDesc.ofDescriptor("[[B");
    private static final ClassDesc CD_LONGS = ClassDesc.ofDescriptor("[J");
    private static final ClassDesc CD_RTE = ClassDesc.of(RuntimeException.class.getName());
    private static final MethodTypeDesc MTD_LOAD = MethodTypeDesc.of(CD_long, CD_REGIONS, CD_long, CD_int);
    private static final MethodTypeDesc MTD_STORE = MethodTypeDesc.of(CD_void, CD_REGIONS, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MTD_LL = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MTD_II = MethodTypeDesc.of(CD_long, CD_int, CD_int);
    private static final MethodTypeDesc MTD_ATOMIC = MethodTypeDesc.of(CD_long, CD_REGIONS, CD_long, CD_int, CD_long,
            CD_long, CD_int);
    private static final MethodTypeDesc MTD_CALL = MethodTypeDesc.of(CD_long, CD_RUNTIME, CD_long, CD_long, CD_long,
            CD_long, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_long, CD_RUNTIME, CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MTD_FUNC = MethodTypeDesc.of(CD_long, CD_RUNTIME, CD_long, CD_long, CD_long,
            CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MTD_CHUNK = MethodTypeDesc.of(CD_int, CD_RUNTIME, CD_LONGS, CD_int);
    private static final MethodTypeDesc MTD_RET = MethodTypeDesc.of(CD_void, CD_long, CD_long, CD_long, CD_long,
            CD_long);
    private static final long M32 = 0xffffffffL;
    private static final int FRAME = BpfFlags.MAX_BPF_STACK;
    /** Local slot of the JitRuntime in every generated static method. */
    private static final int RT = 0;

    /** Compiles {@code program}; never throws. */
    public static Result compile(LoadedProgram program) {
        return compile(program, CHUNK);
    }

    static Result compile(LoadedProgram program, int chunk) {
        if (program.code().length > MAX_SLOTS) {
            return new Result(null, "JIT: program of " + program.code().length + " slots is larger than the JIT's "
                    + MAX_SLOTS + ", using the interpreter");
        }
        if (passesCallbacks(program.code())) {
            return new Result(null, "JIT: program passes callbacks to helpers (bpf_loop, for_each_map_elem), "
                    + "using the interpreter");
        }
        byte[] bytes;
        try {
            bytes = generate(program, chunk);
        } catch (RuntimeException e) {
            return new Result(null, "JIT: program not compiled (" + e.getMessage() + "), using the interpreter");
        }
        if (bytes == null) {
            return new Result(null, "JIT: control flow crosses function boundaries, using the interpreter");
        }
        try {
            MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClass(bytes, true);
            JitCode code = (JitCode) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
            return new Result(new Compiled(program, code), null);
        } catch (Throwable e) {
            return new Result(null, "JIT: class not loaded (" + e + "), using the interpreter");
        }
    }

    /** An lddw BPF_PSEUDO_FUNC: a helper will call back into the program, which only the interpreter does. */
    private static boolean passesCallbacks(long[] code) {
        for (int i = 0; i < code.length; i++) {
            if (((int) code[i] & 0xff) == 0x18) {
                if (((int) code[i] >>> 12 & 0xf) == BpfFlags.BPF_PSEUDO_FUNC) {
                    return true;
                }
                i++;
            }
        }
        return false;
    }

    private record Compiled(LoadedProgram program, JitCode code) implements CompiledProgram {
        @Override
        public ExecutionResult run(byte[] context, HelperEnvironment env, long budget, InsnCounter counter) {
            JitRuntime rt = new JitRuntime(program, env, budget);
            long ctx = rt.mem.mapStackAndContext(context);
            try {
                return new ExecutionResult.Exit(code.run(rt, ctx, context == null ? 0 : context.length,
                        MemoryMap.STACK_TOP));
            } catch (JitFault f) {
                return new ExecutionResult.Fault(f.pc, f.getMessage());
            } finally {
                if (counter != null) {
                    // Exact at exit (the main function stores its budget there); at a fault, what
                    // the last call or chunk boundary handed over.
                    counter.addRun(budget, rt.budget);
                }
            }
        }
    }

    /**
     * Function entries (0 and every local-call target) in order, or null if control flow leaves
     * a function other than by call and exit: a jump to another function, or a function whose
     * last instruction can fall through into the next.
     */
    static int[] functions(long[] code) {
        TreeSet<Integer> entries = new TreeSet<>();
        entries.add(0);
        for (int i = 0; i < code.length; i++) {
            Opcode o = Opcode.of((int) code[i] & 0xff);
            if (o.kind() == Opcode.Kind.CALL && ((int) code[i] >>> 12 & 0xf) == BpfFlags.BPF_PSEUDO_CALL) {
                entries.add(i + (int) (code[i] >> 32) + 1);
            } else if (o.kind() == Opcode.Kind.LDDW) {
                i++;
            }
        }
        int[] e = entries.stream().mapToInt(Integer::intValue).toArray();
        for (int f = 0; f < e.length; f++) {
            int lo = e[f], hi = f + 1 < e.length ? e[f + 1] : code.length;
            Opcode last = null;
            for (int i = lo; i < hi; i++) {
                Opcode o = Opcode.of((int) code[i] & 0xff);
                last = o;
                long t = target(code, i, o);
                if (t != Long.MIN_VALUE && (t < lo || t >= hi)) {
                    return null;
                }
                if (o.kind() == Opcode.Kind.LDDW) {
                    i++;
                    if (i >= hi) {
                        return null;
                    }
                }
            }
            if (last == null || (last.kind() != Opcode.Kind.EXIT && last.kind() != Opcode.Kind.JA
                    && last.kind() != Opcode.Kind.JA32)) {
                return null;
            }
        }
        return e;
    }

    /** The jump target of instruction {@code i}, or Long.MIN_VALUE if it is not a jump. */
    private static long target(long[] code, int i, Opcode o) {
        return switch (o.kind()) {
            case JA, JCOND -> (long) i + (short) (code[i] >>> 16) + 1;
            case JA32 -> (long) i + (int) (code[i] >> 32) + 1;
            default -> Long.MIN_VALUE;
        };
    }

    /** The class bytes, or null if the program's control flow is not function-structured. */
    static byte[] generate(LoadedProgram p) {
        return generate(p, CHUNK);
    }

    static byte[] generate(LoadedProgram p, int chunk) {
        long[] code = p.code();
        int[] entries = functions(code);
        if (entries == null) {
            return null;
        }
        return ClassFile.of().build(CD_SELF, clb -> {
            clb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL);
            clb.withInterfaceSymbols(CD_CODE);
            clb.withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC,
                    cob -> cob.aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void).return_());
            clb.withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC, cob -> {
                // f0(rt, r0 = 0, r1, r2, r3..r9 = 0, r10)
                cob.aload(1).lconst_0().lload(2).lload(4);
                for (int r = 3; r <= 9; r++) {
                    cob.lconst_0();
                }
                cob.lload(6).invokestatic(CD_SELF, "f0", MTD_FUNC).lreturn();
            });
            for (int f = 0; f < entries.length; f++) {
                int lo = entries[f], hi = f + 1 < entries.length ? entries[f + 1] : code.length;
                function(clb, p, lo, hi, chunk);
            }
        });
    }

    private static final int ST = ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE;

    private static void function(ClassBuilder clb, LoadedProgram p, int lo, int hi, int chunk) {
        if (hi - lo <= chunk) {
            clb.withMethodBody("f" + lo, MTD_FUNC, ST, cob -> new Emitter(p, cob, lo, hi, lo, false).emit());
            return;
        }
        long[] code = p.code();
        List<int[]> chunks = new ArrayList<>();
        for (int b = lo; b < hi; ) {
            int e = Math.min(hi, b + chunk);
            if (e < hi && isSecondSlot(code, lo, e)) {
                e++;
            }
            chunks.add(new int[] {b, e});
            b = e;
        }
        for (int[] c : chunks) {
            clb.withMethodBody("c" + c[0], MTD_CHUNK, ST, cob -> new Emitter(p, cob, c[0], c[1], lo, true).emit());
        }
        clb.withMethodBody("f" + lo, MTD_FUNC, ST, cob -> {
            int regs = 23, pc = 24;
            cob.bipush(11).newarray(java.lang.classfile.TypeKind.LONG).astore(regs);
            for (int r = 0; r <= 10; r++) {
                cob.aload(regs).bipush(r).lload(1 + 2 * r).lastore();
            }
            cob.loadConstant((ConstantDesc) Integer.valueOf(lo)).istore(pc);
            Label loop = cob.newLabel(), done = cob.newLabel();
            cob.labelBinding(loop);
            cob.iload(pc).iflt(done);
            for (int k = 0; k < chunks.size(); k++) {
                int[] c = chunks.get(k);
                Label next = cob.newLabel();
                if (k + 1 < chunks.size()) {
                    cob.iload(pc).loadConstant((ConstantDesc) Integer.valueOf(c[1])).if_icmpge(next);
                }
                cob.aload(RT).aload(regs).iload(pc).invokestatic(CD_SELF, "c" + c[0], MTD_CHUNK).istore(pc)
                        .goto_(loop);
                cob.labelBinding(next);
            }
            cob.labelBinding(done);
            cob.aload(RT);
            for (int r = 1; r <= 5; r++) {
                cob.aload(regs).bipush(r).laload();
            }
            cob.invokevirtual(CD_RUNTIME, "ret", MTD_RET);
            cob.aload(regs).iconst_0().laload().lreturn();
        });
    }

    /** Whether slot {@code s} is the second slot of an lddw (scanning the function from {@code lo}). */
    private static boolean isSecondSlot(long[] code, int lo, int s) {
        for (int i = lo; i < s; i++) {
            if (Opcode.of((int) code[i] & 0xff).kind() == Opcode.Kind.LDDW) {
                if (++i == s) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Emits one method body: a whole function ({@code chunked} false: registers are the
     * parameters) or one chunk of a function (registers loaded from and stored to {@code regs}).
     */
    private static final class Emitter {
        final long[] code;
        final int[] costs;
        final CodeBuilder cob;
        final int lo, hi, fn;
        final boolean chunked;
        final Label[] labels;
        /** Local slots: r0 at regBase, regions and budget after r10. */
        final int regBase, regionsSlot, budgetSlot;
        final Map<Integer, Label> exits = new LinkedHashMap<>();
        final Map<Integer, Label> budgetStubs = new LinkedHashMap<>();

        Emitter(LoadedProgram p, CodeBuilder cob, int lo, int hi, int fn, boolean chunked) {
            this.code = p.code();
            this.costs = p.blockCosts();
            this.cob = cob;
            this.lo = lo;
            this.hi = hi;
            this.fn = fn;
            this.chunked = chunked;
            this.regBase = chunked ? 3 : 1;
            this.regionsSlot = regBase + 22;
            this.budgetSlot = regionsSlot + 1;
            this.labels = new Label[hi - lo];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = cob.newLabel();
            }
        }

        int slot(int reg) {
            return regBase + 2 * reg;
        }

        /** Where a jump to {@code t} goes: its label here, or a stub that leaves the chunk. */
        Label target(long t) {
            if (t >= lo && t < hi) {
                return labels[(int) t - lo];
            }
            if (!chunked) {
                throw new IllegalStateException("jump out of the function to " + t);
            }
            return exits.computeIfAbsent((int) t, k -> cob.newLabel());
        }

        void lconst(long v) {
            cob.loadConstant((ConstantDesc) Long.valueOf(v));
        }

        void iconst(int v) {
            cob.loadConstant((ConstantDesc) Integer.valueOf(v));
        }

        void ld(int reg) {
            cob.lload(slot(reg));
        }

        void st(int reg) {
            cob.lstore(slot(reg));
        }

        void reloadRegions() {
            cob.aload(RT).getfield(CD_RUNTIME, "mem", CD_MEMMAP).getfield(CD_MEMMAP, "regions", CD_REGIONS)
                    .astore(regionsSlot);
        }

        void loadBudget() {
            cob.aload(RT).getfield(CD_RUNTIME, "budget", CD_long).lstore(budgetSlot);
        }

        void storeBudget() {
            cob.aload(RT).lload(budgetSlot).putfield(CD_RUNTIME, "budget", CD_long);
        }

        /** Chunk exit: registers and budget back to the runtime, return the next pc. */
        void leave(int next) {
            for (int r = 0; r <= 10; r++) {
                cob.aload(1).bipush(r);
                ld(r);
                cob.lastore();
            }
            storeBudget();
            iconst(next);
            cob.ireturn();
        }

        void emit() {
            if (chunked) {
                for (int r = 0; r <= 10; r++) {
                    cob.aload(1).bipush(r).laload();
                    st(r);
                }
            }
            reloadRegions();
            loadBudget();
            if (chunked) {
                List<Integer> entries = chunkEntries();
                if (entries.size() > 1) {
                    List<SwitchCase> cases = new ArrayList<>();
                    for (int e : entries) {
                        cases.add(SwitchCase.of(e, labels[e - lo]));
                    }
                    cob.iload(2).lookupswitch(labels[0], cases);
                }
            }
            for (int i = lo; i < hi; i++) {
                cob.labelBinding(labels[i - lo]);
                if (costs[i] != 0) {
                    charge(i);
                }
                Opcode o = Opcode.of((int) code[i] & 0xff);
                insn(i, o);
                if (o.kind() == Opcode.Kind.LDDW) {
                    i++;
                    cob.labelBinding(labels[i - lo]);
                }
            }
            if (chunked) {
                leave(hi);
                for (Map.Entry<Integer, Label> e : exits.entrySet()) {
                    cob.labelBinding(e.getValue());
                    leave(e.getKey());
                }
            }
            for (Map.Entry<Integer, Label> e : budgetStubs.entrySet()) {
                cob.labelBinding(e.getValue());
                cob.aload(RT);
                iconst(e.getKey());
                cob.invokevirtual(CD_RUNTIME, "outOfBudget", MethodTypeDesc.of(CD_RTE, CD_int)).athrow();
            }
        }

        /** Where control can enter this chunk: its start and targets of jumps from elsewhere in the function. */
        List<Integer> chunkEntries() {
            TreeSet<Integer> e = new TreeSet<>();
            e.add(lo);
            for (int i = fn; i < code.length; i++) {
                Opcode o = Opcode.of((int) code[i] & 0xff);
                if (i >= lo && i < hi) {
                    if (o.kind() == Opcode.Kind.LDDW) {
                        i++;
                    }
                    continue;
                }
                long t = JitCompiler.target(code, i, o);
                if (t >= lo && t < hi) {
                    e.add((int) t);
                }
                if (o.kind() == Opcode.Kind.LDDW) {
                    i++;
                }
            }
            return new ArrayList<>(e);
        }

        /** Charges the block starting at {@code i}: budget -= cost; if (budget < 0) fault. */
        void charge(int i) {
            cob.lload(budgetSlot);
            lconst(costs[i]);
            cob.lsub().dup2().lstore(budgetSlot).lconst_0().lcmp()
                    .iflt(budgetStubs.computeIfAbsent(i, k -> cob.newLabel()));
        }

        void insn(int i, Opcode o) {
            long ins = code[i];
            int dst = (int) ins >>> 8 & 0xf;
            int src = (int) ins >>> 12 & 0xf;
            short off = (short) (ins >>> 16);
            int imm = (int) (ins >> 32);
            boolean is64 = o.insnClass() == Opcode.CLS_ALU64;
            switch (o.kind()) {
                case ALU -> alu(o, dst, src, off, imm, is64);
                case NEG -> {
                    ld(dst);
                    if (is64) {
                        cob.lneg();
                    } else {
                        cob.l2i().ineg().i2l();
                        lconst(M32);
                        cob.land();
                    }
                    st(dst);
                }
                case END -> {
                    ld(dst);
                    if (o.code() == 0xd4) {
                        if (imm == 16) {
                            lconst(0xffff);
                            cob.land();
                        } else if (imm == 32) {
                            lconst(M32);
                            cob.land();
                        }
                    } else {
                        iconst(imm);
                        cob.invokestatic(CD_ALU, "swap", MethodTypeDesc.of(CD_long, CD_long, CD_int));
                    }
                    st(dst);
                }
                case LDDW -> {
                    long v = code[i + 1];
                    if (src == 2) {
                        cob.aload(RT);
                        lconst(v);
                        iconst(i + 1);
                        cob.invokevirtual(CD_RUNTIME, "mapValue", MethodTypeDesc.of(CD_long, CD_long, CD_int));
                        st(dst);
                        reloadRegions();
                    } else {
                        lconst(v);
                        st(dst);
                    }
                }
                case LDX, LDXS -> {
                    cob.aload(regionsSlot);
                    ld(src);
                    lconst(off);
                    cob.ladd();
                    iconst(i);
                    String name = (o.kind() == Opcode.Kind.LDXS ? "ldxs" : "ldx")
                            + switch (o.size()) { case 1 -> "b"; case 2 -> "h"; case 4 -> "w"; default -> "dw"; };
                    cob.invokestatic(CD_SUPPORT, name, MTD_LOAD);
                    st(dst);
                }
                case ST, STX -> {
                    cob.aload(regionsSlot);
                    ld(dst);
                    lconst(off);
                    cob.ladd();
                    if (o.kind() == Opcode.Kind.ST) {
                        lconst(imm);
                    } else {
                        ld(src);
                    }
                    iconst(i);
                    String name = "st" + switch (o.size()) { case 1 -> "b"; case 2 -> "h"; case 4 -> "w"; default -> "dw"; };
                    cob.invokestatic(CD_SUPPORT, name, MTD_STORE);
                }
                case ATOMIC -> {
                    cob.aload(regionsSlot);
                    ld(dst);
                    lconst(off);
                    cob.ladd();
                    iconst(imm);
                    ld(src);
                    ld(0);
                    iconst(i);
                    cob.invokestatic(CD_SUPPORT, o.size() == 4 ? "atomic32" : "atomic64", MTD_ATOMIC);
                    if (imm == Opcode.ATOMIC_CMPXCHG) {
                        st(0);
                    } else if ((imm & Opcode.ATOMIC_FETCH) != 0) {
                        st(src);
                    } else {
                        cob.pop2();
                    }
                }
                case JA -> cob.goto_(target((long) i + off + 1));
                case JA32 -> cob.goto_(target((long) i + imm + 1));
                case JCOND -> jcond(o, dst, src, imm, target((long) i + off + 1));
                case CALL -> {
                    if (src == BpfFlags.BPF_PSEUDO_CALL) {
                        localCall(i, i + imm + 1);
                    } else {
                        helper(i, () -> lconst(imm));
                    }
                }
                case CALLX -> helper(i, () -> ld(dst));
                case LD_ABS, LD_IND -> throw new IllegalStateException(
                        "legacy packet access is rewritten by the verifier; unverified, it is the interpreter's fault");
                case EXIT -> {
                    if (chunked) {
                        leave(-1);
                    } else {
                        storeBudget();
                        if (fn != 0) {
                            cob.aload(RT);
                            for (int r = 1; r <= 5; r++) {
                                ld(r);
                            }
                            cob.invokevirtual(CD_RUNTIME, "ret", MTD_RET);
                        }
                        ld(0);
                        cob.lreturn();
                    }
                }
            }
        }

        /**
         * call local: the callee's method with r0-r9 and r10 one frame down; r0 and the callee's
         * r1-r5 come back; r6-r10 are the caller's locals, so they survive.
         */
        void localCall(int i, int callee) {
            storeBudget();
            cob.aload(RT);
            iconst(i);
            cob.invokevirtual(CD_RUNTIME, "enter", MethodTypeDesc.of(CD_void, CD_int));
            cob.aload(RT);
            for (int r = 0; r <= 9; r++) {
                ld(r);
            }
            ld(10);
            lconst(FRAME);
            cob.lsub();
            cob.invokestatic(CD_SELF, "f" + callee, MTD_FUNC);
            st(0);
            cob.aload(RT).invokevirtual(CD_RUNTIME, "leave", MethodTypeDesc.of(CD_void));
            for (int r = 1; r <= 5; r++) {
                cob.aload(RT).getfield(CD_RUNTIME, "c" + r, CD_long);
                st(r);
            }
            loadBudget();
            reloadRegions();
        }

        void helper(int i, Runnable id) {
            cob.aload(RT);
            id.run();
            for (int r = 1; r <= 5; r++) {
                ld(r);
            }
            iconst(i);
            cob.invokestatic(CD_SUPPORT, "call", MTD_CALL);
            st(0);
            reloadRegions();
        }

        void alu(Opcode o, int dst, int src, short off, int imm, boolean is64) {
            int op = o.op();
            boolean x = o.regSource();
            if (op == Opcode.ALU_MOV) {
                if (!x) {
                    lconst(is64 ? (long) imm : imm & M32);
                } else {
                    ld(src);
                    if (is64) {
                        switch (off) {
                            case 8 -> cob.l2i().i2b().i2l();
                            case 16 -> cob.l2i().i2s().i2l();
                            case 32 -> cob.l2i().i2l();
                            default -> { }
                        }
                    } else {
                        cob.l2i();
                        switch (off) {
                            case 8 -> cob.i2b();
                            case 16 -> cob.i2s();
                            default -> { }
                        }
                        cob.i2l();
                        lconst(M32);
                        cob.land();
                    }
                }
                st(dst);
                return;
            }
            boolean shift = op == Opcode.ALU_LSH || op == Opcode.ALU_RSH || op == Opcode.ALU_ARSH;
            ld(dst);
            if (is64) {
                if (x) {
                    ld(src);
                    if (shift) {
                        cob.l2i();
                    }
                } else if (shift) {
                    iconst(imm);
                } else {
                    lconst(imm);
                }
                switch (op) {
                    case Opcode.ALU_ADD -> cob.ladd();
                    case Opcode.ALU_SUB -> cob.lsub();
                    case Opcode.ALU_MUL -> cob.lmul();
                    case Opcode.ALU_OR -> cob.lor();
                    case Opcode.ALU_AND -> cob.land();
                    case Opcode.ALU_XOR -> cob.lxor();
                    case Opcode.ALU_LSH -> cob.lshl();
                    case Opcode.ALU_RSH -> cob.lushr();
                    case Opcode.ALU_ARSH -> cob.lshr();
                    case Opcode.ALU_DIV -> cob.invokestatic(CD_ALU, off == 1 ? "sdiv64" : "udiv64", MTD_LL);
                    case Opcode.ALU_MOD -> cob.invokestatic(CD_ALU, off == 1 ? "smod64" : "umod64", MTD_LL);
                    default -> throw new IllegalStateException("alu op " + op);
                }
            } else {
                cob.l2i();
                if (x) {
                    ld(src);
                    cob.l2i();
                } else {
                    iconst(imm);
                }
                switch (op) {
                    case Opcode.ALU_ADD -> cob.iadd();
                    case Opcode.ALU_SUB -> cob.isub();
                    case Opcode.ALU_MUL -> cob.imul();
                    case Opcode.ALU_OR -> cob.ior();
                    case Opcode.ALU_AND -> cob.iand();
                    case Opcode.ALU_XOR -> cob.ixor();
                    case Opcode.ALU_LSH -> cob.ishl();
                    case Opcode.ALU_RSH -> cob.iushr();
                    case Opcode.ALU_ARSH -> cob.ishr();
                    case Opcode.ALU_DIV -> cob.invokestatic(CD_ALU, off == 1 ? "sdiv32" : "udiv32", MTD_II);
                    case Opcode.ALU_MOD -> cob.invokestatic(CD_ALU, off == 1 ? "smod32" : "umod32", MTD_II);
                    default -> throw new IllegalStateException("alu op " + op);
                }
                if (op != Opcode.ALU_DIV && op != Opcode.ALU_MOD) {
                    cob.i2l();
                    lconst(M32);
                    cob.land();
                }
            }
            st(dst);
        }

        void jcond(Opcode o, int dst, int src, int imm, Label target) {
            int op = o.op();
            boolean x = o.regSource();
            java.lang.classfile.Opcode br;
            if (o.insnClass() == Opcode.CLS_JMP) {
                ld(dst);
                if (x) {
                    ld(src);
                } else {
                    lconst(imm);
                }
                switch (op) {
                    case Opcode.JMP_JSET -> {
                        cob.land().lconst_0().lcmp().ifne(target);
                        return;
                    }
                    case Opcode.JMP_JGT, Opcode.JMP_JGE, Opcode.JMP_JLT, Opcode.JMP_JLE ->
                            cob.invokestatic(ClassDesc.of("java.lang.Long"), "compareUnsigned",
                                    MethodTypeDesc.of(CD_int, CD_long, CD_long));
                    default -> cob.lcmp();
                }
            } else {
                ld(dst);
                cob.l2i();
                if (x) {
                    ld(src);
                    cob.l2i();
                } else {
                    iconst(imm);
                }
                switch (op) {
                    case Opcode.JMP_JSET -> {
                        cob.iand().ifne(target);
                        return;
                    }
                    case Opcode.JMP_JGT, Opcode.JMP_JGE, Opcode.JMP_JLT, Opcode.JMP_JLE ->
                            cob.invokestatic(ClassDesc.of("java.lang.Integer"), "compareUnsigned",
                                    MethodTypeDesc.of(CD_int, CD_int, CD_int));
                    default -> {
                        // signed and equality: compare ints directly
                        br = switch (op) {
                            case Opcode.JMP_JEQ -> java.lang.classfile.Opcode.IF_ICMPEQ;
                            case Opcode.JMP_JNE -> java.lang.classfile.Opcode.IF_ICMPNE;
                            case Opcode.JMP_JSGT -> java.lang.classfile.Opcode.IF_ICMPGT;
                            case Opcode.JMP_JSGE -> java.lang.classfile.Opcode.IF_ICMPGE;
                            case Opcode.JMP_JSLT -> java.lang.classfile.Opcode.IF_ICMPLT;
                            default -> java.lang.classfile.Opcode.IF_ICMPLE;
                        };
                        cob.branch(br, target);
                        return;
                    }
                }
            }
            // an int comparison result on the stack: branch on it
            br = switch (op) {
                case Opcode.JMP_JEQ -> java.lang.classfile.Opcode.IFEQ;
                case Opcode.JMP_JNE -> java.lang.classfile.Opcode.IFNE;
                case Opcode.JMP_JGT, Opcode.JMP_JSGT -> java.lang.classfile.Opcode.IFGT;
                case Opcode.JMP_JGE, Opcode.JMP_JSGE -> java.lang.classfile.Opcode.IFGE;
                case Opcode.JMP_JLT, Opcode.JMP_JSLT -> java.lang.classfile.Opcode.IFLT;
                default -> java.lang.classfile.Opcode.IFLE;
            };
            cob.branch(br, target);
        }
    }
}
