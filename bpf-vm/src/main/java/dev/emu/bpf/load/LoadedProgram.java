package dev.emu.bpf.load;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.interp.InsnBudget;
import dev.emu.bpf.interp.MemoryMap;
import dev.emu.bpf.interp.VmFault;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.Opcode;
import dev.emu.bpf.map.ArrayMap;
import dev.emu.bpf.map.BpfMap;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program that passed the load-time checks (the structural part of Linux's check_subprogs /
 * resolve_pseudo_ldimm64 / bpf_check basics) but not yet a verifier: an unverified program.
 * Immutable.
 *
 * <p>Its pre-decoded form ({@link #code()}) is one {@code long} per slot holding the slot's
 * little-endian encoding (opcode in bits 0-7, dst 8-11, src 12-15, off 16-31, imm 32-63), except
 * the second slot of each {@code lddw}, which holds the resolved 64-bit value: the immediate
 * (src 0), the map pointer (src 1), or {@code mapIndex << 32 | offset} (src 2).
 */
public final class LoadedProgram {
    /** Maximum number of instruction slots (BPF_COMPLEXITY_LIMIT_INSNS). */
    public static final int MAX_INSNS = BpfFlags.BPF_COMPLEXITY_LIMIT_INSNS;
    /**
     * Map pointers are {@code (MAP_PTR_REGION + index) << 32}: a region index no memory map
     * uses, so dereferencing one faults.
     */
    public static final long MAP_PTR_REGION = 0xffff0000L;
    /**
     * A subprogram pointer (lddw BPF_PSEUDO_FUNC) is {@code FUNC_PTR_REGION << 32 | entry}: a
     * region no memory map uses, so dereferencing one faults.
     */
    public static final long FUNC_PTR_REGION = 0xfffe0000L;

    private final List<Instruction> insns;
    private final long[] code;
    private final List<BpfMap> maps;
    private final int[] blockCosts;

    private LoadedProgram(List<Instruction> insns, long[] code, List<BpfMap> maps) {
        this.insns = insns;
        this.code = code;
        this.maps = maps;
        this.blockCosts = InsnBudget.costs(code);
    }

    /**
     * Loads {@code insns} (slots, lddw taking two): applies the load checks — known opcodes,
     * reserved fields zero, registers r0-r10, no write to r10, jump and call targets inside the
     * program and not into the second slot of lddw, last instruction an exit or a jump, at most
     * {@link #MAX_INSNS} slots — and resolves lddw map references through {@code maps}.
     *
     * @return the loaded program, or a refusal naming the instruction index and the reason
     */
    public static LoadResult load(List<Instruction> insns, MapResolver maps) {
        int n = insns.size();
        if (n == 0) {
            return refuse(-1, "empty program", Errno.EINVAL);
        }
        if (n > MAX_INSNS) {
            return refuse(-1, "program has " + n + " instructions, more than " + MAX_INSNS, Errno.E2BIG);
        }
        boolean[] second = new boolean[n];
        for (int i = 0; i < n; i++) {
            Opcode o = insns.get(i).info();
            if (o != null && o.kind() == Opcode.Kind.LDDW) {
                if (i + 1 >= n) {
                    return refuse(i, "lddw is missing its second slot", Errno.EINVAL);
                }
                second[i + 1] = true;
                i++;
            }
        }
        long[] code = new long[n];
        List<BpfMap> used = new ArrayList<>();
        Map<BpfMap, Integer> usedIndex = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            Instruction in = insns.get(i);
            Opcode o = in.info();
            if (o == null) {
                return refuse(i, "unknown opcode 0x" + String.format("%02x", in.opcode()), Errno.EINVAL);
            }
            if (in.dst() > 10) {
                return refuse(i, "invalid destination register r" + in.dst(), Errno.EINVAL);
            }
            boolean srcIsReg = o.regSource() || o.kind() == Opcode.Kind.LDX || o.kind() == Opcode.Kind.LDXS
                    || o.kind() == Opcode.Kind.LD_IND;
            if (srcIsReg && in.src() > 10) {
                return refuse(i, "invalid source register r" + in.src(), Errno.EINVAL);
            }
            String bad = o.checkFields(in);
            if (bad != null) {
                return refuse(i, bad, Errno.EINVAL);
            }
            if (o.writesDst() && in.dst() == 10) {
                return refuse(i, "frame pointer is read only", Errno.EACCES); // check_reg_arg's words and errno
            }
            if (o.kind() == Opcode.Kind.ATOMIC && (in.imm() & Opcode.ATOMIC_FETCH) != 0 && in.src() == 10
                    && in.imm() != Opcode.ATOMIC_CMPXCHG) {
                return refuse(i, "frame pointer is read only", Errno.EACCES); // check_reg_arg's words and errno
            }
            code[i] = in.toRaw();
            switch (o.kind()) {
                case LDDW -> {
                    Instruction hi = insns.get(i + 1);
                    if (hi.opcode() != 0 || hi.dst() != 0 || hi.src() != 0 || hi.off() != 0) {
                        return refuse(i + 1, "invalid second slot of lddw", Errno.EINVAL);
                    }
                    long value;
                    if (in.src() == 0) {
                        value = (in.imm() & 0xffffffffL) | (long) hi.imm() << 32;
                    } else if (in.src() == BpfFlags.BPF_PSEUDO_FUNC) {
                        String t = checkTarget(i, (long) i + in.imm() + 1, n, second);
                        if (t != null || hi.imm() != 0) {
                            return refuse(i, t != null ? "func " + t : "func lddw with non-zero upper immediate",
                                    Errno.EINVAL);
                        }
                        value = FUNC_PTR_REGION << 32 | (i + in.imm() + 1);
                    } else {
                        // fd_array indexes (5, 6) name maps as fds (1, 2) do; the pre-decoded
                        // slot carries the fd form, so the engines know only 1 and 2.
                        boolean byIndex = in.src() == BpfFlags.BPF_PSEUDO_MAP_IDX
                                || in.src() == BpfFlags.BPF_PSEUDO_MAP_IDX_VALUE;
                        boolean mapValue = in.src() == BpfFlags.BPF_PSEUDO_MAP_VALUE
                                || in.src() == BpfFlags.BPF_PSEUDO_MAP_IDX_VALUE;
                        BpfMap m = maps.resolve(in.src(), in.imm());
                        if (m == null) {
                            return refuse(i, byIndex ? "fd_array[" + in.imm() + "] is not a map"
                                    : "fd " + in.imm() + " is not a map", Errno.EBADF);
                        }
                        if (byIndex) {
                            code[i] = (code[i] & ~0xf000L)
                                    | (long) (mapValue ? BpfFlags.BPF_PSEUDO_MAP_VALUE : BpfFlags.BPF_PSEUDO_MAP_FD) << 12;
                        }
                        if (!mapValue && hi.imm() != 0) {
                            return refuse(i, "map_fd lddw with non-zero upper immediate", Errno.EINVAL);
                        }
                        if (mapValue) {
                            // array_map_direct_value_addr: single-element arrays only, offset inside the value.
                            if (!(m instanceof ArrayMap) || m.maxEntries() != 1) {
                                return refuse(i, "map_value lddw needs an array map with one element", Errno.EINVAL);
                            }
                            if (Integer.toUnsignedLong(hi.imm()) >= m.valueSize()) {
                                return refuse(i, "map_value offset " + hi.imm() + " outside the value", Errno.EINVAL);
                            }
                        }
                        Integer idx = usedIndex.get(m);
                        if (idx == null) {
                            idx = used.size();
                            used.add(m);
                            usedIndex.put(m, idx);
                        }
                        value = !mapValue
                                ? (MAP_PTR_REGION + idx) << 32
                                : (long) idx << 32 | (hi.imm() & 0xffffffffL);
                    }
                    code[i + 1] = value;
                    i++;
                }
                case JA, JCOND -> {
                    String t = checkTarget(i, i + in.off() + 1, n, second);
                    if (t != null) {
                        return refuse(i, t, Errno.EINVAL);
                    }
                }
                case JA32 -> {
                    String t = checkTarget(i, (long) i + in.imm() + 1, n, second);
                    if (t != null) {
                        return refuse(i, t, Errno.EINVAL);
                    }
                }
                case CALL -> {
                    if (in.src() == BpfFlags.BPF_PSEUDO_CALL) {
                        String t = checkTarget(i, (long) i + in.imm() + 1, n, second);
                        if (t != null) {
                            return refuse(i, "call " + t, Errno.EINVAL);
                        }
                    }
                }
                default -> { }
            }
        }
        Opcode last = insns.get(n - 1).info();
        if (second[n - 1] || (last.kind() != Opcode.Kind.EXIT && last.kind() != Opcode.Kind.JA
                && last.kind() != Opcode.Kind.JA32)) {
            return refuse(n - 1, "last instruction is not an exit or jump", Errno.EINVAL);
        }
        return new LoadResult.Loaded(new LoadedProgram(List.copyOf(insns), code, List.copyOf(used)));
    }

    private static String checkTarget(int i, long target, int n, boolean[] second) {
        if (target < 0 || target >= n) {
            return "jump out of range to " + target;
        }
        if (second[(int) target]) {
            return "jump into the middle of lddw at " + (target - 1);
        }
        return null;
    }

    private static LoadResult refuse(int index, String reason, Errno errno) {
        return new LoadResult.Refused(index, reason, errno);
    }

    /** The instruction slots as loaded (lddw map fds unresolved). */
    public List<Instruction> instructions() {
        return insns;
    }

    /** Number of instruction slots. */
    public int length() {
        return code.length;
    }

    /**
     * The pre-decoded program (see class comment). Shared, not copied, for the engines' speed:
     * callers must not modify it.
     */
    public long[] code() {
        return code;
    }

    /**
     * {@link InsnBudget#costs} of this program: per slot, the length of the basic block it starts
     * (0 elsewhere). Shared, not copied: callers must not modify it.
     */
    public int[] blockCosts() {
        return blockCosts;
    }

    /** The maps the program references, in first-use order; index i has pointer {@code mapPointer(i)}. */
    public List<BpfMap> maps() {
        return maps;
    }

    /** The map a pointer from {@link #mapPointer} names; a {@link VmFault} for any other value. */
    public BpfMap mapAt(long ptr) {
        long idx = (ptr >>> 32) - MAP_PTR_REGION;
        if ((int) ptr != 0 || idx < 0 || idx >= maps.size()) {
            throw new VmFault("0x" + Long.toHexString(ptr) + " is not a map pointer");
        }
        return maps.get((int) idx);
    }

    /**
     * lddw map_value: the address in {@code mem} of the single array element's value of the map
     * at {@code slot}'s upper half, plus the offset in its lower half (mapping the value if needed).
     */
    public long mapValueAddress(MemoryMap mem, long slot) {
        BpfMap m = maps.get((int) (slot >>> 32));
        byte[] v = ((ArrayMap) m).valueAt(0);
        return mem.map(v, m) + (slot & 0xffffffffL);
    }

    /** The entry instruction of a subprogram pointer from lddw BPF_PSEUDO_FUNC; a {@link VmFault} for any other value. */
    public int funcEntry(long ptr) {
        long entry = ptr & 0xffffffffL;
        if (ptr >>> 32 != FUNC_PTR_REGION || entry >= code.length) {
            throw new VmFault("0x" + Long.toHexString(ptr) + " is not a function pointer");
        }
        return (int) entry;
    }

    /**
     * This program with single-slot instructions replaced (index → new instruction), same maps:
     * the verifier's rewrite of context loads. The replacements must not be jumps or lddw.
     */
    public LoadedProgram withSlots(Map<Integer, Instruction> replacements) {
        List<Instruction> in = new ArrayList<>(insns);
        long[] c = code.clone();
        replacements.forEach((k, v) -> {
            in.set(k, v);
            c[k] = v.toRaw();
        });
        return new LoadedProgram(List.copyOf(in), c, maps);
    }

    /**
     * This program with instructions replaced by sequences (index → instructions, none of them
     * lddw), every jump and bpf-to-bpf call moved to its target's new index (Linux's
     * bpf_patch_insn_data): the verifier's LD_ABS/LD_IND rewrite.
     */
    public LoadedProgram withExpansions(Map<Integer, List<Instruction>> expansions) {
        int n = code.length;
        int[] newPos = new int[n + 1];
        int pos = 0;
        for (int i = 0; i < n; i++) {
            newPos[i] = pos;
            List<Instruction> e = expansions.get(i);
            pos += e == null ? 1 : e.size();
        }
        newPos[n] = pos;
        List<Instruction> out = new ArrayList<>(pos);
        long[] c = new long[pos];
        for (int i = 0; i < n; i++) {
            List<Instruction> e = expansions.get(i);
            if (e != null) {
                for (Instruction x : e) {
                    c[out.size()] = x.toRaw();
                    out.add(x);
                }
                continue;
            }
            Instruction in = insns.get(i);
            Opcode o = in.info();
            Instruction moved = in;
            if (o != null) {
                switch (o.kind()) {
                    case JA, JCOND -> moved = new Instruction(in.opcode(), in.dst(), in.src(),
                            shortOffset(newPos[i + in.off() + 1] - newPos[i] - 1), in.imm());
                    case JA32 -> moved = new Instruction(in.opcode(), in.dst(), in.src(), in.off(),
                            newPos[i + in.imm() + 1] - newPos[i] - 1);
                    case CALL -> {
                        if (in.src() == BpfFlags.BPF_PSEUDO_CALL) {
                            moved = new Instruction(in.opcode(), in.dst(), in.src(), in.off(),
                                    newPos[i + in.imm() + 1] - newPos[i] - 1);
                        }
                    }
                    case LDDW -> {
                        if (in.src() == BpfFlags.BPF_PSEUDO_FUNC) {
                            // A callback's address moves with its subprogram, as a call's target does.
                            int target = newPos[i + in.imm() + 1];
                            Instruction ld = new Instruction(in.opcode(), in.dst(), in.src(), in.off(),
                                    target - newPos[i] - 1);
                            c[out.size()] = ld.toRaw();
                            out.add(ld);
                            i++;
                            c[out.size()] = FUNC_PTR_REGION << 32 | target;
                            out.add(insns.get(i));
                            continue;
                        }
                        c[out.size()] = code[i];
                        out.add(in);
                        i++;
                        c[out.size()] = code[i]; // the resolved value
                        out.add(insns.get(i));
                        continue;
                    }
                    default -> { }
                }
            }
            c[out.size()] = moved == in ? code[i] : moved.toRaw();
            out.add(moved);
        }
        return new LoadedProgram(List.copyOf(out), c, maps);
    }

    private static short shortOffset(int off) {
        if (off != (short) off) {
            throw new IllegalStateException("jump offset " + off + " out of range after the rewrite");
        }
        return (short) off;
    }

    /** The value a program sees for the map at {@code index} of {@link #maps()}. */
    public static long mapPointer(int index) {
        return (MAP_PTR_REGION + index) << 32;
    }
}
