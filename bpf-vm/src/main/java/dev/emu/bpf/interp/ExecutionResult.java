package dev.emu.bpf.interp;

/** How a program run ended: it returned r0, or it faulted. Never thrown. */
public sealed interface ExecutionResult {

    /** The program exited from its main function with {@code r0}. */
    record Exit(long r0) implements ExecutionResult {}

    /**
     * The program stopped at instruction {@code pc} (slot index) for {@code reason}.
     */
    record Fault(int pc, String reason) implements ExecutionResult {
        /** "instruction N: reason". */
        public String message() {
            return "instruction " + pc + ": " + reason;
        }
    }
}
