package dev.emu.bpf.jit;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.MemoryMap;
import dev.emu.bpf.isa.Opcode;
import dev.emu.bpf.load.LoadedProgram;
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
import java.util.List;

/**
 * Compiles a loaded program to a JVM hidden class with {@code java.lang.classfile}, so HotSpot
 * compiles it to native code. The generated {@code run} method keeps r0-r10 in {@code long}
 * locals; each eBPF instruction becomes a few bytecodes, each jump a branch to the label of its
 * target; loads and stores call {@link JitSupport}, which bounds-checks against the run's
 * {@link MemoryMap} regions exactly as the interpreter does, so faults are identical. Local
 * calls push r6-r9 and a return-site number on {@link JitRuntime}'s frame stack and jump; exit
 * pops and dispatches on the return site with a {@code tableswitch}.
 *
 * <p>Programs whose method would exceed the JVM's 64 KB code limit are not compiled (the caller
 * falls back to the interpreter and reports the note).
 */
public final class JitCompiler {
    private JitCompiler() {}

    /** The compiled program, or null and the reason it was not compiled. */
    public record Result(CompiledProgram program, String note) {}

    private static final ClassDesc CD_SUPPORT = ClassDesc.of(JitSupport.class.getName());
    private static final ClassDesc CD_RUNTIME = ClassDesc.of(JitRuntime.class.getName());
    private static final ClassDesc CD_CODE = ClassDesc.of(JitCode.class.getName());
    private static final ClassDesc CD_MEMMAP = ClassDesc.of(MemoryMap.class.getName());
    private static final ClassDesc CD_REGIONS = ClassDesc.ofDescriptor("[[B");
    private static final MethodTypeDesc MTD_LOAD = MethodTypeDesc.of(CD_long, CD_REGIONS, CD_long, CD_int);
    private static final MethodTypeDesc MTD_STORE = MethodTypeDesc.of(CD_void, CD_REGIONS, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MTD_LL = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MTD_II = MethodTypeDesc.of(CD_long, CD_int, CD_int);
    private static final MethodTypeDesc MTD_ATOMIC = MethodTypeDesc.of(CD_long, CD_REGIONS, CD_long, CD_int, CD_long,
            CD_long, CD_int);
    private static final MethodTypeDesc MTD_CALL = MethodTypeDesc.of(CD_long, CD_RUNTIME, CD_long, CD_long, CD_long,
            CD_long, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_long, CD_RUNTIME, CD_long, CD_long, CD_long);
    private static final long M32 = 0xffffffffL;
    private static final int FRAME = BpfFlags.MAX_BPF_STACK;
    private static final int MAX_FRAMES = BpfFlags.MAX_CALL_FRAMES;
    /** Local slot of the cached region table. */
    private static final int REGIONS = 30;
    private static final int SITE = 31;

    private static int slot(int reg) {
        return 8 + 2 * reg;
    }

    /** Compiles {@code program}; never throws. */
    public static Result compile(LoadedProgram program) {
        byte[] bytes;
        try {
            bytes = generate(program);
        } catch (RuntimeException e) {
            return new Result(null, "JIT: program not compiled (" + e.getMessage() + "), using the interpreter");
        }
        try {
            MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClass(bytes, true);
            JitCode code = (JitCode) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
            return new Result(new Compiled(program, code), null);
        } catch (Throwable e) {
            return new Result(null, "JIT: class not loaded (" + e + "), using the interpreter");
        }
    }

    private record Compiled(LoadedProgram program, JitCode code) implements CompiledProgram {
        @Override
        public ExecutionResult run(byte[] context, HelperEnvironment env) {
            JitRuntime rt = new JitRuntime(program, env);
            long stack = rt.mem.map(new byte[FRAME * MAX_FRAMES], null);
            long ctx = 0;
            if (context != null && context.length > 0) {
                ctx = rt.mem.map(context, null);
            } else {
                rt.mem.map(new byte[0], null); // keep region numbering as the interpreter's
            }
            try {
                return new ExecutionResult.Exit(code.run(rt, ctx, context == null ? 0 : context.length,
                        stack + (long) FRAME * MAX_FRAMES));
            } catch (JitFault f) {
                return new ExecutionResult.Fault(f.pc, f.getMessage());
            }
        }
    }

    static byte[] generate(LoadedProgram p) {
        return ClassFile.of().build(ClassDesc.of(JitCompiler.class.getPackageName() + ".Jitted"), clb -> {
            clb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL);
            clb.withInterfaceSymbols(CD_CODE);
            clb.withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC,
                    cob -> cob.aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void).return_());
            clb.withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC, cob -> new Emitter(p, cob).emit());
        });
    }

    private static final class Emitter {
        final long[] code;
        final CodeBuilder cob;
        final Label[] labels;
        final List<Integer> callSites = new ArrayList<>();
        Label exitLabel;

        Emitter(LoadedProgram p, CodeBuilder cob) {
            this.code = p.code();
            this.cob = cob;
            this.labels = new Label[code.length];
            for (int i = 0; i < code.length; i++) {
                labels[i] = cob.newLabel();
            }
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
            cob.aload(1).getfield(CD_RUNTIME, "mem", CD_MEMMAP).getfield(CD_MEMMAP, "regions", CD_REGIONS)
                    .astore(REGIONS);
        }

        void emit() {
            for (int r = 0; r < 11; r++) {
                if (r != 1 && r != 2 && r != 10) {
                    cob.lconst_0();
                    st(r);
                }
            }
            cob.lload(2);
            st(1);
            cob.lload(4);
            st(2);
            cob.lload(6);
            st(10);
            reloadRegions();
            cob.iconst_0().istore(SITE);
            boolean localCalls = false;
            for (int i = 0; i < code.length; i++) {
                Opcode o = Opcode.of((int) code[i] & 0xff);
                if (o != null && o.kind() == Opcode.Kind.CALL && ((int) code[i] >>> 12 & 0xf) == 1) {
                    callSites.add(i);
                    localCalls = true;
                }
                if (o != null && o.kind() == Opcode.Kind.LDDW) {
                    i++;
                }
            }
            exitLabel = localCalls ? cob.newLabel() : null;
            for (int i = 0; i < code.length; i++) {
                cob.labelBinding(labels[i]);
                Opcode o = Opcode.of((int) code[i] & 0xff);
                insn(i, o);
                if (o.kind() == Opcode.Kind.LDDW) {
                    i++;
                    cob.labelBinding(labels[i]);
                }
            }
            if (localCalls) {
                cob.labelBinding(exitLabel);
                Label pop = cob.newLabel();
                cob.aload(1).getfield(CD_RUNTIME, "depth", CD_int).ifne(pop);
                ld(0);
                cob.lreturn();
                cob.labelBinding(pop);
                cob.aload(1).invokevirtual(CD_RUNTIME, "pop", MethodTypeDesc.of(CD_int)).istore(SITE);
                for (int k = 0; k < 4; k++) {
                    cob.aload(1);
                    iconst(k);
                    cob.invokevirtual(CD_RUNTIME, "saved", MethodTypeDesc.of(CD_long, CD_int));
                    st(6 + k);
                }
                ld(10);
                lconst(FRAME);
                cob.ladd();
                st(10);
                List<SwitchCase> cases = new ArrayList<>();
                for (int k = 0; k < callSites.size(); k++) {
                    cases.add(SwitchCase.of(k, labels[callSites.get(k) + 1]));
                }
                cob.iload(SITE).tableswitch(0, callSites.size() - 1, labels[callSites.get(0) + 1], cases);
            }
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
                        cob.invokestatic(CD_SUPPORT, "swap", MethodTypeDesc.of(CD_long, CD_long, CD_int));
                    }
                    st(dst);
                }
                case LDDW -> {
                    long v = code[i + 1];
                    if (src == 2) {
                        cob.aload(1);
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
                    cob.aload(REGIONS);
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
                    cob.aload(REGIONS);
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
                    cob.aload(REGIONS);
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
                case JA -> cob.goto_(labels[i + off + 1]);
                case JA32 -> cob.goto_(labels[i + imm + 1]);
                case JCOND -> jcond(o, dst, src, imm, labels[i + off + 1]);
                case CALL -> {
                    if (src == 1) {
                        cob.aload(1);
                        for (int r = 6; r <= 9; r++) {
                            ld(r);
                        }
                        iconst(callSites.indexOf(i));
                        iconst(i);
                        cob.invokevirtual(CD_RUNTIME, "push", MethodTypeDesc.of(CD_void, CD_long, CD_long, CD_long,
                                CD_long, CD_int, CD_int));
                        ld(10);
                        lconst(FRAME);
                        cob.lsub();
                        st(10);
                        cob.goto_(labels[i + imm + 1]);
                    } else {
                        helper(i, () -> lconst(imm));
                    }
                }
                case CALLX -> helper(i, () -> ld(dst));
                case EXIT -> {
                    if (exitLabel != null) {
                        cob.goto_(exitLabel);
                    } else {
                        ld(0);
                        cob.lreturn();
                    }
                }
            }
        }

        void helper(int i, Runnable id) {
            cob.aload(1);
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
                    case Opcode.ALU_DIV -> cob.invokestatic(CD_SUPPORT, off == 1 ? "sdiv64" : "udiv64", MTD_LL);
                    case Opcode.ALU_MOD -> cob.invokestatic(CD_SUPPORT, off == 1 ? "smod64" : "umod64", MTD_LL);
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
                    case Opcode.ALU_DIV -> cob.invokestatic(CD_SUPPORT, off == 1 ? "sdiv32" : "udiv32", MTD_II);
                    case Opcode.ALU_MOD -> cob.invokestatic(CD_SUPPORT, off == 1 ? "smod32" : "umod32", MTD_II);
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
