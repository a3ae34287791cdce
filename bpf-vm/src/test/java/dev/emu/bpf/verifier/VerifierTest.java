package dev.emu.bpf.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.MapTypes;
import dev.emu.bpf.map.RingBuf;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Unsafe programs refused with the instruction and Linux's reason in the log; safe ones accepted.
 * Map fd 1: array (key 4, value 8, 4 entries); fd 2: hash (key 4, value 8); fd 3: ringbuf 4096.
 */
class VerifierTest {
    static final BpfMap ARRAY = MapTypes.create(BpfMapType.ARRAY, 4, 8, 4, 0).map();
    static final BpfMap HASH = MapTypes.create(BpfMapType.HASH, 4, 8, 16, 0).map();
    static final BpfMap RING = RingBuf.ofSize(4096).map();
    static final Map<Integer, BpfMap> FDS = Map.of(1, ARRAY, 2, HASH, 3, RING);
    static final ProgramType TYPE = ProgramTypes.SOCKET_FILTER;

    static VerifierResult verify(String asm) throws Exception {
        return Verifier.verify(Assembler.assemble(asm), FDS::get, TYPE, 1);
    }

    static VerifierResult.Rejected rejected(String asm, int insn, String reason) throws Exception {
        VerifierResult r = verify(asm);
        assertThat(r).as("should be rejected: %s", r).isInstanceOf(VerifierResult.Rejected.class);
        VerifierResult.Rejected rej = (VerifierResult.Rejected) r;
        assertThat(rej.reason()).contains(reason);
        assertThat(rej.instruction()).isEqualTo(insn);
        assertThat(rej.log()).contains(reason);
        if (insn >= 0) {
            assertThat(rej.log()).containsPattern("(?m)^" + insn + ": ");
        }
        return rej;
    }

    static VerifierResult.Accepted accepted(String asm) throws Exception {
        VerifierResult r = verify(asm);
        assertThat(r).as("should be accepted: %s", r instanceof VerifierResult.Rejected j ? j.log() : "")
                .isInstanceOf(VerifierResult.Accepted.class);
        VerifierResult.Accepted a = (VerifierResult.Accepted) r;
        assertThat(a.log()).contains("processed ").contains("insns (limit 1000000)");
        return a;
    }

    // ---- rejected

    @Test
    void stackOutOfBounds() throws Exception {
        rejected("""
                mov %r0, 0
                stxdw [%r10-520], %r0
                exit
                """, 1, "invalid write to stack R10 off=-520 size=8");
        rejected("""
                mov %r0, 0
                stxdw [%r10], %r0
                exit
                """, 1, "invalid write to stack R10 off=0 size=8");
    }

    @Test
    void uninitialisedStackRead() throws Exception {
        VerifierResult.Rejected r = rejected("""
                ldxdw %r0, [%r10-8]
                exit
                """, 0, "invalid read from stack R10 off=-8 size=8");
        assertThat(r.errno()).isEqualTo(Errno.EACCES);
    }

    @Test
    void uninitialisedRegister() throws Exception {
        rejected("""
                mov %r0, %r3
                exit
                """, 0, "R3 !read_ok");
        rejected("""
                exit
                """, 0, "R0 !read_ok");
    }

    /** A lookup in the array (fd 1) with the constant key 0. */
    static final String LOOKUP = """
            stw [%r10-4], 0
            mov %r2, %r10
            add %r2, -4
            lddw %r1, map_fd(1)
            call 1
            """;

    /** A hash lookup: may return NULL whatever the key (an array lookup with a constant key in range cannot). */
    static final String HASH_LOOKUP = LOOKUP.replace("map_fd(1)", "map_fd(2)");

    @Test
    void uncheckedNullablePointer() throws Exception {
        VerifierResult.Rejected r = rejected(HASH_LOOKUP + """
                ldxdw %r0, [%r0]
                exit
                """, 6, "R0 invalid mem access 'map_value_or_null'");
        assertThat(r.log()).contains("R0_w=map_value_or_null(id=1,off=0,ks=4,vs=8)");
    }

