package dev.emu.bpf.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A JMP32 comparison of a register whose upper half is unknown still narrows its low 32 bits
 * (Linux: the u32 bounds meet the tnum in reg_bounds_sync); checked against Linux 6.18, which
 * accepts the first program and refuses the second.
 */
class Jmp32RefinementTest {
    static final String PROGRAM = VerifierTest.LOOKUP + """
            jeq %r0, 0, +6
            ldxdw %r1, [%r0]
            jgt32 %r1, LIMIT, +4
            and %r1, 0xffff
            add %r0, %r1
            ldxb %r0, [%r0]
            exit
            mov %r0, 0
            exit
            """;

    @Test
    void lowHalfBoundFromJmp32MakesAMapValueOffsetSafe() throws Exception {
        VerifierResult.Accepted a = VerifierTest.accepted(PROGRAM.replace("LIMIT", "7"));
        // After the fall-through, r1 & 0xffff is known to be in [0, 7].
        assertThat(a.log()).doesNotContain("invalid access");
    }

    @Test
    void theBoundIsStillChecked() throws Exception {
        VerifierResult r = VerifierTest.verify(PROGRAM.replace("LIMIT", "8"));
        assertThat(r).isInstanceOf(VerifierResult.Rejected.class);
        VerifierResult.Rejected rej = (VerifierResult.Rejected) r;
        assertThat(rej.instruction()).isEqualTo(11);
        // Linux 6.18's last line too (it first prints "invalid access to map value, value_size=8 off=8 size=1").
        assertThat(rej.log()).contains("R0 max value is outside of the allowed memory range");
        assertThat(rej.errno()).isEqualTo(dev.emu.abi.Errno.EACCES);
    }
}
