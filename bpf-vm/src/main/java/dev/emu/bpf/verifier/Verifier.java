package dev.emu.bpf.verifier;

import static dev.emu.bpf.verifier.VerifierState.INVALID;
import static dev.emu.bpf.verifier.VerifierState.MISC;
import static dev.emu.bpf.verifier.VerifierState.SPILL;
import static dev.emu.bpf.verifier.VerifierState.STACK;
import static dev.emu.bpf.verifier.VerifierState.ZERO;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfHelperId;
import dev.emu.bpf.asm.Disassembler;
import dev.emu.bpf.helper.ArgType;
import dev.emu.bpf.helper.Helper;
import dev.emu.bpf.helper.Helpers;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.Opcode;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.load.MapResolver;
import dev.emu.bpf.map.ArrayMap;
import dev.emu.bpf.map.BpfMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The static verifier, after Linux's kernel/bpf/verifier.c (do_check and friends): the only way a
 * {@link LoadedProgram} becomes a {@link VerifiedProgram}.
 *
 * <p>It walks every path of the program depth-first with an abstract state per path (register
 * types and bounds, per-byte stack state, call frames, acquired references), forking at
 * conditional jumps whose outcome is not known, and prunes a path when it reaches a prune point
 * (jump target, conditional jump, call) in a state an already fully explored state covers.
 * Bounded loops are accepted by exploring them; a loop whose state repeats while still being
 * explored is refused ("infinite loop detected"), and every path together may process at most
 * 1,000,000 instructions (E2BIG), as Linux.
 *
 * <p><b>Policy.</b> emu applies Linux's <em>privileged</em> (CAP_BPF + CAP_PERFMON) rules:
 * pointer comparisons, pointer subtraction and pointer-to-scalar conversions are allowed, bounded
 * loops are allowed. Exceptions, stricter than Linux's privileged mode: reads of uninitialised
 * stack are refused (Linux allows them to privileged users); pointers may not be stored into map
 * values, ringbuf memory or the context, nor returned from the main program; atomics must be
 * naturally aligned (the engines fault on misaligned atomics); callx is refused. Simplifications:
 * no precision tracking and no stack liveness (pruning against a fully explored state skips
 * registers dead at the prune point, {@link Liveness}, and compares every live scalar's range);
 * JMP32 refines the bounds only when the operands' upper halves are known zero (or, for signed
 * forms, the values are known to be in [0, 2^31)); otherwise only the known bits of the low half
 * carry over ({@link Jmp32Refinement}: no separate 32-bit bounds). States are stored at Linux's
 * prune points under its rule (2 jumps and 8 instructions since the last one, see
 * {@code stateVisited}); the combined stack of a call chain is limited to 512 bytes
 * ({@link StackDepth}). The differential corpus (emulator's VerifierCorpusTest) checks the
 * verdicts against the host kernel.
 *
 * <p>Log levels as Linux's {@code log_level}: 0 nothing (the reason is in the result), 1 the
 * instruction trace of the path being explored (on failure: the failing path) with register
 * states at path starts and at the failure, 2 every processed instruction with the state after it.
 */
public final class Verifier {
    /** BPF_COMPLEXITY_LIMIT_INSNS. */
    public static final int INSN_LIMIT = BpfFlags.BPF_COMPLEXITY_LIMIT_INSNS;
    private static final int MAX_FRAMES = BpfFlags.MAX_CALL_FRAMES;
    private static final int LOG_CAP = 8 << 20;
    private static final int DONE = -1;

    /** A stored explored state at a prune point (cf. struct bpf_verifier_state_list). */
    static final class Checkpoint {
        final VerifierState state;
        final Checkpoint parent;
        /** Paths still being explored from here; 0 once every descendant finished. */
        int branches = 1;
        /** Prunes it allowed, and prune points it failed to match while new states were being stored. */
        int hits;
        int misses;

        Checkpoint(VerifierState state, Checkpoint parent) {
            this.state = state;
            this.parent = parent;
        }
    }

    /** A refusal unwinding the walk; never escapes {@link #verify}. */
    private static final class Refusal extends RuntimeException {
        final int insn;
        final Errno errno;

        Refusal(int insn, String reason, Errno errno) {
            super(reason, null, false, false);
            this.insn = insn;
            this.errno = errno;
        }
    }

    private record Branch(VerifierState state, int from, int to, int logPos) {}

    private final LoadedProgram prog;
    private final ProgramType type;
    private final int logLevel;
    private final List<Instruction> insns;
    private final long[] code;
    private final StringBuilder log = new StringBuilder();
    private final boolean[] prune;
    /** Prune points where a state is stored whatever the heuristic says (is_force_checkpoint). */
    private final boolean[] forceCheckpoint;
    /** Jump-class instructions processed, and both counts when the last state was stored (is_state_visited). */
    private int jmpsProcessed;
    private int prevJmpsProcessed;
    private int prevInsnProcessed;
    private final List<List<Checkpoint>> explored;
    private final Deque<Branch> stack = new ArrayDeque<>();
    /** Register liveness per instruction, for pruning (computed at the first prune point). */
    private Liveness liveness;
    private int processed;
    /** Asked every INTERRUPT_CHECK_INSNS processed instructions: stop with EAGAIN. */
    private java.util.function.BooleanSupplier interrupted = () -> false;
    static final int INTERRUPT_CHECK_INSNS = 256;
    private int totalStates;
    private int curStates;
    private int peakStates;
    private int maxStatesPerInsn;
    private int idGen;
    /** The furthest context byte read, plus one (aux->max_ctx_offset). */
    private int maxCtxOffset;
    private int pc;
    /** Per instruction: the packet-pointer context field it loads, if any (rewritten after verification). */
    private final ContextField[] packetFieldLoads;
    private final boolean[] plainAccess;
    /** Per instruction: an LD_ABS/LD_IND, expanded into a helper call after verification. */
    private final boolean[] legacyLoads;
    /** Each function's stack use, for the combined limit across calls. */
    private final StackDepth stackDepth;
    /** subprogEnd[entry]: one past the last instruction of the function starting at entry. */
    private final int[] subprogEnd;

    private Verifier(LoadedProgram prog, ProgramType type, int logLevel) {
        this.prog = prog;
        this.type = type;
        this.logLevel = logLevel;
        this.insns = prog.instructions();
        this.code = prog.code();
        this.prune = new boolean[code.length + 1];
        this.forceCheckpoint = new boolean[code.length + 1];
        this.packetFieldLoads = new ContextField[code.length];
        this.plainAccess = new boolean[code.length];
        this.legacyLoads = new boolean[code.length];
        this.stackDepth = new StackDepth(code.length);
        this.subprogEnd = new int[code.length];
        this.explored = new ArrayList<>(code.length);
        for (int i = 0; i < code.length; i++) {
            explored.add(null);
        }
    }

    /** Verifies; never throws for a bad program. logLevel 0/1/2 like Linux's log_level. */
    public static VerifierResult verify(LoadedProgram program, ProgramType type, int logLevel) {
        return verify(program, type, logLevel, () -> false);
    }

    /**
     * {@link #verify(LoadedProgram, ProgramType, int)} that gives up with EAGAIN when
     * {@code interrupted} says so, asked every {@link #INTERRUPT_CHECK_INSNS} processed
     * instructions: Linux's do_check returns -EAGAIN when signal_pending(); the kernel passes
     * its guards (--timeout) and pending signals.
     */
    public static VerifierResult verify(LoadedProgram program, ProgramType type, int logLevel,
                                        java.util.function.BooleanSupplier interrupted) {
        Verifier v = new Verifier(program, type, logLevel);
        v.interrupted = interrupted;
        try {
            v.checkCfg();
            v.doCheck();
            String tooLarge = v.stackDepth.check(v.code, v.subprogEnd);
            if (tooLarge != null) {
                throw refuse(-1, tooLarge); // check_max_stack_depth, after the walk
            }
        } catch (Refusal r) {
            return v.reject(r.insn, r.getMessage(), r.errno);
        } catch (RuntimeException e) {
            // A verifier bug, not a bad program: refuse (as Linux's EFAULT "verifier bug") rather than run.
            return v.reject(v.pc, "verifier internal error: " + e, Errno.EFAULT);
        }
        if (logLevel > 0) {
            v.log.append("processed ").append(v.processed).append(" insns (limit ").append(INSN_LIMIT)
                    .append(") max_states_per_insn ").append(v.maxStatesPerInsn).append(" total_states ")
                    .append(v.totalStates).append(" peak_states ").append(v.peakStates).append(" mark_read 0\n");
        }
        return new VerifierResult.Accepted(new VerifiedProgram(v.rewritten(), type, v.maxCtxOffset), v.log.toString());
    }

    /**
     * The program the engines run: each 4-byte load of a packet-pointer context field becomes an
     * 8-byte load of the pointer kept past the public struct (Linux's convert_ctx_accesses).
     */
    private LoadedProgram rewritten() {
        java.util.Map<Integer, Instruction> patches = new java.util.HashMap<>();
        for (int k = 0; k < packetFieldLoads.length; k++) {
            ContextField f = packetFieldLoads[k];
            if (f != null) {
                Instruction in = insn(k);
                patches.put(k, new Instruction(Opcode.CLS_LDX | Opcode.MODE_MEM | 0x18, in.dst(), in.src(),
                        f.hiddenOffset() - (f.offset() - in.off()), 0));
            }
        }
        LoadedProgram p = patches.isEmpty() ? prog : prog.withSlots(patches);
        return LegacyPacketAccess.expand(p, legacyLoads);
    }

    /**
     * Loads and verifies in one step (what the bpf() syscall does): load-check refusals become
     * rejections with the same index and reason. Writes to r10 are refused with Linux's wording.
     */
    public static VerifierResult verify(List<Instruction> insns, MapResolver maps, ProgramType type, int logLevel) {
        for (int i = 0; i < insns.size(); i++) {
            Instruction in = insns.get(i);
            Opcode o = in.info();
            if (o != null && o.writesDst() && in.dst() == 10) {
                return rejectEarly(i, "frame pointer is read only", Errno.EACCES, logLevel);
            }
            if (o != null && o.kind() == Opcode.Kind.LDDW) {
                i++;
            }
        }
        LoadResult lr = LoadedProgram.load(insns, maps);
        if (lr instanceof LoadResult.Refused r) {
            return rejectEarly(r.index(), r.reason(), r.errno(), logLevel);
        }
        return verify(((LoadResult.Loaded) lr).program(), type, logLevel);
    }

    private static VerifierResult rejectEarly(int insn, String reason, Errno errno, int logLevel) {
        String log = logLevel > 0 ? (insn >= 0 ? insn + ": " : "") + reason + "\n" : "";
        return new VerifierResult.Rejected(insn, reason, log, errno);
    }

    private VerifierResult reject(int insn, String reason, Errno errno) {
        if (logLevel > 0) {
            log.append(processed == 0 && insn >= 0 ? insn + ": " : "").append(reason).append('\n');
            if (processed > 0) {
                log.append("processed ").append(processed).append(" insns (limit ").append(INSN_LIMIT)
                        .append(") max_states_per_insn ").append(maxStatesPerInsn).append(" total_states ")
                        .append(totalStates).append(" peak_states ").append(peakStates).append(" mark_read 0\n");
            }
        }
        return new VerifierResult.Rejected(insn, reason, logLevel > 0 ? log.toString() : "", errno);
    }

    /** A refusal with EACCES, for the verifier's helper classes. */
    RuntimeException refusal(int insn, String reason) {
        return refuse(insn, reason);
    }

    /** A refusal with EINVAL (a malformed program), for the verifier's helper classes. */
    RuntimeException malformedProgram(int insn, String reason) {
        return malformed(insn, reason);
    }

    /** A stack access of the function running in {@code f} reaching down to {@code fp + lowestOff}. */
    void touchStack(VerifierState.Frame f, long lowestOff) {
        stackDepth.touch(f.entry, lowestOff);
    }

    ProgramType programType() {
        return type;
    }

    /** True if the program has bpf-to-bpf calls. */
    boolean hasSubprograms() {
        for (int k = 0; k < code.length; k++) {
            if (op(k).kind() == Opcode.Kind.CALL && insn(k).src() == BpfFlags.BPF_PSEUDO_CALL) {
                return true;
            }
        }
        return false;
    }

    private static Refusal refuse(int insn, String reason) {
        return new Refusal(insn, reason, Errno.EACCES);
    }

    private static Refusal malformed(int insn, String reason) {
        return new Refusal(insn, reason, Errno.EINVAL);
    }

    // ---------------------------------------------------------------------------------------------
    // Control-flow checks (cf. check_subprogs, check_cfg)

    private Opcode op(int i) {
        return Opcode.of((int) code[i] & 0xff);
    }

    private Instruction insn(int i) {
        return insns.get(i);
    }

    private void checkCfg() {
        int n = code.length;
        boolean[] second = new boolean[n];
        boolean[] subStart = new boolean[n + 1];
        subStart[0] = true;
        subStart[n] = true;
        for (int i = 0; i < n; i++) {
            Opcode o = op(i);
            if (o.kind() == Opcode.Kind.LDDW) {
                second[i + 1] = true;
                if (insn(i).src() == BpfFlags.BPF_PSEUDO_FUNC) {
                    subStart[i + insn(i).imm() + 1] = true; // a callback is a subprogram of its own
                }
                i++;
                continue;
            }
            if (o.kind() == Opcode.Kind.CALL && insn(i).src() == BpfFlags.BPF_PSEUDO_CALL) {
                subStart[i + insn(i).imm() + 1] = true;
            }
        }
        int start = 0;
        int end = 0;
        for (int i = 0; i < n; i++) {
            if (second[i]) {
                continue;
            }
            Opcode o = op(i);
            if (subStart[i]) {
                // A new subprogram: find its end once (a scan per instruction is quadratic).
                start = i;
                end = start + 1;
                while (!subStart[end]) {
                    end++;
                }
                subprogEnd[start] = end;
            }
            int target = switch (o.kind()) {
                case JA, JCOND -> i + insn(i).off() + 1;
                case JA32 -> i + insn(i).imm() + 1;
                default -> -1;
            };
            if (target >= 0 && (target < start || target >= end)) {
                throw malformed(i, "jump out of range from insn " + i + " to " + target);
            }
            markPrunePoints(i, o, target);
            int last = i + o.slots() - 1;
            if (subStart[last + 1] && o.kind() != Opcode.Kind.EXIT && o.kind() != Opcode.Kind.JA
                    && o.kind() != Opcode.Kind.JA32) {
                throw malformed(i, "last insn is not an exit or jmp");
            }
            if (o.kind() == Opcode.Kind.CALLX) {
                throw malformed(i, "callx (BPF_CALL|BPF_X) is not supported");
            }
        }
        // Reachability: depth-first over fall-through, jump and call edges.
        boolean[] seen = new boolean[n];
        int[] work = new int[n];
        int sp = 0;
        work[sp++] = 0;
        seen[0] = true;
        while (sp > 0) {
            int i = work[--sp];
            Opcode o = op(i);
            Instruction in = insn(i);
            int[] next = switch (o.kind()) {
                case EXIT -> new int[0];
                case JA -> new int[] {i + in.off() + 1};
                case JA32 -> new int[] {i + in.imm() + 1};
                case JCOND -> new int[] {i + 1, i + in.off() + 1};
                case CALL -> in.src() == BpfFlags.BPF_PSEUDO_CALL ? new int[] {i + 1, i + in.imm() + 1}
                        : new int[] {i + 1};
                // check_cfg's visit_func_call_insn: a callback's body is reached from its lddw.
                case LDDW -> in.src() == BpfFlags.BPF_PSEUDO_FUNC ? new int[] {i + 2, i + in.imm() + 1}
                        : new int[] {i + 2};
                default -> new int[] {i + o.slots()};
            };
            for (int t : next) {
                if (t < n && !seen[t]) {
                    seen[t] = true;
                    work[sp++] = t;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (!seen[i] && !second[i]) {
                throw malformed(i, "unreachable insn " + i);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The walk (cf. do_check, is_state_visited, push_stack/pop_stack)

    /**
     * Linux's prune points (check_cfg's visit_insn): the target of an unconditional jump, a
     * conditional jump itself, the instruction after a call, a bpf-to-bpf call and an lddw of a
     * callback themselves, and a helper call that calls a callback (also a forced checkpoint).
     */
    private void markPrunePoints(int i, Opcode o, int target) {
        switch (o.kind()) {
            case JA, JA32 -> prune[target] = true;
            case JCOND -> prune[i] = true;
            case CALL -> {
                prune[i + 1] = true;
                int imm = insn(i).imm();
                if (insn(i).src() == BpfFlags.BPF_PSEUDO_CALL) {
                    prune[i] = true;
                } else if (insn(i).src() == 0 && (imm == BpfHelperId.LOOP || imm == BpfHelperId.FOR_EACH_MAP_ELEM)) {
                    prune[i] = true;
                    forceCheckpoint[i] = true;
                }
            }
            case LDDW -> {
                if (insn(i).src() == BpfFlags.BPF_PSEUDO_FUNC) {
                    prune[i] = true;
                    prune[i + 2] = true;
                }
            }
            default -> { }
        }
    }

    private void doCheck() {
        VerifierState st = new VerifierState();
        VerifierState.Frame f = new VerifierState.Frame(0, -1);
        for (int r = 0; r < 11; r++) {
            f.regs[r] = RegState.notInit();
        }
        f.regs[1] = RegState.pointer(RegType.PTR_TO_CTX);
        f.regs[10] = RegState.pointer(RegType.PTR_TO_STACK);
        st.frames.add(f);
        if (logLevel > 0) {
            log.append("0: ").append(st.describe(false)).append('\n');
        }
        pc = 0;
        while (true) {
            if (pc == DONE) {
                pathDone(st);
                Branch b = stack.poll();
                if (b == null) {
                    return;
                }
                if (logLevel == 1) {
                    log.setLength(Math.min(log.length(), b.logPos()));
                }
                st = b.state();
                pc = b.to();
                if (logLevel > 0) {
                    appendLog("from " + b.from() + " to " + pc + ": " + st.describe(false) + "\n");
                }
                continue;
            }
            if (++processed > INSN_LIMIT) {
                throw new Refusal(pc, "BPF program is too large. Processed " + processed + " insn", Errno.E2BIG);
            }
            if (processed % INTERRUPT_CHECK_INSNS == 0 && interrupted.getAsBoolean()) {
                throw new Refusal(pc, "verification interrupted after " + processed + " insns", Errno.EAGAIN);
            }
            if (prune[pc] && stateVisited(st, pc)) {
                if (logLevel > 0) {
                    appendLog(pc + ": safe\n");
                }
                pc = DONE;
                continue;
            }
            if (logLevel > 0) {
                appendLog(pc + ": (" + HEX2[(int) code[pc] & 0xff] + ") " + text(pc) + "\n");
            }
            int prevWritten = st.written;
            st.written = 0;
            Opcode.Kind kind = op(pc).kind();
            if (kind == Opcode.Kind.JA || kind == Opcode.Kind.JA32 || kind == Opcode.Kind.JCOND
                    || kind == Opcode.Kind.CALL || kind == Opcode.Kind.EXIT) {
                jmpsProcessed++; // do_check: every BPF_JMP/BPF_JMP32 instruction
            }
            try {
                pc = step(st, pc);
            } catch (Refusal r) {
                st.written |= prevWritten;
                if (logLevel > 0) {
                    appendLog(st.describe(true) + "\n");
                }
                throw r;
            }
            if (logLevel > 1) {
                appendLog("  ; " + st.describe(true) + "\n");
            }
        }
    }

    private String text(int i) {
        if (op(i).kind() == Opcode.Kind.LDDW) {
            return Disassembler.disassemble(insns.subList(i, i + 2)).trim();
        }
        return Disassembler.format(insn(i));
    }

    /** Opcode bytes as two hex digits (String.format per logged instruction dominated log level 1). */
    private static final String[] HEX2 = new String[256];

    static {
        for (int k = 0; k < 256; k++) {
            HEX2[k] = String.format("%02x", k);
        }
    }

    private void appendLog(String s) {
        log.append(s);
        if (log.length() > LOG_CAP) { // rotating log, as Linux's default: keep the tail
            log.delete(0, log.length() - LOG_CAP / 2);
        }
    }

    private boolean stateVisited(VerifierState st, int at) {
        List<Checkpoint> list = explored.get(at);
        if (list == null) {
            list = new ArrayList<>(2);
            explored.set(at, list);
        }
        if (liveness == null) {
            liveness = Liveness.compute(code);
        }
        int live = liveness.liveIn(at);
        boolean force = forceCheckpoint[at];
        // Linux's heuristic: store a new state only after at least 2 jumps and 8 instructions since the last one.
        boolean add = force || (jmpsProcessed - prevJmpsProcessed >= 2 && processed - prevInsnProcessed >= 8);
        int statesCnt = 0;
        for (java.util.Iterator<Checkpoint> it = list.iterator(); it.hasNext(); ) {
            Checkpoint cp = it.next();
            statesCnt++;
            if (cp.branches > 0) {
                // Still being explored: this path came back to it. The same state exactly can repeat forever.
                if (StateEquivalence.exact(cp.state, st, live)) {
                    throw malformed(at, "infinite loop detected at insn " + at);
                }
                // Inside a loop, store states sparsely: iterations differ and rarely help pruning.
                if (!force && jmpsProcessed - prevJmpsProcessed < 20 && processed - prevInsnProcessed < 100) {
                    add = false;
                }
            } else if (StateEquivalence.covers(cp.state, st, live)) { // fully explored: prune (states_equal)
                cp.hits++;
                return true;
            }
            // A state that keeps missing is dropped (is_state_visited's miss_cnt/hit_cnt eviction).
            if (add) {
                cp.misses++;
            }
            int n = force && cp.branches > 0 ? 64 : 3;
            if (cp.misses > cp.hits * n + n) {
                it.remove();
                curStates--;
            }
        }
        maxStatesPerInsn = Math.max(maxStatesPerInsn, statesCnt);
        if (!add) {
            return false;
        }
        Checkpoint cp = new Checkpoint(st.copy(), st.parent);
        st.parent = cp;
        list.add(0, cp); // Linux adds to the head of the list
        totalStates++;
        curStates++;
        peakStates = Math.max(peakStates, curStates);
        prevJmpsProcessed = jmpsProcessed;
        prevInsnProcessed = processed;
        return false;
    }

    private void pathDone(VerifierState st) {
        for (Checkpoint cp = st.parent; cp != null; cp = cp.parent) {
            if (--cp.branches > 0) {
                break;
            }
        }
    }

    /** BPF_COMPLEXITY_LIMIT_JMP_SEQ: branches pending exploration at once. */
    private static final int JMP_SEQ_LIMIT = 8192;

    private void push(VerifierState other, int from, int to) {
        if (stack.size() + 1 > JMP_SEQ_LIMIT) { // push_stack: Linux 6.18 fails the load with EFAULT
            throw new Refusal(from, "The sequence of " + (stack.size() + 1) + " jumps is too complex.", Errno.EFAULT);
        }
        if (other.parent != null) {
            other.parent.branches++;
        }
        stack.push(new Branch(other, from, to, log.length()));
    }

    // ---------------------------------------------------------------------------------------------
    // One instruction

    private RegState reg(VerifierState st, int i, int r) {
        RegState s = st.cur().regs[r];
        if (s.type == RegType.NOT_INIT) {
            throw refuse(i, "R" + r + " !read_ok");
        }
        return s;
    }

    private void set(VerifierState st, int r, RegState v) {
        st.cur().regs[r] = v;
        st.written |= 1 << r;
    }

    private int step(VerifierState st, int i) {
        Opcode o = op(i);
        Instruction in = insn(i);
        int dst = in.dst(), src = in.src();
        switch (o.kind()) {
            case ALU, NEG, END -> {
                if (dst == 10) {
                    throw refuse(i, "frame pointer is read only");
                }
                alu(st, i, o, in);
                return i + 1;
            }
            case LDDW -> {
                if (dst == 10) {
                    throw refuse(i, "frame pointer is read only");
                }
                long v = code[i + 1];
                RegState r;
                if (in.src() == 0) {
                    r = RegState.constant(v);
                } else if (in.src() == BpfFlags.BPF_PSEUDO_FUNC) {
                    r = RegState.pointer(RegType.PTR_TO_FUNC);
                    r.off = (int) (v & 0xffffffffL);
                } else if (in.src() == BpfFlags.BPF_PSEUDO_MAP_FD || in.src() == BpfFlags.BPF_PSEUDO_MAP_IDX) {
                    r = RegState.pointer(RegType.CONST_PTR_TO_MAP);
                    r.map = prog.maps().get((int) ((v >>> 32) - LoadedProgram.MAP_PTR_REGION));
                } else {
                    r = RegState.pointer(RegType.PTR_TO_MAP_VALUE);
                    r.map = prog.maps().get((int) (v >>> 32));
                    r.off = (int) v;
                }
                set(st, dst, r);
                return i + 2;
            }
            case LDX, LDXS -> {
                if (dst == 10) {
                    throw refuse(i, "frame pointer is read only");
                }
                RegState base = reg(st, i, src);
                RegState v = access(st, i, src, base, in.off(), o.size(), false, null, o.kind() == Opcode.Kind.LDXS);
                set(st, dst, v);
                return i + 1;
            }
            case ST -> {
                RegState base = reg(st, i, dst);
                access(st, i, dst, base, in.off(), o.size(), true, RegState.constant(in.imm()), false);
                return i + 1;
            }
            case STX -> {
                RegState val = reg(st, i, src);
                RegState base = reg(st, i, dst);
                access(st, i, dst, base, in.off(), o.size(), true, val, false);
                return i + 1;
            }
            case ATOMIC -> {
                atomic(st, i, o, in);
                return i + 1;
            }
            case JA -> {
                return i + in.off() + 1;
            }
            case JA32 -> {
                return i + in.imm() + 1;
            }
            case JCOND -> {
                return condJump(st, i, o, in);
            }
            case CALL -> {
                if (in.src() == BpfFlags.BPF_PSEUDO_CALL) {
                    return localCall(st, i, in);
                }
                return helperCall(st, i, in.imm());
            }
            case CALLX -> throw malformed(i, "callx (BPF_CALL|BPF_X) is not supported");
            case LD_ABS, LD_IND -> {
                LegacyPacketAccess.check(this, st, i, in, o);
                legacyLoads[i] = true;
                return i + 1;
            }
            case EXIT -> {
                return exit(st, i);
            }
        }
        throw malformed(i, "unknown opcode");
    }

    // ---- ALU (cf. check_alu_op, adjust_reg_min_max_vals, adjust_ptr_min_max_vals)

    private static final String[] OP_STR = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=",
        "=", "s>>=", "endian"};

    private void alu(VerifierState st, int i, Opcode o, Instruction in) {
        int dst = in.dst();
        boolean is64 = o.insnClass() == Opcode.CLS_ALU64;
        int opc = o.op();
        if (o.kind() == Opcode.Kind.NEG || o.kind() == Opcode.Kind.END) {
            RegState d = reg(st, i, dst);
            if (d.type.isPointer()) {
                // check_alu_op: is_pointer_value is false with allow_ptr_leaks, so the privileged result is a scalar.
                set(st, dst, RegState.unknown());
                return;
            }
            RegState r;
            if (o.kind() == Opcode.Kind.NEG) {
                r = ScalarOps.alu(Opcode.ALU_NEG, is64, 0, d, d);
            } else if (d.isConst()) {
                r = RegState.constant(ScalarOps.end(o.regSource(), is64, in.imm(), d.constValue()));
            } else if (!o.regSource() && !is64) {
                r = in.imm() == 64 ? d.copy()
                        : ScalarOps.alu(Opcode.ALU_AND, true, 0, d, RegState.constant(in.imm() == 16 ? 0xffff : 0xffffffffL));
            } else {
                r = RegState.unknown();
                if (in.imm() < 64) {
                    r.umax = (1L << in.imm()) - 1;
                    r.normalize();
                }
            }
            set(st, dst, r);
            return;
        }
        RegState s;
        if (o.regSource()) {
            s = reg(st, i, in.src());
        } else {
            s = RegState.constant(in.imm());
            if ((opc == Opcode.ALU_DIV || opc == Opcode.ALU_MOD) && in.imm() == 0) {
                throw malformed(i, "div by zero");
            }
            if ((opc == Opcode.ALU_LSH || opc == Opcode.ALU_RSH || opc == Opcode.ALU_ARSH)
                    && (in.imm() < 0 || in.imm() >= (is64 ? 64 : 32))) {
                throw malformed(i, "invalid shift " + in.imm());
            }
        }
        if (opc == Opcode.ALU_MOV) {
            RegState r;
            int off = in.off();
            if (is64) {
                if (off == 0) {
                    r = s.copy();
                } else if (s.type.isPointer()) {
                    r = RegState.unknown(); // privileged: sign-extending part of a pointer gives a scalar
                } else if (s.isConst()) {
                    long v = s.constValue();
                    r = RegState.constant(off == 8 ? (byte) v : off == 16 ? (short) v : (int) v);
                } else {
                    long lim = 1L << (off - 1);
                    if (s.smin >= -lim && s.smax < lim) {
                        r = s.copy();
                    } else {
                        r = RegState.unknown();
                        r.smin = -lim;
                        r.smax = lim - 1;
                        r.normalize();
                    }
                }
            } else if (s.type.isPointer()) {
                r = RegState.unknown32(); // privileged: partial copy of a pointer is a scalar
            } else if (off == 0) {
                r = ScalarOps.trunc32(s);
            } else if (s.isConst()) {
                long v = s.constValue();
                r = RegState.constant((off == 8 ? (byte) v : (short) v) & 0xffffffffL);
            } else {
                r = RegState.unknown32();
            }
            set(st, dst, r);
            return;
        }
        RegState d = reg(st, i, dst);
        String opStr = OP_STR[opc >> 4];
        if (d.type.isPointer() || s.type.isPointer()) {
            if (d.type.isPointer() && s.type.isPointer()) {
                if (opc == Opcode.ALU_SUB) { // adjust_reg_min_max_vals: allow_ptr_leaks makes ptr - ptr a scalar
                    set(st, dst, RegState.unknown());
                    return;
                }
                throw refuse(i, "R" + dst + " pointer " + opStr + " pointer prohibited");
            }
            if (!is64) {
                if (opc == Opcode.ALU_SUB) { // adjust_ptr_min_max_vals: a privileged 32-bit sub gives a scalar
                    set(st, dst, RegState.unknown());
                    return;
                }
                throw refuse(i, "R" + dst + " 32-bit pointer arithmetic prohibited");
            }
            RegState ptr = d.type.isPointer() ? d : s;
            RegState off = d.type.isPointer() ? s : d;
            if (ptr.type.maybeNull()) {
                throw refuse(i, "R" + dst + " pointer arithmetic on " + ptr.type.linuxName
                        + " prohibited, null-check it first");
            }
            if (ptr.type == RegType.CONST_PTR_TO_MAP || ptr.type == RegType.PTR_TO_PACKET_END) {
                throw refuse(i, "R" + dst + " pointer arithmetic on " + ptr.type.linuxName + " prohibited");
            }
            checkSaneOffset(i, off, ptr.type);
            checkSaneOffset(i, ptr, ptr.type);
            if (opc == Opcode.ALU_SUB && ptr == s) {
                throw refuse(i, "R" + dst + " tried to subtract pointer from scalar");
            }
            if (opc == Opcode.ALU_SUB && ptr.type == RegType.PTR_TO_STACK) {
                // Linux: JITs might not deal with it (test_verifier's "invalid fp arithmetic").
                throw refuse(i, "R" + dst + " subtraction from stack pointer prohibited");
            }
            if (opc == Opcode.ALU_AND || opc == Opcode.ALU_OR || opc == Opcode.ALU_XOR) {
                throw refuse(i, "R" + dst + " bitwise operator " + opStr + " on pointer prohibited");
            }
            if (opc != Opcode.ALU_ADD && opc != Opcode.ALU_SUB) {
                throw refuse(i, "R" + dst + " pointer arithmetic with " + opStr + " operator prohibited");
            }
            RegState r = ptr.copy();
            if (off.isConst()) {
                long c = opc == Opcode.ALU_ADD ? off.constValue() : -off.constValue();
                long no = r.off + c;
                if (Math.abs(no) >= MAX_VAR_OFF) {
                    throw malformed(i, ptr.type.linuxName + " pointer offset " + no + " is not allowed");
                }
                r.off = (int) no;
            } else {
                RegState varPart = RegState.unknown();
                varPart.var = ptr.var;
                varPart.smin = ptr.smin;
                varPart.smax = ptr.smax;
                varPart.umin = ptr.umin;
                varPart.umax = ptr.umax;
                RegState nv = ScalarOps.alu(opc, true, 0, varPart, off);
                r.var = nv.var;
                r.smin = nv.smin;
                r.smax = nv.smax;
                r.umin = nv.umin;
                r.umax = nv.umax;
                if (PacketPointers.isPacket(r.type)) {
                    r.id = ++idGen; // a new variable offset: its range must be proven again
                    r.range = 0;
                }
                checkSaneOffset(i, r, ptr.type);
            }
            set(st, dst, r);
            return;
        }
        set(st, dst, ScalarOps.alu(opc, is64, in.off(), d, s));
    }

    /** BPF_MAX_VAR_OFF: the largest pointer offset, fixed or variable, pointer arithmetic may make. */
    private static final long MAX_VAR_OFF = 1L << 29;

    /** Linux's check_reg_sane_offset, for the scalar and the pointer of pointer arithmetic and its result (EINVAL). */
    private void checkSaneOffset(int i, RegState r, RegType ptrType) {
        String t = ptrType.linuxName;
        long val = r.var.value();
        if (r.isConst() && (val >= MAX_VAR_OFF || val <= -MAX_VAR_OFF)) {
            throw malformed(i, "math between " + t + " pointer and " + val + " is not allowed");
        }
        if (r.off >= MAX_VAR_OFF || r.off <= -MAX_VAR_OFF) {
            throw malformed(i, t + " pointer offset " + r.off + " is not allowed");
        }
        if (r.smin == Long.MIN_VALUE) {
            throw malformed(i, "math between " + t + " pointer and register with unbounded min value is not allowed");
        }
        if (r.smin >= MAX_VAR_OFF || r.smin <= -MAX_VAR_OFF) {
            throw malformed(i, "value " + r.smin + " makes " + t + " pointer be out of bounds");
        }
    }

    // ---- memory (cf. check_mem_access, check_stack_read/write, check_map_access, check_ctx_access)

    /**
     * Checks a load or store of {@code size} bytes at {@code base + off}; for a store {@code value}
     * is what is stored. Returns the loaded value for a load.
     */
    private RegState access(VerifierState st, int i, int regno, RegState base, int off, int size, boolean write,
            RegState value, boolean signExt) {
        if (base.type != RegType.PTR_TO_CTX) {
            markPlainAccess(i);
        }
        switch (base.type) {
            case PTR_TO_STACK -> {
                if (!base.isConst()) { // a range of offsets, as Linux allows privileged programs
                    return VarOffsetStack.access(this, st, i, regno, base, off, size, write, value, signExt);
                }
                int o = base.off + (int) base.constValue() + off;
                if (o % size != 0) {
                    // check_generic_ptr_alignment's words: var_off + fixed offset + instruction offset.
                    throw refuse(i, "misaligned stack access off " + base.constValue() + "+" + base.off + "+" + off
                            + " size " + size);
                }
                if (o < -STACK || o + size > 0) {
                    throw refuse(i, "invalid " + (write ? "write to" : "read from") + " stack R" + regno + " off="
                            + o + " size=" + size);
                }
                VerifierState.Frame f = st.frames.get(base.frameNo);
                stackDepth.touch(f.entry, o);
                if (write) {
                    stackWrite(st, i, f, o, size, value);
                    return null;
                }
                return stackRead(i, f, regno, o, size, signExt);
            }
            case PTR_TO_CTX -> {
                // __check_ptr_off_reg: a negative or modified fixed offset, then a variable one.
                if (base.off < 0) {
                    throw refuse(i, "negative offset ctx ptr R" + regno + " off=" + base.off + " disallowed");
                }
                if (base.off != 0) {
                    throw refuse(i, "dereference of modified ctx ptr R" + regno + " off=" + base.off + " disallowed");
                }
                if (!base.isConst() || base.constValue() != 0) {
                    throw refuse(i, "variable ctx access var_off=" + base.var + " disallowed");
                }
                long o = (long) base.off + off;
                ContextField fld = type.context().fieldFor(o, size);
                if (fld == null || !fld.allows(o, size, write) || (signExt && fld.access().isPacketPointer())) {
                    throw refuse(i, "invalid bpf_context access off=" + o + " size=" + size);
                }
                if (write && value.type.isPointer()) {
                    throw refuse(i, "R" + srcOf(i) + " leaks addr into ctx");
                }
                maxCtxOffset = (int) Math.max(maxCtxOffset, o + size); // check_ctx_access: aux->max_ctx_offset
                if (fld.access().isPacketPointer()) {
                    if (base.off != 0) {
                        throw refuse(i, "dereference of modified ctx ptr R" + regno + " off=" + base.off + " disallowed");
                    }
                    if (plainAccess[i] || (packetFieldLoads[i] != null && packetFieldLoads[i] != fld)) {
                        throw refuse(i, "same insn cannot be used with different pointers");
                    }
                    packetFieldLoads[i] = fld; // rewritten to an 8-byte load of the pointer after verification
                    return PacketPointers.fromContext(fld.access());
                }
                markPlainAccess(i);
                return write ? null : loaded(size, signExt);
            }
            case PTR_TO_MAP_VALUE, PTR_TO_MEM -> {
                if (base.type == RegType.PTR_TO_MAP_VALUE) {
                    checkMapAccessType(i, base, off, size, write);
                }
                checkRegion(i, regno, base, off, size);
                if (write && value.type.isPointer()) {
                    throw refuse(i, "R" + srcOf(i) + " leaks addr into "
                            + (base.type == RegType.PTR_TO_MEM ? "mem" : "map"));
                }
                if (!write && base.type == RegType.PTR_TO_MAP_VALUE && base.isConst() && base.map.readOnly()
                        && base.map instanceof ArrayMap am && am.maxEntries() == 1) {
                    return directRead(am, (int) (base.off + base.constValue() + off), size, signExt);
                }
                return write ? null : loaded(size, signExt);
            }
            case PTR_TO_PACKET, PTR_TO_PACKET_META -> {
                String bad = PacketPointers.checkAccess(regno, base, off, size);
                if (bad != null) {
                    throw refuse(i, bad);
                }
                if (write && !PacketProgramTypes.packetWritable(type)) {
                    throw refuse(i, "cannot write into packet");
                }
                if (write && value.type.isPointer()) {
                    throw refuse(i, "R" + srcOf(i) + " leaks addr into packet");
                }
                return write ? null : loaded(size, signExt);
            }
            default -> throw refuse(i, "R" + regno + " invalid mem access '" + base.type.linuxName + "'");
        }
    }

    /**
     * Check_map_access_type: programs may not write a BPF_F_RDONLY_PROG map nor read a
     * BPF_F_WRONLY_PROG one.
     */
    private void checkMapAccessType(int i, RegState base, int off, int size, boolean write) {
        int flags = base.map.flags();
        if (write && (flags & BpfFlags.BPF_F_RDONLY_PROG) != 0) {
            throw refuse(i, "write into map forbidden, value_size=" + base.map.valueSize() + " off=" + (base.off + off)
                    + " size=" + size);
        }
        if (!write && (flags & BpfFlags.BPF_F_WRONLY_PROG) != 0) {
            throw refuse(i, "read from map forbidden, value_size=" + base.map.valueSize() + " off=" + (base.off + off)
                    + " size=" + size);
        }
    }

    /**
     * Bpf_map_direct_read: a load at a constant offset of a read-only map's value (a frozen
     * .rodata) is that constant, so branches on `const volatile` globals are pruned as dead code.
     */
    private static RegState directRead(ArrayMap map, int off, int size, boolean signExt) {
        byte[] v = map.valueAt(0);
        long x = 0;
        for (int b = size - 1; b >= 0; b--) {
            x = x << 8 | (v[off + b] & 0xff);
        }
        if (signExt) {
            x = size == 1 ? (byte) x : size == 2 ? (short) x : size == 4 ? (int) x : x;
        }
        return RegState.constant(x);
    }

    /** An access that is not a packet-pointer field load: the instruction must never be one (it is not rewritten). */
    private void markPlainAccess(int i) {
        if (packetFieldLoads[i] != null) {
            throw refuse(i, "same insn cannot be used with different pointers");
        }
        plainAccess[i] = true;
    }

    private int srcOf(int i) {
        return insn(i).src();
    }

    /** Bounds of a map value or ringbuf memory access (cf. check_mem_region_access). */
    private void checkRegion(int i, int regno, RegState base, long off, long size) {
        int limit = base.type == RegType.PTR_TO_MAP_VALUE ? base.map.valueSize() : base.memSize;
        String what = base.type == RegType.PTR_TO_MAP_VALUE ? "map value, value_size=" : "memory, mem_size=";
        if (base.smin < 0) {
            throw refuse(i, "R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
        }
        if (Long.compareUnsigned(base.umax, 1L << 29) >= 0) {
            throw refuse(i, "R" + regno + " unbounded memory access, make sure to bounds check any such access");
        }
        // check_mem_region_access: __check_mem_access's line for the lowest, then the highest offset, and which.
        long lo = base.off + base.smin + off;
        long hi = base.off + base.umax + off;
        for (long at : new long[] {lo, hi}) {
            if (at < 0 || at + size > limit) {
                throw refuse(i, "invalid access to " + what + limit + " off=" + at + " size=" + size + "\nR" + regno
                        + " " + (at == lo ? "min" : "max") + " value is outside of the allowed memory range");
            }
        }
    }

    private static RegState loaded(int size, boolean signExt) {
        RegState r = RegState.unknown();
        if (size < 8) {
            if (signExt) {
                r.smin = -(1L << (size * 8 - 1));
                r.smax = (1L << (size * 8 - 1)) - 1;
            } else {
                r.umax = (1L << (size * 8)) - 1;
            }
            r.normalize();
        }
        return r;
    }

    private void stackWrite(VerifierState st, int i, VerifierState.Frame f, int o, int size, RegState value) {
        int idx = STACK + o;
        int slot = idx / 8;
        if (value.type == RegType.PTR_TO_STACK && value.frameNo > f.frameNo) {
            throw malformed(i, "cannot spill pointers to stack into stack frame of the caller");
        }
        if (size == 8) {
            f.spill[slot] = value.copy();
            Arrays.fill(f.stype, idx, idx + 8, SPILL);
            return;
        }
        if (value.type.isPointer()) {
            throw refuse(i, "invalid size of register spill");
        }
        destroySpill(f, slot);
        byte t = value.isConst() && value.constValue() == 0 ? ZERO : MISC;
        Arrays.fill(f.stype, idx, idx + size, t);
    }

    private static void destroySpill(VerifierState.Frame f, int slot) {
        if (f.stype[slot * 8] == SPILL) {
            RegState sp = f.spill[slot];
            byte t = sp.isScalar() && sp.isConst() && sp.constValue() == 0 ? ZERO : MISC;
            Arrays.fill(f.stype, slot * 8, slot * 8 + 8, t);
            f.spill[slot] = null;
        }
    }

    private RegState stackRead(int i, VerifierState.Frame f, int regno, int o, int size, boolean signExt) {
        int idx = STACK + o;
        int slot = idx / 8;
        if (f.stype[idx] == SPILL) {
            RegState sp = f.spill[slot];
            if (size == 8) {
                return sp.copy();
            }
            if (sp.isScalar() && sp.isConst() && !signExt) {
                long v = sp.constValue() >>> ((idx % 8) * 8);
                return RegState.constant(size == 4 ? v & 0xffffffffL : size == 2 ? v & 0xffff : v & 0xff);
            }
            return loaded(size, signExt); // privileged: a partial fill of a pointer is a scalar
        }
        boolean zero = true;
        for (int k = idx; k < idx + size; k++) {
            if (f.stype[k] == INVALID) {
                throw refuse(i, "invalid read from stack R" + regno + " off=" + o + " size=" + size);
            }
            zero &= f.stype[k] == ZERO;
        }
        return zero ? RegState.constant(0) : loaded(size, signExt);
    }

    private void atomic(VerifierState st, int i, Opcode o, Instruction in) {
        int size = o.size();
        RegState val = reg(st, i, in.src());
        RegState base = reg(st, i, in.dst());
        if (in.imm() == Opcode.ATOMIC_CMPXCHG) {
            reg(st, i, 0);
        }
        // Privileged Linux lets a pointer be the operand (is_pointer_value is false); emu keeps it off maps and memory.
        if (val.type.isPointer() && base.type != RegType.PTR_TO_STACK) {
            throw refuse(i, "R" + in.src() + " leaks addr into mem");
        }
        if (base.type == RegType.PTR_TO_CTX) {
            throw refuse(i, "BPF_ATOMIC stores into R" + in.dst() + " ctx is not allowed");
        }
        if (base.type == RegType.PTR_TO_MAP_VALUE || base.type == RegType.PTR_TO_MEM) {
            long known = base.off + base.var.value() + in.off();
            if ((known & (size - 1)) != 0 || (base.var.mask() & (size - 1)) != 0) {
                throw refuse(i, "misaligned " + (base.type == RegType.PTR_TO_MAP_VALUE ? "value " : "") + "access off "
                        + (base.isConst() ? Long.toString(base.constValue()) : base.var.toString()) + "+" + base.off + "+"
                        + in.off() + " size " + size);
            }
        }
        access(st, i, in.dst(), base, in.off(), size, false, null, false);
        access(st, i, in.dst(), base, in.off(), size, true, RegState.unknown(), false);
        RegState old = size == 8 ? RegState.unknown() : RegState.unknown32();
        if (in.imm() == Opcode.ATOMIC_CMPXCHG) {
            set(st, 0, old);
        } else if ((in.imm() & Opcode.ATOMIC_FETCH) != 0) {
            if (in.src() == 10) {
                throw refuse(i, "frame pointer is read only");
            }
            set(st, in.src(), old);
        }
    }

    // ---- jumps (cf. check_cond_jmp_op, is_branch_taken, reg_set_min_max, mark_ptr_or_null_regs)

    private enum Rel { EQ, NE, UGT, UGE, ULT, ULE, SGT, SGE, SLT, SLE, SET, NSET }

    private static Rel relOf(int op, boolean taken) {
        return switch (op) {
            case Opcode.JMP_JEQ -> taken ? Rel.EQ : Rel.NE;
            case Opcode.JMP_JNE -> taken ? Rel.NE : Rel.EQ;
            case Opcode.JMP_JGT -> taken ? Rel.UGT : Rel.ULE;
            case Opcode.JMP_JGE -> taken ? Rel.UGE : Rel.ULT;
            case Opcode.JMP_JLT -> taken ? Rel.ULT : Rel.UGE;
            case Opcode.JMP_JLE -> taken ? Rel.ULE : Rel.UGT;
            case Opcode.JMP_JSGT -> taken ? Rel.SGT : Rel.SLE;
            case Opcode.JMP_JSGE -> taken ? Rel.SGE : Rel.SLT;
            case Opcode.JMP_JSLT -> taken ? Rel.SLT : Rel.SGE;
            case Opcode.JMP_JSLE -> taken ? Rel.SLE : Rel.SGT;
            case Opcode.JMP_JSET -> taken ? Rel.SET : Rel.NSET;
            default -> throw new IllegalArgumentException("jump op " + op);
        };
    }

    private static boolean signedRel(int op) {
        return op == Opcode.JMP_JSGT || op == Opcode.JMP_JSGE || op == Opcode.JMP_JSLT || op == Opcode.JMP_JSLE;
    }

    /** 1 if {@code a rel b} always holds, 0 if never, -1 if it depends. */
    private static int holds(RegState a, RegState b, Rel rel) {
        switch (rel) {
            case EQ -> {
                if (a.isConst() && b.isConst()) {
                    return a.constValue() == b.constValue() ? 1 : 0;
                }
                if (Long.compareUnsigned(a.umin, b.umax) > 0 || Long.compareUnsigned(a.umax, b.umin) < 0
                        || a.smin > b.smax || a.smax < b.smin
                        || ((a.var.value() ^ b.var.value()) & ~(a.var.mask() | b.var.mask())) != 0) {
                    return 0;
                }
                return -1;
            }
            case NE -> {
                int r = holds(a, b, Rel.EQ);
                return r < 0 ? r : 1 - r;
            }
            case UGT -> {
                return Long.compareUnsigned(a.umin, b.umax) > 0 ? 1 : Long.compareUnsigned(a.umax, b.umin) <= 0 ? 0 : -1;
            }
            case UGE -> {
                return Long.compareUnsigned(a.umin, b.umax) >= 0 ? 1 : Long.compareUnsigned(a.umax, b.umin) < 0 ? 0 : -1;
            }
            case SGT -> {
                return a.smin > b.smax ? 1 : a.smax <= b.smin ? 0 : -1;
            }
            case SGE -> {
                return a.smin >= b.smax ? 1 : a.smax < b.smin ? 0 : -1;
            }
            case ULT -> {
                return holds(b, a, Rel.UGT);
            }
            case ULE -> {
                return holds(b, a, Rel.UGE);
            }
            case SLT -> {
                return holds(b, a, Rel.SGT);
            }
            case SLE -> {
                return holds(b, a, Rel.SGE);
            }
            case SET -> {
                if ((a.var.value() & b.var.value()) != 0) {
                    return 1;
                }
                return ((a.var.value() | a.var.mask()) & (b.var.value() | b.var.mask())) == 0 ? 0 : -1;
            }
            case NSET -> {
                int r = holds(a, b, Rel.SET);
                return r < 0 ? r : 1 - r;
            }
        }
        return -1;
    }

    /** Narrows {@code a} and {@code b} to the values for which {@code a rel b}; false if none. */
    private static boolean refine(RegState a, RegState b, Rel rel) {
        switch (rel) {
            case EQ -> {
                long smin = Math.max(a.smin, b.smin), smax = Math.min(a.smax, b.smax);
                long umin = RegState.umax(a.umin, b.umin), umax = RegState.umin(a.umax, b.umax);
                Tnum t = a.var.intersect(b.var);
                for (RegState r : new RegState[] {a, b}) {
                    r.smin = smin;
                    r.smax = smax;
                    r.umin = umin;
                    r.umax = umax;
                    r.var = t;
                }
            }
            case NE -> {
                ne(a, b);
                ne(b, a);
            }
            case UGT -> {
                if (b.umin == -1L || a.umax == 0) {
                    return false;
                }
                a.umin = RegState.umax(a.umin, b.umin + 1);
                b.umax = RegState.umin(b.umax, a.umax - 1);
            }
            case UGE -> {
                a.umin = RegState.umax(a.umin, b.umin);
                b.umax = RegState.umin(b.umax, a.umax);
            }
            case SGT -> {
                if (b.smin == Long.MAX_VALUE || a.smax == Long.MIN_VALUE) {
                    return false;
                }
                a.smin = Math.max(a.smin, b.smin + 1);
                b.smax = Math.min(b.smax, a.smax - 1);
            }
            case SGE -> {
                a.smin = Math.max(a.smin, b.smin);
                b.smax = Math.min(b.smax, a.smax);
            }
            case ULT -> {
                return refine(b, a, Rel.UGT);
            }
            case ULE -> {
                return refine(b, a, Rel.UGE);
            }
            case SLT -> {
                return refine(b, a, Rel.SGT);
            }
            case SLE -> {
                return refine(b, a, Rel.SGE);
            }
            case SET -> {
                if (b.isConst() && Long.bitCount(b.constValue()) == 1) {
                    long bit = b.constValue();
                    a.var = new Tnum(a.var.value() | bit, a.var.mask() & ~bit);
                }
            }
            case NSET -> {
                if (b.isConst()) {
                    long m = ~b.constValue();
                    a.var = new Tnum(a.var.value() & m, a.var.mask() & m);
                }
            }
        }
        if (a.isEmpty() || b.isEmpty()) {
            return false;
        }
        a.normalize();
        b.normalize();
        return !a.isEmpty() && !b.isEmpty();
    }

    private static void ne(RegState a, RegState b) {
        if (!b.isConst()) {
            return;
        }
        long v = b.constValue();
        if (a.umin == v && a.umin != -1L) {
            a.umin++;
        }
        if (a.umax == v && a.umax != 0) {
            a.umax--;
        }
        if (a.smin == v && a.smin != Long.MAX_VALUE) {
            a.smin++;
        }
        if (a.smax == v && a.smax != Long.MIN_VALUE) {
            a.smax--;
        }
        if (a.isConst() && a.constValue() == v) {
            a.umin = 1;
            a.umax = 0; // empty
        }
    }

    private int condJump(VerifierState st, int i, Opcode o, Instruction in) {
        int target = i + in.off() + 1;
        RegState a = reg(st, i, in.dst());
        boolean is32 = o.insnClass() == Opcode.CLS_JMP32;
        RegState b = o.regSource() ? reg(st, i, in.src()) : RegState.constant(is32 ? in.imm() & 0xffffffffL : in.imm());
        int op = o.op();
        if (a.type.isPointer() || b.type.isPointer()) {
            return pointerJump(st, i, in, a, b, op, target);
        }
        boolean signed = signedRel(op);
        RegState av = a, bv = b;
        if (is32) {
            av = signed ? ScalarOps.sext32(a) : ScalarOps.trunc32(a);
            bv = o.regSource() ? (signed ? ScalarOps.sext32(b) : ScalarOps.trunc32(b))
                    : RegState.constant(signed ? (long) in.imm() : in.imm() & 0xffffffffL);
        }
        int t = holds(av, bv, relOf(op, true));
        if (t == 1) {
            return target;
        }
        if (t == 0) {
            return i + 1;
        }
        // Both ways: refine a copy of each operand per branch; write back only exact 64-bit views.
        boolean aExact = !is32 || sameBounds(av, a);
        boolean bExact = o.regSource() && (!is32 || sameBounds(bv, b));
        VerifierState other = st.copy();
        boolean takenLive = refineInto(other, in, av, bv, relOf(op, true), aExact, bExact);
        boolean fallLive = refineInto(st, in, av, bv, relOf(op, false), aExact, bExact);
        if (takenLive && fallLive) {
            push(other, i, target);
            return i + 1;
        }
        if (takenLive) {
            st.frames.clear();
            st.frames.addAll(other.frames);
            return target;
        }
        if (fallLive) {
            return i + 1;
        }
        return target; // both dead cannot happen for a consistent state; keep exploring soundly
    }

    private static boolean sameBounds(RegState view, RegState r) {
        return view.smin == r.smin && view.smax == r.smax && view.umin == r.umin && view.umax == r.umax
                && view.var.equals(r.var);
    }

    private boolean refineInto(VerifierState s, Instruction in, RegState av, RegState bv, Rel rel, boolean aExact,
            boolean bExact) {
        RegState a = av.copy(), b = bv.copy();
        if (!refine(a, b, rel)) {
            return false;
        }
        VerifierState.Frame f = s.cur();
        if (aExact) {
            f.regs[in.dst()] = a;
        } else if (Jmp32Refinement.carryLow32(f.regs[in.dst()], a) instanceof RegState r) { // JMP32, upper half unknown
            f.regs[in.dst()] = r;
        }
        if (bExact) {
            f.regs[in.src()] = b;
        } else if (Opcode.of(in.opcode()).regSource()
                && Jmp32Refinement.carryLow32(f.regs[in.src()], b) instanceof RegState r) {
            f.regs[in.src()] = r;
        }
        return true;
    }

    private int pointerJump(VerifierState st, int i, Instruction in, RegState a, RegState b, int op, int target) {
        boolean eqne = op == Opcode.JMP_JEQ || op == Opcode.JMP_JNE;
        RegState ptr = a.type.isPointer() ? a : b;
        RegState other = a.type.isPointer() ? b : a;
        boolean otherZero = other.isScalar() && other.isConst() && other.constValue() == 0;
        // check_cond_jmp_op: only a 64-bit 'jeq/jne dst, 0' (immediate) is a NULL check of dst.
        boolean nullCheck = ptr == a && op(i).insnClass() != Opcode.CLS_JMP32 && !op(i).regSource();
        if (eqne && otherZero && ptr.type.maybeNull() && nullCheck) {
            VerifierState taken = st.copy();
            int id = ptr.id; // read first: marking st's side NULL resets ptr (one of st's registers)
            // On the JEQ-taken / JNE-fallthrough side the pointer is NULL.
            markNull(op == Opcode.JMP_JEQ ? taken : st, id, true);
            markNull(op == Opcode.JMP_JEQ ? st : taken, id, false);
            push(taken, i, target);
            return i + 1;
        }
        if (eqne && otherZero && !ptr.type.maybeNull()) { // a non-null pointer is never 0
            return op == Opcode.JMP_JEQ ? i + 1 : target;
        }
        VerifierState taken = st.copy();
        if (op(i).insnClass() != Opcode.CLS_JMP32) { // try_match_pkt_pointers: 64-bit compares only
            PacketPointers.compare(st, taken, a, b, op);
        }
        push(taken, i, target);
        return i + 1;
    }

    private void markNull(VerifierState s, int id, boolean isNull) {
        int ref = 0;
        for (RegState r : s.allRegs()) {
            if (r.id == id && r.type.maybeNull()) {
                ref = r.refObjId;
                if (isNull) {
                    r.setUnknown();
                    r.setConst(0);
                } else if (r.map instanceof dev.emu.bpf.map.MapOfMaps outer) {
                    r.type = RegType.CONST_PTR_TO_MAP; // the inner map, typed as the template
                    r.map = outer.template();
                    r.id = 0;
                } else {
                    r.type = r.type == RegType.PTR_TO_MAP_VALUE_OR_NULL ? RegType.PTR_TO_MAP_VALUE : RegType.PTR_TO_MEM;
                    r.id = 0;
                }
            }
        }
        if (isNull && ref != 0) {
            final int dead = ref;
            s.refs.removeIf(x -> x.id() == dead); // nothing was reserved on this path
        }
    }

    // ---- calls and exit (cf. check_func_call, check_helper_call, prepare_func_exit)

    private int localCall(VerifierState st, int i, Instruction in) {
        if (st.frames.size() >= MAX_FRAMES) {
            throw new Refusal(i, "the call stack of " + (st.frames.size() + 1) + " frames is too deep", Errno.E2BIG);
        }
        VerifierState.Frame caller = st.cur();
        VerifierState.Frame callee = new VerifierState.Frame(st.frames.size(), i);
        callee.entry = i + in.imm() + 1;
        for (int r = 0; r < 11; r++) {
            callee.regs[r] = r >= 1 && r <= 5 ? caller.regs[r].copy() : RegState.notInit();
        }
        RegState fp = RegState.pointer(RegType.PTR_TO_STACK);
        fp.frameNo = callee.frameNo;
        callee.regs[10] = fp;
        st.frames.add(callee);
        return i + in.imm() + 1;
    }

    private int exit(VerifierState st, int i) {
        VerifierState.Frame f = st.cur();
        RegState r0 = f.regs[0];
        if (r0.type == RegType.NOT_INIT) {
            throw refuse(i, "R0 !read_ok");
        }
        if (f.callback) {
            // A callback returns 0 (go on) or 1 (stop): check_return_code's callback range.
            if (!r0.isScalar()) {
                throw refuse(i, "R0 not a scalar value");
            }
            if (r0.smin < 0 || r0.smax > 1) { // retval_range_within, then verbose_invalid_scalar's words (EINVAL)
                String has = (r0.smin > Long.MIN_VALUE ? " smin=" + r0.smin : "")
                        + (r0.smax < Long.MAX_VALUE ? " smax=" + r0.smax : "");
                throw malformed(i, "At callback return the register R0 has"
                        + (has.isEmpty() ? " unknown scalar value" : has) + " should have been in [0, 1]");
            }
            st.frames.remove(st.frames.size() - 1);
            VerifierState.Frame caller = st.cur();
            caller.regs[0] = RegState.unknown(); // the helper's result
            for (int r = 1; r <= 5; r++) {
                caller.regs[r] = RegState.notInit();
            }
            st.written = 1;
            return f.callsite + 1;
        }
        if (st.frames.size() > 1) {
            if (r0.type == RegType.PTR_TO_STACK && r0.frameNo == f.frameNo) {
                throw malformed(i, "cannot return stack pointer to the caller");
            }
            st.frames.remove(st.frames.size() - 1);
            VerifierState.Frame caller = st.cur();
            caller.regs[0] = r0.copy();
            for (int r = 1; r <= 5; r++) {
                caller.regs[r] = RegState.notInit();
            }
            st.written = 1;
            return f.callsite + 1;
        }
        if (r0.type.isPointer()) {
            throw refuse(i, "R0 leaks addr as return value");
        }
        if (!st.refs.isEmpty()) {
            VerifierState.Ref ref = st.refs.get(0);
            // check_reference_leak's line, then check_resource_leak's (EINVAL), as Linux 6.18 logs them.
            throw malformed(i, "Unreleased reference id=" + ref.id() + " alloc_insn=" + ref.insn()
                    + "\nBPF_EXIT instruction in main prog would lead to reference leak");
        }
        return DONE;
    }

    private static String expected(ArgType t) {
        return switch (t) {
            case CONST_MAP_PTR -> "map_ptr";
            case PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, PTR_TO_UNINIT_MAP_VALUE -> "fp, map_value";
            case PTR_TO_MEM, PTR_TO_UNINIT_MEM, PTR_TO_MEM_OR_NULL, PTR_TO_UNINIT_MEM_OR_NULL ->
                    "fp, pkt, pkt_meta, map_value, ringbuf_mem";
            case PTR_TO_ALLOC_MEM -> "ringbuf_mem";
            default -> "scalar";
        };
    }

    /** Checks a helper call (check_helper_call); the next instruction: i + 1, or a callback's entry. */
    private int helperCall(VerifierState st, int i, int id) {
        Helper h = Helpers.isInternal(id) ? null : Helpers.byId(id);
        if (h == null) {
            throw malformed(i, "invalid func unknown#" + id);
        }
        if (!type.allowedHelpers().contains(id)) {
            // Linux's words (check_helper_call), which libbpf's helper probe reads.
            throw malformed(i, "program of this type cannot use helper bpf_" + h.name() + "#" + id);
        }
        VerifierState.Frame f = st.cur();
        BpfMap map = null;
        int memRegno = -1;
        boolean memUninit = false;
        int release = 0;
        long allocSize = -1;
        int callbackEntry = -1;
        RegState callbackCtx = null;
        boolean nullMem = false;
        long constKey = -1;
        List<ArgType> args = h.args();
        for (int k = 0; k < args.size(); k++) {
            int regno = k + 1;
            RegState r = reg(st, i, regno);
            ArgType t = args.get(k);
            switch (t) {
                case ANYTHING -> { }
                case PTR_TO_CTX -> {
                    if (r.type != RegType.PTR_TO_CTX) {
                        throw refuse(i, "R" + regno + " type=" + r.type.linuxName + " expected=ctx");
                    }
                    if (r.off < 0) { // check_ptr_off_reg, as for a load through the context
                        throw refuse(i, "negative offset ctx ptr R" + regno + " off=" + r.off + " disallowed");
                    }
                    if (r.off != 0) {
                        throw refuse(i, "dereference of modified ctx ptr R" + regno + " off=" + r.off + " disallowed");
                    }
                    if (!r.isConst() || r.constValue() != 0) {
                        throw refuse(i, "variable ctx access var_off=" + r.var + " disallowed");
                    }
                }
                case CONST_MAP_PTR -> {
                    if (r.type != RegType.CONST_PTR_TO_MAP) {
                        throw refuse(i, "R" + regno + " type=" + r.type.linuxName + " expected=map_ptr");
                    }
                    map = r.map;
                }
                case PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, PTR_TO_UNINIT_MAP_VALUE -> {
                    if (map == null) {
                        throw refuse(i, "R" + regno + " map argument missing");
                    }
                    int size = t == ArgType.PTR_TO_MAP_KEY ? map.keySize() : map.valueSize();
                    if (size == 0) {
                        throw refuse(i, "invalid zero-sized read"); // e.g. a key for a queue, which has none
                    }
                    helperMem(st, i, regno, r, t, size, t == ArgType.PTR_TO_UNINIT_MAP_VALUE);
                    if (t == ArgType.PTR_TO_MAP_KEY) {
                        constKey = ConstMapKey.of(st, map, r);
                    }
                }
                case PTR_TO_MEM, PTR_TO_UNINIT_MEM -> {
                    if (!(r.type == RegType.PTR_TO_STACK || r.type == RegType.PTR_TO_MAP_VALUE
                            || r.type == RegType.PTR_TO_MEM || PacketPointers.isPacket(r.type))) {
                        throw refuse(i, "R" + regno + " type=" + r.type.linuxName + " expected=" + expected(t));
                    }
                    memRegno = regno;
                    memUninit = t == ArgType.PTR_TO_UNINIT_MEM;
                }
                case PTR_TO_MEM_OR_NULL, PTR_TO_UNINIT_MEM_OR_NULL -> {
                    if (r.isScalar() && r.isConst() && r.constValue() == 0) {
                        nullMem = true; // NULL: the size that follows must be 0
                        memRegno = -1;
                    } else if (!(r.type == RegType.PTR_TO_STACK || r.type == RegType.PTR_TO_MAP_VALUE
                            || r.type == RegType.PTR_TO_MEM)) {
                        throw refuse(i, "R" + regno + " type=" + r.type.linuxName + " expected=" + expected(t));
                    } else {
                        memRegno = regno;
                        memUninit = t == ArgType.PTR_TO_UNINIT_MEM_OR_NULL;
                    }
                }
                case CONST_STR -> constString(i, regno, r);
                case CONST_SIZE, CONST_SIZE_OR_ZERO -> {
                    if (!r.isScalar()) {
                        throw refuse(i, "R" + regno + " type=" + r.type.linuxName + " expected=scalar");
                    }
                    if (nullMem && (!r.isConst() || r.constValue() != 0)) {
                        throw refuse(i, "R" + (regno - 1) + " type=scalar expected=fp, map_value, ringbuf_mem");
                    }
                    nullMem = false;
                    if (r.smin < 0) {
                        throw refuse(i, "R" + regno + " min value is negative, either use unsigned or 'var &= const'");
                    }
                    if (t == ArgType.CONST_SIZE && r.umin == 0) {
                        throw refuse(i, "R" + regno + " invalid zero-sized read: u64=[" + r.umin + "," + r.umax + "]");
                    }
                    if (Long.compareUnsigned(r.umax, 1L << 29) >= 0) {
                        throw refuse(i, "R" + regno + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
                    }
                    if (memRegno > 0 && r.umax > 0) {
                        helperMem(st, i, memRegno, f.regs[memRegno], memUninit ? ArgType.PTR_TO_UNINIT_MEM
                                : ArgType.PTR_TO_MEM, (int) r.umax, memUninit);
                    }
                }
                case PTR_TO_ALLOC_MEM -> {
                    if (r.type != RegType.PTR_TO_MEM || r.refObjId == 0) {
                        throw refuse(i, "R" + regno + " type=" + r.type.linuxName + " expected=ringbuf_mem");
                    }
                    if (r.off != 0 || !r.isConst() || r.constValue() != 0) {
                        throw malformed(i, "R" + regno + " must have zero offset when passed to release func or trusted arg to kfunc");
                    }
                    release = r.refObjId;
                }
                case CONST_ALLOC_SIZE_OR_ZERO -> {
                    if (!r.isScalar() || !r.isConst()) {
                        throw refuse(i, "R" + regno + " is not a known constant'");
                    }
                    allocSize = r.constValue();
                }
                case PTR_TO_FUNC -> {
                    if (r.type != RegType.PTR_TO_FUNC) {
                        throw refuse(i, "R" + regno + " type=" + r.type.linuxName + " expected=func");
                    }
                    callbackEntry = r.off;
                }
                case PTR_TO_STACK_OR_NULL -> {
                    boolean nullConst = r.isScalar() && r.isConst() && r.constValue() == 0;
                    if (r.type != RegType.PTR_TO_STACK && !nullConst) {
                        throw refuse(i, "R" + regno + " type=" + r.type.linuxName + " expected=fp");
                    }
                    callbackCtx = r.copy();
                }
            }
        }
        if (map != null) {
            checkTracingMapCompat(i, map, h, id);
            if (!MapHelperRules.compatible(map, id)) {
                throw malformed(i, "cannot pass map_type " + map.type() + " into func bpf_" + h.name() + "#" + id);
            }
        }
        if (release != 0) {
            final int rel = release;
            if (!st.refs.removeIf(x -> x.id() == rel)) {
                throw refuse(i, "R1 reference id=" + rel + " already released");
            }
            for (RegState r : st.allRegs()) {
                if (r.refObjId == rel) {
                    r.setUnknown();
                }
            }
        }
        for (int r = 1; r <= 5; r++) {
            f.regs[r] = RegState.notInit();
        }
        if (PacketPointers.changesPacketData(id)) {
            PacketPointers.invalidate(st);
        }
        RegState r0 = switch (h.ret()) {
            case INTEGER -> id == BpfHelperId.GET_PRANDOM_U32 || id == BpfHelperId.GET_SMP_PROCESSOR_ID
                    ? RegState.unknown32() : RegState.unknown();
            case VOID -> RegState.notInit();
            case PTR_TO_MAP_VALUE_OR_NULL -> {
                if (id == BpfHelperId.MAP_LOOKUP_ELEM && constKey >= 0 && constKey < map.maxEntries()) {
                    RegState p = RegState.pointer(RegType.PTR_TO_MAP_VALUE); // an array slot that exists
                    p.map = map;
                    yield p;
                }
                RegState p = RegState.pointer(RegType.PTR_TO_MAP_VALUE_OR_NULL);
                p.map = map;
                p.id = ++idGen;
                yield p;
            }
            case PTR_TO_ALLOC_MEM_OR_NULL -> {
                if (allocSize < 0 || allocSize > Integer.MAX_VALUE) {
                    throw refuse(i, "R2 is not a known constant'");
                }
                RegState p = RegState.pointer(RegType.PTR_TO_MEM_OR_NULL);
                p.memSize = (int) allocSize;
                p.id = ++idGen;
                p.refObjId = p.id;
                st.refs.add(new VerifierState.Ref(p.id, i));
                yield p;
            }
        };
        set(st, 0, r0);
        st.written |= 0x3e;
        return callbackEntry < 0 ? i + 1 : pushCallback(st, i, id, callbackEntry, map, callbackCtx);
    }

    /**
     * The helper calls back into the program (push_callback_call): verify the callback as a
     * call made from this instruction, with the arguments the helper passes — bpf_loop:
     * (u32 index, ctx); bpf_for_each_map_elem: (map, key, value, ctx). Its exit returns here
     * with r0 the helper's result. The body is walked once from the state at the call.
     */
    private int pushCallback(VerifierState st, int i, int id, int entry, BpfMap map, RegState ctx) {
        if (st.frames.size() >= MAX_FRAMES) {
            throw new Refusal(i, "the call stack of " + (st.frames.size() + 1) + " frames is too deep", Errno.E2BIG);
        }
        VerifierState.Frame callee = new VerifierState.Frame(st.frames.size(), i, true);
        callee.entry = entry;
        for (int r = 0; r < 11; r++) {
            callee.regs[r] = RegState.notInit();
        }
        RegState context = ctx == null ? RegState.constant(0) : ctx;
        if (id == BpfHelperId.FOR_EACH_MAP_ELEM) {
            RegState m = RegState.pointer(RegType.CONST_PTR_TO_MAP);
            m.map = map;
            // The key is a copy of key_size bytes (Linux: PTR_TO_MAP_KEY).
            RegState key = RegState.pointer(RegType.PTR_TO_MEM);
            key.memSize = map.keySize();
            RegState value = RegState.pointer(RegType.PTR_TO_MAP_VALUE);
            value.map = map;
            callee.regs[1] = m;
            callee.regs[2] = key;
            callee.regs[3] = value;
            callee.regs[4] = context;
        } else {
            callee.regs[1] = RegState.unknown32(); // the u32 index
            callee.regs[2] = context;
        }
        RegState fp = RegState.pointer(RegType.PTR_TO_STACK);
        fp.frameNo = callee.frameNo;
        callee.regs[10] = fp;
        st.frames.add(callee);
        return entry;
    }

    /**
     * ARG_PTR_TO_CONST_STR (check_reg_const_str): a constant offset into a read-only map's value
     * (a frozen BPF_F_RDONLY_PROG single-element array, i.e. .rodata) where a NUL follows.
     */
    private void constString(int i, int regno, RegState r) {
        if (r.type != RegType.PTR_TO_MAP_VALUE || !r.map.readOnly()) {
            throw refuse(i, "R" + regno + " does not point to a readonly map'");
        }
        if (!r.isConst()) {
            throw refuse(i, "R" + regno + " is not a constant address'");
        }
        if (!(r.map instanceof ArrayMap am) || am.maxEntries() != 1) {
            throw refuse(i, "no direct value access support for this map type");
        }
        checkRegion(i, regno, r, 0, 1);
        byte[] v = am.valueAt(0);
        int off = r.off + (int) r.constValue();
        for (int k = off; k < v.length; k++) {
            if (v[k] == 0) {
                return;
            }
        }
        throw refuse(i, "string is not zero-terminated");
    }

    /**
     * check_map_func_compatibility for the tracing maps: a perf event array goes only to
     * perf_event_output, a stack trace map only to get_stackid, and those helpers only take them.
     */
    private void checkTracingMapCompat(int i, BpfMap map, Helper h, int id) {
        boolean perfArray = map instanceof dev.emu.bpf.map.PerfEventArray;
        boolean stackMap = map instanceof dev.emu.bpf.map.StackTraceMap;
        if ((perfArray && id != BpfHelperId.PERF_EVENT_OUTPUT) || (stackMap && id != BpfHelperId.GET_STACKID)
                || (id == BpfHelperId.PERF_EVENT_OUTPUT && !perfArray) || (id == BpfHelperId.GET_STACKID && !stackMap)) {
            throw refuse(i, "cannot pass map_type " + map.type() + " into func bpf_" + h.name() + "#" + id);
        }
    }

    /** A helper's memory argument: {@code size} bytes at {@code r} readable (or, if uninit, writable). */
    private void helperMem(VerifierState st, int i, int regno, RegState r, ArgType t, int size, boolean uninit) {
        switch (r.type) {
            case PTR_TO_STACK -> {
                if (!r.isConst()) { // check_stack_range_initialized with a variable offset
                    VarOffsetStack.helperRange(this, st, i, regno, r, size, uninit);
                    return;
                }
                int o = r.off + (int) r.constValue();
                if (o < -STACK || o >= 0 || o + size > 0) {
                    // check_stack_access_within_bounds: a start outside the frame is EACCES, an end above it EINVAL.
                    String msg = "invalid " + (uninit ? "write to" : "read from") + " stack R" + regno + " off=" + o
                            + " size=" + size;
                    throw o < -STACK || o >= 0 ? refuse(i, msg) : malformed(i, msg);
                }
                VerifierState.Frame f = st.frames.get(r.frameNo);
                stackDepth.touch(f.entry, o);
                for (int k = STACK + o; k < STACK + o + size; k++) {
                    if (uninit) {
                        destroySpill(f, k / 8);
                    } else if (f.stype[k] == INVALID) {
                        throw refuse(i, "invalid indirect read from stack R" + regno + " off " + o + "+"
                                + (k - STACK - o) + " size " + size);
                    }
                }
                if (uninit) {
                    Arrays.fill(f.stype, STACK + o, STACK + o + size, MISC);
                }
            }
            case PTR_TO_MAP_VALUE, PTR_TO_MEM -> checkRegion(i, regno, r, 0, size);
            case PTR_TO_PACKET, PTR_TO_PACKET_META -> { // check_helper_mem_access on packet memory
                if (!PacketPointers.helperMayAccessPacket(insn(i).imm())) {
                    throw refuse(i, "helper access to the packet is not allowed");
                }
                String bad = PacketPointers.checkAccess(regno, r, 0, size);
                if (bad != null) {
                    throw refuse(i, bad);
                }
                if (uninit && !PacketProgramTypes.packetWritable(type)) {
                    throw refuse(i, "cannot write into packet");
                }
            }
            default -> throw refuse(i, "R" + regno + " type=" + r.type.linuxName + " expected=" + expected(t));
        }
    }
}
