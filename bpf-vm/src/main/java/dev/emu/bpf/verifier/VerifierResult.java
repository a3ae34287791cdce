package dev.emu.bpf.verifier;

import dev.emu.abi.Errno;

/** The outcome of verification. Never thrown. */
public sealed interface VerifierResult {

    /** The program is safe; {@code log} is the verifier log at the requested level. */
    record Accepted(VerifiedProgram program, String log) implements VerifierResult {}

    /**
     * The program was refused.
     *
     * @param instruction the instruction slot at fault, or -1 for the program as a whole
     * @param reason Linux's message for the refusal, e.g. {@code "R0 !read_ok"}
     * @param log the verifier log at the requested level (empty at level 0)
     * @param errno EACCES for safety refusals, EINVAL for malformed programs, E2BIG for complexity
     */
    record Rejected(int instruction, String reason, String log, Errno errno) implements VerifierResult {
        /** "instruction N: reason". */
        public String message() {
            return instruction < 0 ? reason : "instruction " + instruction + ": " + reason;
        }
    }
}
