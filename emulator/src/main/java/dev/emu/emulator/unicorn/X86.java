package dev.emu.emulator.unicorn;

import dev.emu.kernel.platform.Reg;

/**
 * x86 constants of Unicorn ({@code unicorn/x86.h}): register and instruction ids.
 *
 * <p>Values checked against libunicorn-dev 2.0.1 by compiling a C program that prints them
 * (the enums are long and hand-counting is error-prone). 2.1.x only appends to these enums.
 */
final class X86 {
    static final int RAX = 35;
    static final int RBX = 37;
    static final int RCX = 38;
    static final int RDX = 40;
    static final int RSI = 43;
    static final int RDI = 39;
    static final int RBP = 36;
    static final int RSP = 44;
    static final int R8 = 106; // R8..R15 are consecutive: 106..113
    static final int RIP = 41;
    static final int RFLAGS = 253;
    static final int CS = 11;
    static final int SS = 49;
    static final int DS = 17;
    static final int ES = 28;
    static final int FS = 32;
    static final int GS = 33;
    static final int FS_BASE = 250;
    static final int GS_BASE = 251;
    static final int CR0 = 50;
    static final int CR4 = 54;
    static final int ST0 = 114; // ST0..ST7: 114..121
    static final int XMM0 = 122; // XMM0..XMM15: 122..137
    static final int FPSW = 31;
    static final int FPCW = 246;
    static final int FPTAG = 247;
    static final int MXCSR = 249;

    /** UC_X86_INS_SYSCALL (x86.h, uc_x86_insn; 699 in 2.0.1). */
    static final int INS_SYSCALL = 699;

    /** CR4.OSFXSR (bit 9) | CR4.OSXMMEXCPT (bit 10): the OS supports fxsave and SSE exceptions. */
    static final long CR4_OSFXSR_OSXMMEXCPT = (1L << 9) | (1L << 10);

    /** Linux's initial MXCSR (all SIMD exceptions masked) and x87 control word (FNINIT). */
    static final long MXCSR_DEFAULT = 0x1f80;
    static final long FPCW_DEFAULT = 0x37f;

    /** Linux's user-mode selectors (__USER_CS, __USER_DS), reported for CS and SS. */
    static final long USER_CS = 0x33;
    static final long USER_SS = 0x2b;

    private static final int[] UC_ID = new int[Reg.all().length];

    static {
        for (Reg r : Reg.all()) {
            UC_ID[r.ordinal()] = switch (r) {
                case RAX -> RAX;
                case RBX -> RBX;
                case RCX -> RCX;
                case RDX -> RDX;
                case RSI -> RSI;
                case RDI -> RDI;
                case RBP -> RBP;
                case RSP -> RSP;
                case R8 -> R8;
                case R9 -> R8 + 1;
                case R10 -> R8 + 2;
                case R11 -> R8 + 3;
                case R12 -> R8 + 4;
                case R13 -> R8 + 5;
                case R14 -> R8 + 6;
                case R15 -> R8 + 7;
                case RIP -> RIP;
                case RFLAGS -> RFLAGS;
                case CS -> CS;
                case SS -> SS;
                case DS -> DS;
                case ES -> ES;
                case FS -> FS;
                case GS -> GS;
                case FS_BASE -> FS_BASE;
                case GS_BASE -> GS_BASE;
            };
        }
    }

    private X86() {}

    /** The Unicorn register id of a kernel register name. */
    static int ucId(Reg r) {
        return UC_ID[r.ordinal()];
    }

    /**
     * Whether the kernel's view of this register is synthesized rather than Unicorn's: the
     * segment selectors. Unicorn runs 64-bit code with flat null selectors and loading a
     * selector makes it consult a GDT we do not have, so reads return Linux's user values
     * (CS 0x33, SS 0x2b, others 0) and writes are ignored; FS/GS bases are real registers.
     */
    static boolean isSelector(Reg r) {
        return switch (r) {
            case CS, SS, DS, ES, FS, GS -> true;
            default -> false;
        };
    }

    static long selectorValue(Reg r) {
        return switch (r) {
            case CS -> USER_CS;
            case SS -> USER_SS;
            default -> 0;
        };
    }
}
