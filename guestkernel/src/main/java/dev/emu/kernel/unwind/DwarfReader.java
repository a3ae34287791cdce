package dev.emu.kernel.unwind;

/**
 * A cursor over bytes copied from memory at a known address, with the DWARF encodings
 * .eh_frame uses: LEB128 and the DW_EH_PE pointer encodings (LSB Core, "DWARF Extensions").
 */
final class DwarfReader {
    /** DW_EH_PE_omit. */
    static final int PE_OMIT = 0xff;

    private final byte[] bytes;
    /** The address of bytes[0] (pc-relative pointers are relative to their own address). */
    private final long base;
    private int pos;

    DwarfReader(byte[] bytes, long base, int pos) {
        this.bytes = bytes;
        this.base = base;
        this.pos = pos;
    }

    int pos() {
        return pos;
    }

    void seek(int p) {
        pos = p;
    }

    boolean atEnd() {
        return pos >= bytes.length;
    }

    int remaining() {
        return bytes.length - pos;
    }

    /** The address of the next byte. */
    long address() {
        return base + pos;
    }

    int u8() {
        check(1);
        return bytes[pos++] & 0xff;
    }

    int u16() {
        return u8() | u8() << 8;
    }

    long u32() {
        return (u16() & 0xffffL) | (long) u16() << 16;
    }

    long u64() {
        return u32() | u32() << 32;
    }

    long uleb() {
        long v = 0;
        int shift = 0;
        while (true) {
            int b = u8();
            if (shift < 64) {
                v |= (long) (b & 0x7f) << shift;
            }
            shift += 7;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
    }

    long sleb() {
        long v = 0;
        int shift = 0;
        int b;
        do {
            b = u8();
            if (shift < 64) {
                v |= (long) (b & 0x7f) << shift;
            }
            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) {
            v |= -1L << shift;
        }
        return v;
    }

    String cstring() {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = u8()) != 0) {
            sb.append((char) c);
        }
        return sb.toString();
    }

    /**
     * A pointer in encoding {@code enc}: the value format in the low nibble, then pcrel (relative
     * to the field's own address) or datarel (relative to {@code dataBase}, the .eh_frame_hdr).
     * Indirect, textrel, funcrel and aligned pointers are not used by x86_64 .eh_frame for
     * locations: an {@link UnwindException}.
     */
    long pointer(int enc, long dataBase) {
        long at = address();
        long v = switch (enc & 0x0f) {
            case 0x00 -> u64();
            case 0x01 -> uleb();
            case 0x02 -> u16();
            case 0x03 -> u32();
            case 0x04 -> u64();
            case 0x09 -> sleb();
            case 0x0a -> (short) u16();
            case 0x0b -> (int) u32();
            case 0x0c -> u64();
            default -> throw new UnwindException("pointer encoding 0x" + Integer.toHexString(enc));
        };
        return switch (enc & 0x70) {
            case 0x00 -> v;
            case 0x10 -> v + at;
            case 0x30 -> v + dataBase;
            default -> throw new UnwindException("pointer application 0x" + Integer.toHexString(enc & 0x70));
        };
    }

    /** The size of a fixed-size encoding's value, or -1 for LEB128 forms. */
    static int size(int enc) {
        return switch (enc & 0x0f) {
            case 0x00, 0x04, 0x0c -> 8;
            case 0x02, 0x0a -> 2;
            case 0x03, 0x0b -> 4;
            default -> -1;
        };
    }

    byte[] bytes(int n) {
        check(n);
        byte[] out = java.util.Arrays.copyOfRange(bytes, pos, pos + n);
        pos += n;
        return out;
    }

    private void check(int n) {
        if (n < 0 || pos + n > bytes.length) {
            throw new UnwindException("read past the end of a CFI record");
        }
    }
}
