package dev.emu.kernel.unwind;

/** The memory an unwinder reads: a process's user memory (or a file's bytes in tests). */
@FunctionalInterface
public interface UnwindMemory {
    /** Copies {@code len} bytes at {@code addr} into {@code dst}; false if any of them cannot be read. */
    boolean read(long addr, byte[] dst, int len);

    /** The little-endian u64 at {@code addr}, or null. */
    default Long u64(long addr) {
        byte[] b = new byte[8];
        if (!read(addr, b, 8)) {
            return null;
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }
}
