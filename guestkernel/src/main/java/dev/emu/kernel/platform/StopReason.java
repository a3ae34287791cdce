package dev.emu.kernel.platform;

/**
 * Why {@link Cpu#run} returned.
 *
 * @param kind what happened
 * @param faultAddress for memory faults, the data address that faulted; otherwise 0
 * @param detail a short platform message for the report line (may be empty)
 */
public record StopReason(Kind kind, long faultAddress, String detail) {

    /** What stopped the thread. */
    public enum Kind {
        /** The syscall trap asked to stop. */
        SYSCALL_STOP,
        /** The work budget ran out (the timer tick is due). */
        BUDGET_EXHAUSTED,
        /** Read, write or fetch of an unmapped address (SIGSEGV, SEGV_MAPERR). */
        FAULT_UNMAPPED,
        /** Access the page protection forbids (SIGSEGV, SEGV_ACCERR). */
        FAULT_PROTECTION,
        /** Invalid or unsupported instruction (SIGILL). */
        ILLEGAL_INSTRUCTION,
        /** #DE: divide error (SIGFPE). */
        DIVIDE_ERROR,
        /** int3 or another breakpoint trap (SIGTRAP). */
        BREAKPOINT,
        /**
         * An access to a page of a shared mapping past the end of the object it maps (a truncated
         * tmpfs file): SIGBUS, BUS_ADRERR. The kernel's reading of an unmapped fault inside such
         * a VMA; platforms never return it.
         */
        BUS_ERROR,
        /** A general protection fault or other CPU exception (SIGSEGV, as Linux delivers #GP). */
        GENERAL_PROTECTION,
        /** Something asked the platform to stop from outside (a debugger, a timeout). */
        INTERRUPTED
    }

    private static final StopReason SYSCALL = new StopReason(Kind.SYSCALL_STOP, 0, "");
    private static final StopReason BUDGET = new StopReason(Kind.BUDGET_EXHAUSTED, 0, "");

    public static StopReason syscallStop() {
        return SYSCALL;
    }

    public static StopReason budgetExhausted() {
        return BUDGET;
    }
}
