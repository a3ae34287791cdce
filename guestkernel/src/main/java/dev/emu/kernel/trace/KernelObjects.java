package dev.emu.kernel.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * Kernel objects a tracing program may read with bpf_probe_read_kernel during one hit: emu's
 * kernel is Java, so a {@code struct pt_regs *} that a raw tracepoint or a syscall kprobe hands
 * a program points into this small window of copies instead of kernel memory. Addresses are in
 * the kernel half (from {@link #BASE}), so a program cannot confuse them with user addresses;
 * reading anything else there is -EFAULT, as a bad kernel address is for probe_read_kernel.
 */
public final class KernelObjects {
    /** Where the window starts: the direct map's base on x86_64 (page_offset_base, no KASLR). */
    public static final long BASE = 0xffff_8880_0000_0000L;
    public static final KernelObjects NONE = new KernelObjects();

    private final List<byte[]> objects = new ArrayList<>(2);

    /** Adds {@code bytes}; returns its kernel address (4 KiB apart, so no object overlaps another). */
    public long add(byte[] bytes) {
        objects.add(bytes);
        return BASE + (long) (objects.size() - 1) * 4096;
    }

    /** Copies {@code len} bytes at {@code addr} into {@code dst}; false if they are not all inside one object. */
    public boolean read(long addr, byte[] dst, int len) {
        long off = addr - BASE;
        if (off < 0 || len < 0) {
            return false;
        }
        int index = (int) (off / 4096);
        int at = (int) (off % 4096);
        if (off / 4096 >= objects.size() || at + len > objects.get(index).length) {
            return false;
        }
        System.arraycopy(objects.get(index), at, dst, 0, len);
        return true;
    }
}
