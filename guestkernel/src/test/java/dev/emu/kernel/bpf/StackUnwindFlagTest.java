package dev.emu.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.TracingEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.MapTypes;
import dev.emu.bpf.verifier.VerifiedProgram;
import dev.emu.bpf.verifier.Verifier;
import dev.emu.bpf.verifier.VerifierResult;
import org.junit.jupiter.api.Test;

/**
 * bpf_get_stackid's stack walkers as a PERF_EVENT program sees them: BPF_F_USER_STACK alone is
 * the frame-pointer walk (Linux's), with emu's BPF_F_EMU_USER_STACK_CFI the .eh_frame walk; the
 * flag needs BPF_F_USER_STACK (kernel stacks: EFAULT) and does not open the door to other bits.
 */
class StackUnwindFlagTest {
    private static final long USER_STACK = 1 << 8, CFI = EmuBpfExtensions.BPF_F_EMU_USER_STACK_CFI;
    private static final long[] FP = {0x401000, 0x402000}, UNWOUND = {0x401000, 0x403000, 0x402000};

    /** A tracing environment whose two walkers give different stacks. */
    private static final class Walkers implements TracingEnvironment {
        @Override public long currentUidGid() { return 0; }
        @Override public boolean readUser(long addr, byte[] dst, int len) { return false; }
        @Override public boolean readKernel(long addr, byte[] dst, int len) { return false; }
        @Override public long[] userStack(int max) { return FP.clone(); }
        @Override public long[] userStackCfi(int max) { return UNWOUND.clone(); }
        @Override public long sendSignal(long sig, boolean thread) { return 0; }
        @Override public long perfEventOutput(Object event, byte[] data) { return 0; }
        @Override public long ktimeGetNs() { return 0; }
        @Override public int prandomU32() { return 4; }
        @Override public int smpProcessorId() { return 0; }
        @Override public long currentPidTgid() { return 1L << 32 | 1; }
        @Override public byte[] currentComm() { return "t".getBytes(); }
        @Override public void tracePrintk(String message) { }
    }

    private static long stackid(BpfMap stacks, long flags) throws Exception {
        String text = "lddw %r2, map_fd(0)\nlddw %r3, 0x" + Long.toHexString(flags) + "\ncall 27\nexit\n";
        LoadResult lr = LoadedProgram.load(Assembler.assemble(text), fd -> fd == 0 ? stacks : null);
        VerifierResult vr = Verifier.verify(((LoadResult.Loaded) lr).program(), KernelProgramTypes.PERF_EVENT, 0);
        assertThat(vr).isInstanceOf(VerifierResult.Accepted.class);
        ExecutionResult r = ((VerifierResult.Accepted) vr).program().run(new byte[KernelProgramTypes.PERF_EVENT_DATA_SIZE],
                new Walkers(), VerifiedProgram.Engine.DEFAULT, 1_000_000);
        return ((ExecutionResult.Exit) r).r0();
    }

    private static long[] stack(BpfMap stacks, long id) {
        byte[] key = {(byte) id, (byte) (id >> 8), (byte) (id >> 16), (byte) (id >> 24)};
        byte[] value = new byte[stacks.valueSize()];
        assertThat(stacks.lookup(key, value)).isZero();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(value).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.util.List<Long> ips = new java.util.ArrayList<>();
        for (int i = 0; i < value.length && b.getLong(i) != 0; i += 8) {
            ips.add(b.getLong(i));
        }
        return ips.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void theFlagChoosesTheEhFrameWalker() throws Exception {
        BpfMap stacks = MapTypes.create(BpfMapType.STACK_TRACE, 4, 127 * 8, 64, 0).map();
        long fp = stackid(stacks, USER_STACK);
        long cfi = stackid(stacks, USER_STACK | CFI);
        assertThat(fp).isNotNegative();
        assertThat(cfi).isNotNegative().isNotEqualTo(fp);
        assertThat(stack(stacks, fp)).containsExactly(FP);
        assertThat(stack(stacks, cfi)).containsExactly(UNWOUND);
        assertThat(stackid(stacks, USER_STACK | CFI | 1)).as("skip 1").isNotNegative();
    }

    @Test
    void theFlagKeepsLinuxsOtherRules() throws Exception {
        BpfMap stacks = MapTypes.create(BpfMapType.STACK_TRACE, 4, 127 * 8, 64, 0).map();
        assertThat(stackid(stacks, CFI)).as("no BPF_F_USER_STACK: a kernel stack").isEqualTo(-Errno.EFAULT.number);
        assertThat(stackid(stacks, USER_STACK | CFI | 1L << 61)).isEqualTo(-Errno.EINVAL.number);
        assertThat(stackid(stacks, USER_STACK | 1L << 12)).isEqualTo(-Errno.EINVAL.number);
    }
}
