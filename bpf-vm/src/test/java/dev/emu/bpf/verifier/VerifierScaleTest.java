package dev.emu.bpf.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.load.MapResolver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linux's scale: a 1M-instruction straight-line program verifies (Linux: in under a second; the
 * time is measured by VerifierBenchmark, not here); one instruction more is E2BIG at load. A few
 * seconds, so tagged as the other slow suites are. (VerifierTest checks "BPF program is too
 * large. Processed 1000001 insn" for a loop.)
 */
@Tag("integration")
class VerifierScaleTest {
    static List<Instruction> straightLine(int n) {
        List<Instruction> p = new ArrayList<>(n);
        for (int i = 0; i < n - 1; i++) {
            p.add(new Instruction(0xb7, 0, 0, 0, i)); // mov r0, i
        }
        p.add(new Instruction(0x95, 0, 0, 0, 0));
        return p;
    }

    @Test
    void aMillionInstructionsVerify() {
        VerifierResult r = Verifier.verify(straightLine(1_000_000), MapResolver.NONE, ProgramTypes.SOCKET_FILTER, 1);
        assertThat(r).isInstanceOf(VerifierResult.Accepted.class);
        assertThat(((VerifierResult.Accepted) r).log())
                .endsWith("processed 1000000 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n");
    }

    @Test
    void oneMoreInstructionIsE2big() {
        // As Linux's bpf_prog_load: insn_cnt > BPF_COMPLEXITY_LIMIT_INSNS is E2BIG before verifying.
        VerifierResult r = Verifier.verify(straightLine(1_000_001), MapResolver.NONE, ProgramTypes.SOCKET_FILTER, 1);
        assertThat(r).isInstanceOf(VerifierResult.Rejected.class);
        assertThat(((VerifierResult.Rejected) r).errno()).isEqualTo(Errno.E2BIG);
    }
}
