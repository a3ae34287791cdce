package dev.emu.kernel.mm;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import java.io.ByteArrayOutputStream;

/** copy_from_user helpers that Linux spreads over lib/strncpy_from_user.c and friends. */
public final class UserMemory {
    private UserMemory() {}

    /** The end of user space on x86_64 with 4-level paging (arch/x86 TASK_SIZE_MAX). */
    public static final long TASK_SIZE_MAX = 0x7ffffffff000L;

    /**
     * Linux's access_ok(addr, size) (arch/x86/include/asm/uaccess_64.h): the range lies below
     * {@link #TASK_SIZE_MAX} without wrapping. It does not check that the pages are mapped; the
     * copy itself finds that out. A size that is negative as ssize_t never fits, which is why
     * read(fd, buf, -1) is EFAULT.
     */
    public static boolean accessOk(long addr, long size) {
        return Long.compareUnsigned(size, TASK_SIZE_MAX) <= 0 && Long.compareUnsigned(addr, TASK_SIZE_MAX - size) <= 0;
    }

    /**
     * Reads a NUL-terminated string of at most {@code max} bytes (without the NUL).
     *
     * @return the bytes, or null when no NUL occurs within {@code max} bytes (ENAMETOOLONG)
     * @throws BadAddressException if the string runs into unmapped memory
     */
    public static byte[] readCString(AddressSpace mem, long addr, int max) {
        if (addr == 0) {
            throw new BadAddressException(0);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[256];
        int total = 0;
        while (total < max) {
            // Read up to the page end so a string near a mapping's end does not fault early.
            long at = addr + total;
            int n = (int) Math.min(chunk.length, Math.min(max - total, AddressSpace.PAGE_SIZE - (at & 4095)));
            mem.read(at, chunk, 0, n);
            for (int i = 0; i < n; i++) {
                if (chunk[i] == 0) {
                    out.write(chunk, 0, i);
                    return out.toByteArray();
                }
            }
            out.write(chunk, 0, n);
            total += n;
        }
        return null;
    }

    public static String readCStringUtf8(AddressSpace mem, long addr, int max) {
        byte[] b = readCString(mem, addr, max);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * How many of the {@code len} bytes at {@code addr} the kernel can reach: all of them, or
     * those before the first unmapped page. Linux's copy_from_user/copy_to_user copy that much and
     * report the rest as not copied, which read(2) and write(2) turn into a short count (EFAULT
     * only when nothing was copied). Kernel accesses ignore protections but PROT_NONE, so what is
     * readable here is writable too.
     */
    public static int accessible(AddressSpace mem, long addr, int len) {
        byte[] probe = new byte[1];
        int done = 0;
        while (done < len) {
            long at = addr + done;
            if (Long.compareUnsigned(at, addr) < 0) {
                return done; // wrapped past the top of the address space
            }
            try {
                mem.read(at, probe, 0, 1);
            } catch (BadAddressException e) {
                return done;
            }
            done += (int) Math.min(len - done, AddressSpace.PAGE_SIZE - (at & (AddressSpace.PAGE_SIZE - 1)));
        }
        return done;
    }

    /** Copies what {@link #accessible} allows of {@code len} bytes at {@code addr}; returns that count. */
    public static int copyFromUser(AddressSpace mem, long addr, byte[] dst, int off, int len) {
        int n = accessible(mem, addr, len);
        if (n > 0) {
            mem.read(addr, dst, off, n);
        }
        return n;
    }
}
