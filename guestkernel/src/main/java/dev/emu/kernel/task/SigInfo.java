package dev.emu.kernel.task;

/**
 * The fields of a siginfo_t emu fills (include/uapi/asm-generic/siginfo.h).
 *
 * @param signo the signal
 * @param code si_code (SI_USER, SI_TKILL, SEGV_MAPERR, CLD_EXITED…)
 * @param pid sender pid (kill) or child pid (SIGCHLD)
 * @param addr fault address (SIGSEGV, SIGBUS…)
 * @param status SIGCHLD: exit code or signal
 */
public record SigInfo(int signo, int code, int pid, long addr, int status) {
    public static final int SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6;
    public static final int SEGV_MAPERR = 1, SEGV_ACCERR = 2;
    public static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;

    /** The 128-byte siginfo_t as x86_64 lays it out. */
    public byte[] encode() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(128).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, signo);
        b.putInt(8, code);
        if (addr != 0) {
            b.putLong(16, addr);
        } else {
            b.putInt(16, pid);
            b.putInt(20, 0); // uid: root
            b.putInt(24, status);
        }
        return b.array();
    }
}
