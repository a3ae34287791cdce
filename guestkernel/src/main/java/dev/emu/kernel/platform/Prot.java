package dev.emu.kernel.platform;

/** Page protection bits, the same values as Linux's PROT_* (mman-common.h). */
public final class Prot {
    public static final int NONE = 0;
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int EXEC = 4;
    public static final int ALL = READ | WRITE | EXEC;

    private Prot() {}

    public static String toString(int prot) {
        return ((prot & READ) != 0 ? "r" : "-") + ((prot & WRITE) != 0 ? "w" : "-")
                + ((prot & EXEC) != 0 ? "x" : "-");
    }
}