    @Test
    void mapValueOutOfBounds() throws Exception {
        rejected(LOOKUP + """
                jeq %r0, 0, +1
                ldxdw %r0, [%r0+8]
                mov %r0, 0
                exit
                """, 7, "invalid access to map value, value_size=8 off=8 size=8");
    }

    @Test
    void wrongHelperArgumentType() throws Exception {
        rejected("""
                mov %r1, 1
                mov %r2, %r10
                add %r2, -4
                stw [%r10-4], 0
                call 1
                exit
                """, 4, "R1 type=scalar expected=map_ptr");
        rejected("""
                lddw %r1, map_fd(1)
                mov %r2, 0
                call 1
                mov %r0, 0
                exit
                """, 3, "R2 type=scalar expected=fp, map_value");
    }

    static final String RESERVE = """
            lddw %r1, map_fd(3)
            mov %r2, 8
            mov %r3, 0
            call 131
            """;

    @Test
    void ringbufLeaked() throws Exception {
        rejected(RESERVE + """
                jeq %r0, 0, +1
                stdw [%r0], 7
                mov %r0, 0
                exit
                """, 8, "Unreleased reference id=1 alloc_insn=4");
    }

    @Test
    void ringbufSubmittedTwice() throws Exception {
        rejected(RESERVE + """
                jeq %r0, 0, +7
                mov %r6, %r0
                mov %r1, %r6
                mov %r2, 0
                call 132
                mov %r1, %r6
                mov %r2, 0
                call 132
                mov %r0, 0
                exit
                """, 12, "R1 type=scalar expected=ringbuf_mem");
    }

    @Test
    void aNullCheckByJneMakesTheTakenBranchNonNull() throws Exception {
        // clang's `if (e) { use(e); }`: jne r, 0 jumps to the use. Every copy of the pointer
        // (same id) becomes non-null on the taken side and NULL on the fall-through side.
        accepted(RESERVE + """
                mov %r8, %r0
                jne %r8, 0, +2
                mov %r0, 0
                exit
                stdw [%r0], 7
                stdw [%r8], 8
                mov %r1, %r8
                mov %r2, 0
                call 132
                mov %r0, 0
                exit
                """);
        accepted("""
                mov %r1, 0
                stxw [%r10-4], %r1
                lddw %r1, map_fd(1)
                mov %r2, %r10
                add %r2, -4
                call 1
                jne %r0, 0, +1
                exit
                ldxdw %r0, [%r0]
                exit
                """);
    }

    @Test
    void ringbufOutOfBounds() throws Exception {
        rejected(RESERVE + """
                jeq %r0, 0, +4
                stdw [%r0+4], 7
                mov %r1, %r0
                mov %r2, 0
                call 132
                mov %r0, 0
                exit
                """, 6, "invalid access to memory, mem_size=8 off=4 size=8");
    }

    @Test
    void unboundedLoopHitsBudget() throws Exception {
        VerifierResult.Rejected r = rejected("""
                mov %r0, 0
                loop:
                add %r0, 1
                ja loop
                """, 2, "BPF program is too large. Processed 1000001 insn");
        assertThat(r.errno()).isEqualTo(Errno.E2BIG);
    }

    @Test
    void infiniteLoopDetected() throws Exception {
        VerifierResult.Rejected r = rejected("""
                mov %r0, 0
                loop:
                mov %r1, 1
                jne %r1, 0, loop
                exit
                """, 2, "infinite loop detected at insn 2");
        assertThat(r.errno()).isEqualTo(Errno.EINVAL);
    }

    @Test
    void writeToFramePointer() throws Exception {
        rejected("""
                mov %r10, 0
                mov %r0, 0
                exit
                """, 0, "frame pointer is read only");
    }

