package dev.emu.bpf.asm;

/** An assembly source error; the message names the 1-based line and what is wrong. */
public final class AsmException extends Exception {
    private final int line;

    /** Creates an error at 1-based {@code line}. */
    public AsmException(int line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    /** The 1-based source line. */
    public int line() {
        return line;
    }
}
