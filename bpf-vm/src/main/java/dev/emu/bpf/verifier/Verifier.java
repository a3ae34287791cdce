package dev.emu.bpf.verifier;

import dev.emu.abi.Errno;
import dev.emu.bpf.load.LoadedProgram;

/** Static verifier (placeholder while the real one lands). */
public final class Verifier {
    private Verifier() {}

    /** Verifies; never throws for a bad program. logLevel 0/1/2 like Linux's log_level. */
    public static VerifierResult verify(LoadedProgram program, ProgramType type, int logLevel) {
        return new VerifierResult.Rejected(-1, "verifier not implemented yet", "", Errno.EINVAL);
    }
}