    @Test
    void forbiddenPointerArithmetic() throws Exception {
        rejected("""
                mov %r1, %r10
                mul %r1, 2
                mov %r0, 0
                exit
                """, 1, "R1 pointer arithmetic with *= operator prohibited");
        rejected("""
                mov %r1, %r10
                add %r1, %r10
                mov %r0, 0
                exit
                """, 1, "R1 pointer += pointer prohibited");
        rejected("""
                mov %r1, %r10
                add32 %r1, 4
                mov %r0, 0
                exit
                """, 1, "R1 32-bit pointer arithmetic prohibited");
        rejected(HASH_LOOKUP + """
                add %r0, 4
                mov %r0, 0
                exit
                """, 6, "R0 pointer arithmetic on map_value_or_null prohibited");
        rejected("""
                lddw %r1, map_fd(1)
                add %r1, 8
                mov %r0, 0
                exit
                """, 2, "R1 pointer arithmetic on map_ptr prohibited");
        rejected("""
                and %r1, 0xff
                mov %r0, 0
                exit
                """, 0, "R1 bitwise operator &= on pointer prohibited");
    }

    @Test
    void fallsOffTheEnd() throws Exception {
        rejected("""
                mov %r0, 0
                call local f
                mov %r0, 1
                f:
                mov %r0, 2
                exit
                """, 2, "last insn is not an exit or jmp");
        rejected("""
                mov %r0, 0
                mov %r0, 1
                """, 1, "last instruction is not an exit or jump");
    }

    @Test
    void unreachableInstruction() throws Exception {
        rejected("""
                mov %r0, 0
                exit
                mov %r0, 1
                exit
                """, 2, "unreachable insn 2");
    }

    @Test
    void jumpSequenceTooComplex() throws Exception {
        // 8200 unknown outcomes in a row: 8193 branches pending at once is one too many (push_stack).
        StringBuilder asm = new StringBuilder("ldxw %r2, [%r1+0]\n");
        for (int k = 0; k < 8200; k++) {
            asm.append("jeq %r2, ").append(k).append(", +0\n");
        }
        asm.append("mov %r0, 0\nexit\n");
        VerifierResult.Rejected r = rejected(asm.toString(), 8193, "The sequence of 8193 jumps is too complex.");
        assertThat(r.errno()).isEqualTo(Errno.EFAULT); // as the host kernel (6.18) answers
    }

    @Test
    void combinedStackOfCallsTooLarge() throws Exception {
        VerifierResult.Rejected r = rejected("""
                stdw [%r10-512], 0
                call local f
                exit
                f:
                stdw [%r10-512], 0
                mov %r0, 0
                exit
                """, -1, "combined stack size of 2 calls is 1024. Too large");
        assertThat(r.errno()).isEqualTo(Errno.EACCES);
        accepted("""
                stdw [%r10-256], 0
                call local f
                exit
                f:
                stdw [%r10-256], 0
                mov %r0, 0
                exit
                """);
    }

    @Test
    void tooManyFrames() throws Exception {
        VerifierResult.Rejected r = rejected("""
                f:
                call local f
                mov %r0, 0
                exit
                """, 0, "the call stack of 9 frames is too deep");
        assertThat(r.errno()).isEqualTo(Errno.E2BIG);
    }

    @Test
    void pointerLeaks() throws Exception {
        rejected(LOOKUP + """
                jeq %r0, 0, +1
                stxdw [%r0], %r10
                mov %r0, 0
                exit
                """, 7, "R10 leaks addr into map");
        rejected("""
                mov %r0, %r10
                exit
                """, 1, "R0 leaks addr as return value");
    }

    @Test
    void contextAccess() throws Exception {
        rejected("""
                ldxdw %r0, [%r1+64]
                exit
                """, 0, "invalid bpf_context access off=64 size=8");
        rejected("""
                stb [%r1], 1
                mov %r0, 0
                exit
                """, 0, "invalid bpf_context access off=0 size=1");
        rejected("""
                mov %r1, 0
                ldxdw %r0, [%r1]
                exit
                """, 1, "R1 invalid mem access 'scalar'");
    }

    @Test
    void helperNotAllowed() throws Exception {
        VerifierResult.Rejected r = rejected("""
                call 14
                exit
                """, 0, "program of this type cannot use helper bpf_get_current_pid_tgid#14");
        assertThat(r.errno()).isEqualTo(Errno.EINVAL);
    }

    @Test
    void logLevelZeroHasNoLog() throws Exception {
        VerifierResult r = Verifier.verify(Assembler.assemble("exit\n"), FDS::get, TYPE, 0);
        assertThat(((VerifierResult.Rejected) r).log()).isEmpty();
        assertThat(((VerifierResult.Rejected) r).reason()).isEqualTo("R0 !read_ok");
    }

