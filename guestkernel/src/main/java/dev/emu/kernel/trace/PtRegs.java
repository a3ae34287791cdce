package dev.emu.kernel.trace;

import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct pt_regs (arch/x86/include/asm/ptrace.h), 168 bytes: what a kprobe program's context and
 * a raw syscall tracepoint's {@code regs} argument are.
 */
public final class PtRegs {
    public static final int SIZE = 168;
    public static final int R15 = 0, R14 = 8, R13 = 16, R12 = 24, RBP = 32, RBX = 40, R11 = 48, R10 = 56,
            R9 = 64, R8 = 72, RAX = 80, RCX = 88, RDX = 96, RSI = 104, RDI = 112, ORIG_RAX = 120, RIP = 128,
            CS = 136, EFLAGS = 144, RSP = 152, SS = 160;
    /** __USER_CS and __USER_DS, the selectors of a 64-bit user task. */
    private static final long USER_CS = 0x33, USER_DS = 0x2b;

    private PtRegs() {}

    /**
     * The user registers of a task entering syscall {@code nr} (entry_SYSCALL_64: orig_ax = nr,
     * ax = -ENOSYS until the handler returns).
     */
    public static byte[] atSyscallEntry(Cpu cpu, long nr) {
        ByteBuffer b = user(cpu);
        b.putLong(ORIG_RAX, nr);
        b.putLong(RAX, -38);
        return b.array();
    }

    /** The user registers of a task as they are now (a sample's, a syscall's after it returned). */
    public static byte[] current(Cpu cpu, long origRax) {
        ByteBuffer b = user(cpu);
        b.putLong(ORIG_RAX, origRax);
        return b.array();
    }

    private static ByteBuffer user(Cpu cpu) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(R15, cpu.get(Reg.R15)).putLong(R14, cpu.get(Reg.R14)).putLong(R13, cpu.get(Reg.R13))
                .putLong(R12, cpu.get(Reg.R12)).putLong(RBP, cpu.get(Reg.RBP)).putLong(RBX, cpu.get(Reg.RBX))
                .putLong(R11, cpu.get(Reg.R11)).putLong(R10, cpu.get(Reg.R10)).putLong(R9, cpu.get(Reg.R9))
                .putLong(R8, cpu.get(Reg.R8)).putLong(RAX, cpu.get(Reg.RAX)).putLong(RCX, cpu.get(Reg.RCX))
                .putLong(RDX, cpu.get(Reg.RDX)).putLong(RSI, cpu.get(Reg.RSI)).putLong(RDI, cpu.get(Reg.RDI))
                .putLong(RIP, cpu.get(Reg.RIP)).putLong(CS, USER_CS).putLong(EFLAGS, cpu.get(Reg.RFLAGS))
                .putLong(RSP, cpu.get(Reg.RSP)).putLong(SS, USER_DS);
        return b;
    }
}
