package dev.emu.bpf.jit;

/** Implemented by each generated class: the program's main function. */
public interface JitCode {
    /** Runs from instruction 0 with r1, r2, r10 as given and the other registers zero; returns r0. */
    long run(JitRuntime rt, long r1, long r2, long r10);
}