    // ---- accepted

    @Test
    void boundedLoop() throws Exception {
        VerifierResult.Accepted a = accepted("""
                mov %r0, 0
                mov %r1, 100
                loop:
                add %r0, %r1
                sub %r1, 1
                jne %r1, 0, loop
                exit
                """);
        assertThat(((ExecutionResult.Exit) a.program().run(new byte[64], new StandaloneEnvironment())).r0())
                .isEqualTo(5050);
    }

    @Test
    void boundedLoopOverStackBuffer() throws Exception {
        // (A context pointer may not move: Linux refuses 'dereference of modified ctx ptr'.)
        accepted("""
                mov %r0, 0
                mov %r2, 0
                loop:
                mov %r3, %r10
                add %r3, -64
                add %r3, %r2
                stb [%r3], 1
                ldxb %r4, [%r3]
                add %r0, %r4
                add %r2, 1
                jlt %r2, 64, loop
                exit
                """);
    }

    @Test
    void nullCheckedLookup() throws Exception {
        accepted(LOOKUP + """
                mov %r6, %r0
                jeq %r0, 0, out
                ldxdw %r1, [%r6]
                add %r1, 1
                stxdw [%r6], %r1
                out:
                mov %r0, 0
                exit
                """);
    }

    @Test
    void variableIndexIntoMapValue() throws Exception {
        accepted(LOOKUP + """
                jeq %r0, 0, out
                ldxdw %r1, [%r0]
                and %r1, 7
                add %r0, %r1
                ldxb %r0, [%r0]
                exit
                out:
                mov %r0, 0
                exit
                """);
    }

    @Test
    void reserveSubmitOnAllPaths() throws Exception {
        accepted(RESERVE + """
                jeq %r0, 0, out
                mov %r6, %r0
                stdw [%r6], 7
                call 7
                jgt %r0, 100, discard
                mov %r1, %r6
                mov %r2, 0
                call 132
                ja out
                discard:
                mov %r1, %r6
                mov %r2, 0
                call 133
                out:
                mov %r0, 0
                exit
                """);
    }

    @Test
    void localCalls() throws Exception {
        VerifierResult.Accepted a = accepted("""
                mov %r1, 3
                mov %r6, 10
                stdw [%r10-8], 5
                mov %r2, %r10
                add %r2, -8
                call local twice
                add %r0, %r6
                exit
                twice:
                ldxdw %r3, [%r2]
                mov %r0, %r1
                add %r0, %r3
                lsh %r0, 1
                exit
                """);
        assertThat(((ExecutionResult.Exit) a.program().run(new byte[64], new StandaloneEnvironment())).r0())
                .isEqualTo(26);
    }

    @Test
    void spillAndFillPointers() throws Exception {
        accepted(LOOKUP + """
                stxdw [%r10-16], %r0
                ldxdw %r6, [%r10-16]
                jeq %r6, 0, out
                ldxdw %r7, [%r10-16]
                stdw [%r7], 1
                stxdw [%r10-24], %r7
                ldxdw %r8, [%r10-24]
                ldxdw %r0, [%r8]
                out:
                mov %r0, 0
                exit
                """);
    }

    @Test
    void stackPointerSpillAcrossCall() throws Exception {
        accepted("""
                stdw [%r10-8], 42
                mov %r1, %r10
                add %r1, -8
                stxdw [%r10-16], %r1
                call 5
                ldxdw %r1, [%r10-16]
                ldxdw %r0, [%r1]
                exit
                """);
    }

    @Test
    void levelTwoLogsEveryInstruction() throws Exception {
        VerifierResult r = Verifier.verify(Assembler.assemble("""
                call 7
                mov %r6, %r0
                mov %r0, 1
                jeq %r6, 0, +1
                mov %r0, 2
                exit
                """), FDS::get, TYPE, 2);
        String log = ((VerifierResult.Accepted) r).log();
        assertThat(log).contains("0: R1=ctx() R10=fp0").contains("2: (b7) mov %r0, 1").contains("R0_w=1")
                .contains("from 3 to 5: ").contains("processed ");
    }
}
