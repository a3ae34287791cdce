package dev.emu.kernel.signal;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.StopReason;
import dev.emu.kernel.task.Task;

/**
 * Signal numbers and the kernel-generated signals for CPU faults (arch/x86/kernel/traps.c,
 * arch/x86/mm/fault.c).
 */
public final class Signals {
    private Signals() {}

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5,
            SIGABRT = 6, SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11,
            SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17,
            SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23,
            SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29,
            SIGPWR = 30, SIGSYS = 31;

    private static final String[] NAMES = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
        "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE",
        "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
        "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",
        "SIGPWR", "SIGSYS"};

    public static String name(int sig) {
        return sig > 0 && sig < NAMES.length ? NAMES[sig] : sig >= 32 && sig <= 64 ? "SIGRT_" + (sig - 32) : "SIG" + sig;
    }

    /** The signal Linux sends for a CPU fault. */
    public static int signalFor(StopReason.Kind kind) {
        return switch (kind) {
            case FAULT_UNMAPPED, FAULT_PROTECTION, GENERAL_PROTECTION -> SIGSEGV;
            case ILLEGAL_INSTRUCTION -> SIGILL;
            case DIVIDE_ERROR -> SIGFPE;
            case BREAKPOINT -> SIGTRAP;
            default -> throw new IllegalArgumentException("not a fault: " + kind);
        };
    }

    /** True if the default action of {@code sig} dumps core (WCOREDUMP), as signal(7) lists. */
    public static boolean dumpsCore(int sig) {
        return switch (sig) {
            case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS -> true;
            default -> false;
        };
    }

    /**
     * A CPU fault in {@code task}: the process dies with the signal's default action and one
     * report line on the host's stderr. (Handlers installed with rt_sigaction come with the
     * signal-delivery work of the tasks issue; until then a fault is always fatal.)
     */
    public static void deliverFault(Kernel kernel, Task task, StopReason why) {
        int sig = signalFor(why.kind());
        long rip = task.cpu().get(Reg.RIP);
        String last = task.lastSyscall() < 0 ? "none" : Kernel.syscallName(task.lastSyscall());
        String what = switch (why.kind()) {
            case FAULT_UNMAPPED, FAULT_PROTECTION -> "fault address 0x" + Long.toHexString(why.faultAddress()) + ", ";
            default -> "";
        };
        String detail = why.detail() == null || why.detail().isEmpty() ? "" : why.detail() + ", ";
        String line = "emu: pid " + task.process().pid() + " (" + task.comm() + ") killed by " + name(sig)
                + " (" + what + detail + "rip 0x" + Long.toHexString(rip) + ", last syscall " + last + ")";
        kernel.log().info(line.substring(5));
        kernel.console().reports().println(line);
        kernel.console().reports().flush();
        // Linux sets the core-dump bit (0x80) in the wait status when the action is "core".
        kernel.exitProcess(task.process(), sig | (dumpsCore(sig) ? 0x80 : 0));
    }
}
