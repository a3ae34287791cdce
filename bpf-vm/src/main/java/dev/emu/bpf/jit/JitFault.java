package dev.emu.bpf.jit;

/** A guest fault inside compiled code, carrying the instruction index; becomes an ExecutionResult.Fault. */
final class JitFault extends RuntimeException {
    final int pc;

    JitFault(int pc, String reason) {
        super(reason, null, false, false);
        this.pc = pc;
    }
}
