package dev.emu.bpf.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.bpf.isa.InstructionCodec;
import dev.emu.bpf.load.MapResolver;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pruning with register liveness (Linux's states_equal skipping registers that are not read):
 * paths that differ only in dead registers are explored once; a live difference is explored.
 */
class StatePruningTest {

    @Test
    void pathsDifferingOnlyInDeadRegistersArePruned() throws Exception {
        // r0 and r2 differ between the two paths into insn 12, and both are written before being read. The
        // first path runs 8 instructions and 2 jumps before the join, so Linux's heuristic stores a state there.
        VerifierResult.Accepted a = VerifierTest.accepted("""
                call 7
                jgt %r0, 5, +9
                mov %r2, 1
                mov %r2, 1
                mov %r2, 1
                mov %r2, 1
                mov %r2, 1
                mov %r2, 1
                mov %r2, 1
                mov %r2, 1
                ja +1
                mov %r2, 2
                mov %r2, 0
                mov %r0, %r2
                exit
                """);
        assertThat(a.log()).containsPattern("(?m)^12: safe$").contains("processed 16 insns");
    }

    @Test
    void noStateIsStoredBeforeTwoJumpsAndEightInstructions() throws Exception {
        // The same diamond with a short branch: no state at the join (is_state_visited's add_new_state), no prune.
        VerifierResult.Accepted a = VerifierTest.accepted("""
                call 7
                jgt %r0, 5, +2
                mov %r2, 1
                ja +1
                mov %r2, 2
                mov %r2, 0
                mov %r0, %r2
                exit
                """);
        assertThat(a.log()).doesNotContain("safe").contains("processed 11 insns");
    }

    @Test
    void aLiveRegisterThatDiffersIsExplored() throws Exception {
        VerifierResult.Accepted a = VerifierTest.accepted("""
                call 7
                jgt %r0, 5, +2
                mov %r2, 1
                ja +1
                mov %r2, 2
                mov %r0, %r2
                exit
                """);
        assertThat(a.log()).doesNotContain("safe").contains("processed 9 insns");
    }

    @Test
    void aCalleeSavedRegisterStaysLiveAcrossAHelperCall() throws Exception {
        // r6 differs and is read after the call at insn 5: no pruning there; r1-r5 die at the call.
        VerifierResult.Accepted a = VerifierTest.accepted("""
                call 7
                jgt %r0, 5, +2
                mov %r6, 1
                ja +1
                mov %r6, 2
                call 7
                mov %r0, %r6
                exit
                """);
        assertThat(a.log()).doesNotContain("safe");
    }

    /**
     * clang -O2 -target bpf of {@code for (int i = 0; i < 100; i++) { sum += seed ^ i; if (sum & 0x100)
     * sum >>= 1; }} (unrolling disabled): a bounded loop Linux accepts, explored iteration by iteration.
     */
    static final String CLANG_LOOP = "b7060000000000008500000007000000b702000000000000bf61000000000000"
            + "af010000000000000f2100000000000067010000200000007701000020000000bf12000000000000"
            + "770200000800000057020000010000007f210000000000000706000001000000bf63000000000000"
            + "67030000200000007703000020000000bf1200000000000015030100640000000500f0ff00000000"
            + "57010000ff000000bf100000000000009500000000000000";

    @Test
    void clangBoundedLoopLoads() {
        VerifierResult r = Verifier.verify(InstructionCodec.decode(HexFormat.of().parseHex(CLANG_LOOP)),
                MapResolver.NONE, ProgramTypes.SOCKET_FILTER, 1);
        assertThat(r).as("%s", r instanceof VerifierResult.Rejected j ? j.log() : "")
                .isInstanceOf(VerifierResult.Accepted.class);
        // 100 iterations of 16 instructions: the loop is walked, not assumed.
        assertThat(((VerifierResult.Accepted) r).log()).containsPattern("processed 1[0-9]{3} insns");
    }
}
