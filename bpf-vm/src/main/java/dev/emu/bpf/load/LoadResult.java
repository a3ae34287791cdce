package dev.emu.bpf.load;

import dev.emu.abi.Errno;

/** The outcome of loading a program: the loaded program, or the refusal. Never thrown. */
public sealed interface LoadResult {

    /** The program passed the load checks. */
    record Loaded(LoadedProgram program) implements LoadResult {}

    /**
     * The program was refused.
     *
     * @param index the instruction slot at fault (or -1 for the program as a whole)
     * @param reason what is wrong
     * @param errno what PROG_LOAD returns for it (EINVAL, E2BIG, EBADF)
     */
    record Refused(int index, String reason, Errno errno) implements LoadResult {
        /** "instruction N: reason". */
        public String message() {
            return index < 0 ? reason : "instruction " + index + ": " + reason;
        }
    }
}
