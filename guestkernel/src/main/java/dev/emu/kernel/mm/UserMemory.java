package dev.emu.kernel.mm;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import java.io.ByteArrayOutputStream;

/** copy_from_user helpers that Linux spreads over lib/strncpy_from_user.c and friends. */
public final class UserMemory {
    private UserMemory() {}

    /**
     * access_ok (arch/x86/include/asm/uaccess_64.h): the range {@code [addr, addr + size)} with
     * {@code size} a size_t lies in the user half without wrapping. A "negative" size is huge and
     * fails, which is why read(fd, buf, -1) is EFAULT on Linux. It does not check that the pages are
     * mapped; the copy itself finds that out.
     */
    public static boolean accessOk(long addr, long size) {
        long end = addr + size;
        return Long.compareUnsigned(end, addr) >= 0 && Long.compareUnsigned(end, MemoryManager.TASK_SIZE) <= 0;
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
}
