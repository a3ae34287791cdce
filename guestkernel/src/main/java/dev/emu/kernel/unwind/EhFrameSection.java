package dev.emu.kernel.unwind;

import dev.emu.kernel.loader.ElfSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where .eh_frame is in an ELF file that has no PT_GNU_EH_FRAME: gcc links static executables
 * without --eh-frame-hdr (its Linux spec passes it only to dynamic links), and libgcc finds
 * their frames through crtbegin's __register_frame_info instead. The section headers are not
 * loaded, so they are read from the file.
 */
public final class EhFrameSection {
    private EhFrameSection() {}

    /** {address, size} of .eh_frame in the file's own addresses, or null. */
    public static long[] find(ElfSource src) throws IOException {
        byte[] eh = new byte[64];
        if (src.size() < 64) {
            return null;
        }
        src.read(0, eh, 0, 64);
        ByteBuffer h = ByteBuffer.wrap(eh).order(ByteOrder.LITTLE_ENDIAN);
        if (eh[0] != 0x7f || eh[1] != 'E' || eh[4] != 2) {
            return null;
        }
        long shoff = h.getLong(0x28);
        int shentsize = h.getShort(0x3a) & 0xffff, shnum = h.getShort(0x3c) & 0xffff, shstrndx = h.getShort(0x3e) & 0xffff;
        if (shoff == 0 || shentsize < 64 || shnum == 0 || shnum > 4096 || shstrndx >= shnum
                || shoff + (long) shentsize * shnum > src.size()) {
            return null;
        }
        byte[] sh = new byte[shentsize * shnum];
        src.read(shoff, sh, 0, sh.length);
        ByteBuffer s = ByteBuffer.wrap(sh).order(ByteOrder.LITTLE_ENDIAN);
        long strOff = s.getLong(shstrndx * shentsize + 0x18), strSize = s.getLong(shstrndx * shentsize + 0x20);
        if (strSize <= 0 || strSize > 1 << 20 || strOff + strSize > src.size()) {
            return null;
        }
        byte[] names = new byte[(int) strSize];
        src.read(strOff, names, 0, names.length);
        byte[] want = ".eh_frame\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < shnum; i++) {
            int name = s.getInt(i * shentsize);
            if (name >= 0 && name + want.length <= names.length
                    && java.util.Arrays.equals(names, name, name + want.length, want, 0, want.length)) {
                return new long[] {s.getLong(i * shentsize + 0x10), s.getLong(i * shentsize + 0x20)};
            }
        }
        return null;
    }
}
