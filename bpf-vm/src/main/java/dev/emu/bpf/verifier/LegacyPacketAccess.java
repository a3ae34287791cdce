package dev.emu.bpf.verifier;

import dev.emu.bpf.helper.Helpers;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.Opcode;
import dev.emu.bpf.load.LoadedProgram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LD_ABS / LD_IND, the legacy packet loads, as Linux handles them: check_ld_abs in the verifier
 * (socket filter and sched_cls only, R6 must hold the context, R1-R5 are clobbered, R0 becomes
 * unknown), then a rewrite into a helper call (bpf_gen_ld_abs): {@code r2 = offset; r1 = r6;
 * call load; if r0 s>= 0 goto +2; w0 ^= w0; exit} — an out-of-packet load ends the program with
 * 0. The helpers are emu-internal ({@link Helpers#LOAD_PACKET_B} ...), which no program may call.
 */
final class LegacyPacketAccess {
    private LegacyPacketAccess() {}

    /** check_ld_abs. */
    static void check(Verifier v, VerifierState st, int i, Instruction in, Opcode o) {
        int t = v.programType().id();
        if (t != ProgramTypes.SOCKET_FILTER_ID && t != PacketProgramTypes.SCHED_CLS_ID) {
            throw v.malformedProgram(i, "BPF_LD_[ABS|IND] instructions not allowed for this program type");
        }
        if (v.hasSubprograms()) {
            throw v.malformedProgram(i, "BPF_LD_[ABS|IND] instructions cannot be mixed with bpf-to-bpf calls");
        }
        VerifierState.Frame f = st.cur();
        if (f.regs[6].type == RegType.NOT_INIT) {
            throw v.refusal(i, "R6 !read_ok");
        }
        if (!st.refs.isEmpty()) {
            throw v.malformedProgram(i, "BPF_LD_[ABS|IND] cannot be mixed with socket references");
        }
        if (f.regs[6].type != RegType.PTR_TO_CTX) {
            throw v.malformedProgram(i, "at the time of BPF_LD_ABS|IND R6 != pointer to skb");
        }
        if (o.kind() == Opcode.Kind.LD_IND && f.regs[in.src()].type == RegType.NOT_INIT) {
            throw v.refusal(i, "R" + in.src() + " !read_ok");
        }
        if (f.regs[6].off != 0) {
            throw v.refusal(i, "dereference of modified ctx ptr R6 off=" + f.regs[6].off + " disallowed");
        }
        for (int r = 1; r <= 5; r++) {
            f.regs[r] = RegState.notInit();
        }
        f.regs[0] = RegState.unknown();
        st.written |= 0x3f;
    }

    /** bpf_gen_ld_abs for every marked instruction, with the jumps around them moved. */
    static LoadedProgram expand(LoadedProgram p, boolean[] legacy) {
        Map<Integer, List<Instruction>> expansions = new LinkedHashMap<>();
        for (int i = 0; i < legacy.length; i++) {
            if (!legacy[i]) {
                continue;
            }
            Instruction in = p.instructions().get(i);
            Opcode o = in.info();
            List<Instruction> seq = new ArrayList<>();
            int mov64 = Opcode.CLS_ALU64 | Opcode.ALU_MOV;
            if (o.kind() == Opcode.Kind.LD_ABS) {
                seq.add(new Instruction(mov64, 2, 0, 0, in.imm()));
            } else {
                seq.add(new Instruction(mov64 | 0x08, 2, in.src(), 0, 0));
                if (in.imm() != 0) {
                    seq.add(new Instruction(Opcode.CLS_ALU64 | Opcode.ALU_ADD, 2, 0, 0, in.imm()));
                }
            }
            seq.add(new Instruction(mov64 | 0x08, 1, 6, 0, 0));
            int helper = switch (o.size()) {
                case 1 -> Helpers.LOAD_PACKET_B;
                case 2 -> Helpers.LOAD_PACKET_H;
                default -> Helpers.LOAD_PACKET_W;
            };
            seq.add(new Instruction(Opcode.CLS_JMP | Opcode.JMP_CALL, 0, 0, 0, helper));
            seq.add(new Instruction(Opcode.CLS_JMP | Opcode.JMP_JSGE, 0, 0, 2, 0));
            seq.add(new Instruction(Opcode.CLS_ALU | Opcode.ALU_XOR | 0x08, 0, 0, 0, 0));
            seq.add(new Instruction(Opcode.CLS_JMP | Opcode.JMP_EXIT, 0, 0, 0, 0));
            expansions.put(i, seq);
        }
        return expansions.isEmpty() ? p : p.withExpansions(expansions);
    }
}
