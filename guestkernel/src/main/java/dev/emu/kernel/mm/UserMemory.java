package dev.emu.kernel.mm;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import java.io.ByteArrayOutputStream;

/** copy_from_user helpers that Linux spreads over lib/strncpy_from_user.c and friends. */
public final class UserMemory {
    private UserMemory() {}

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
