package dev.emu.kernel.profile;

import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.bpf.asm.AsmException;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.isa.Instruction;
import java.util.List;

/**
 * The BPF program `emu run --profile` attaches to its sampling clock: what libbpf-tools'
 * profile.bpf.c does for user stacks, in the assembler's syntax. Per sample it builds the key
 * {@code struct { u32 tgid; s32 user_stack_id; char comm[16]; }} (the id from
 * bpf_get_stackid(ctx, stacks, BPF_F_USER_STACK [| BPF_F_EMU_USER_STACK_CFI]); a negative
 * errno when the stack could not be stored) and adds one to its u64 count in a hash map.
 */
final class ProfilerProgram {
    private ProfilerProgram() {}

    /** Map indexes the program's {@code map_fd(N)} refers to. */
    static final int STACKS = 0, COUNTS = 1;
    /** sizeof the key: tgid, stack id, comm. */
    static final int KEY_SIZE = 24;
    private static final long BPF_F_USER_STACK = 1 << 8;

    static List<Instruction> instructions(boolean cfi) {
        long flags = BPF_F_USER_STACK | (cfi ? EmuBpfExtensions.BPF_F_EMU_USER_STACK_CFI : 0);
        String text = """
                mov %r6, %r1
                call 14                      # bpf_get_current_pid_tgid
                rsh %r0, 32
                stxw [%r10-24], %r0          # key.tgid
                mov %r1, %r10
                add %r1, -16
                mov %r2, 16
                call 16                      # bpf_get_current_comm(key.comm, 16)
                mov %r1, %r6
                lddw %r2, map_fd(STACKS)
                lddw %r3, FLAGS
                call 27                      # bpf_get_stackid(ctx, stacks, flags)
                stxw [%r10-20], %r0          # key.user_stack_id
                lddw %r1, map_fd(COUNTS)
                mov %r2, %r10
                add %r2, -24
                call 1                       # bpf_map_lookup_elem(counts, &key)
                jeq %r0, 0, first
                ldxdw %r1, [%r0]
                add %r1, 1
                stxdw [%r0], %r1
                mov %r0, 0
                exit
                first:
                stdw [%r10-32], 1
                lddw %r1, map_fd(COUNTS)
                mov %r2, %r10
                add %r2, -24
                mov %r3, %r10
                add %r3, -32
                mov %r4, 1                   # BPF_NOEXIST
                call 2                       # bpf_map_update_elem(counts, &key, &one, BPF_NOEXIST)
                mov %r0, 0
                exit
                """.replace("STACKS", Integer.toString(STACKS)).replace("COUNTS", Integer.toString(COUNTS))
                .replace("FLAGS", "0x" + Long.toHexString(flags));
        try {
            return Assembler.assemble(text);
        } catch (AsmException e) {
            throw new IllegalStateException("the profiler's program does not assemble", e);
        }
    }
}
