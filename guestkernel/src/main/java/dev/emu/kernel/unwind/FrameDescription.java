package dev.emu.kernel.unwind;

/**
 * One FDE of .eh_frame with its CIE (LSB Core "The .eh_frame section", DWARF 4 §6.4.1): the
 * code range it covers, the alignment factors, the return-address column, and the CFI
 * instructions of the CIE (initial) and of the FDE. Parsed from memory by {@link #read}.
 */
public record FrameDescription(long pcBegin, long pcEnd, long codeAlign, long dataAlign, int returnColumn,
                               byte[] initialInstructions, byte[] instructions, boolean signalFrame) {

    /** The largest CIE or FDE read (a sanity bound: real ones are tens of bytes). */
    private static final int MAX_RECORD = 1 << 16;

    public boolean covers(long pc) {
        return Long.compareUnsigned(pc, pcBegin) >= 0 && Long.compareUnsigned(pc, pcEnd) < 0;
    }

    /** The length field at {@code addr} and the record it introduces: {body address, body length}, or null. */
    static long[] record(UnwindMemory mem, long addr) {
        byte[] b = new byte[4];
        if (!mem.read(addr, b, 4)) {
            return null;
        }
        long len = (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
        if (len == 0xffffffffL) {
            Long l64 = mem.u64(addr + 4); // the 64-bit DWARF format
            return l64 == null ? null : new long[] {addr + 12, l64};
        }
        return new long[] {addr + 4, len};
    }

    private static byte[] copy(UnwindMemory mem, long addr, long len) {
        if (len < 4 || len > MAX_RECORD) {
            throw new UnwindException("CFI record of " + len + " bytes");
        }
        byte[] body = new byte[(int) len];
        if (!mem.read(addr, body, body.length)) {
            throw new UnwindException("CFI record not readable at 0x" + Long.toHexString(addr));
        }
        return body;
    }

    /**
     * The FDE at {@code fdeAddr} (its length field), or null if the entry there is a CIE or the
     * terminator. {@code dataBase} is the .eh_frame_hdr address (datarel pointers).
     */
    static FrameDescription read(UnwindMemory mem, long fdeAddr, long dataBase) {
        long[] rec = record(mem, fdeAddr);
        if (rec == null) {
            throw new UnwindException("FDE not readable at 0x" + Long.toHexString(fdeAddr));
        }
        if (rec[1] == 0) {
            return null; // the zero terminator
        }
        byte[] body = copy(mem, rec[0], rec[1]);
        DwarfReader fde = new DwarfReader(body, rec[0], 0);
        long ciePointer = fde.u32();
        if (ciePointer == 0) {
            return null; // a CIE
        }
        long cieAddr = rec[0] - ciePointer; // relative to the CIE_pointer field itself
        Cie cie = Cie.read(mem, cieAddr, dataBase);
        long pcBegin = fde.pointer(cie.fdeEncoding, dataBase);
        long pcRange = fde.pointer(cie.fdeEncoding & 0x0f, dataBase);
        if (cie.augmented) {
            int augLen = (int) fde.uleb();
            fde.seek(fde.pos() + augLen); // the LSDA pointer: unwinding does not need it
        }
        byte[] insns = fde.bytes(fde.remaining());
        return new FrameDescription(pcBegin, pcBegin + pcRange, cie.codeAlign, cie.dataAlign, cie.returnColumn,
                cie.instructions, insns, cie.signalFrame);
    }

    /** The parts of a CIE an FDE needs. */
    private record Cie(long codeAlign, long dataAlign, int returnColumn, int fdeEncoding, boolean augmented,
                       boolean signalFrame, byte[] instructions) {
        static Cie read(UnwindMemory mem, long addr, long dataBase) {
            long[] rec = record(mem, addr);
            if (rec == null || rec[1] == 0) {
                throw new UnwindException("no CIE at 0x" + Long.toHexString(addr));
            }
            DwarfReader r = new DwarfReader(copy(mem, rec[0], rec[1]), rec[0], 0);
            if (r.u32() != 0) {
                throw new UnwindException("FDE's CIE pointer does not point at a CIE");
            }
            int version = r.u8();
            if (version != 1 && version != 3 && version != 4) {
                throw new UnwindException("CIE version " + version);
            }
            String aug = r.cstring();
            if (aug.contains("eh")) {
                r.u64(); // the old GNU eh_data pointer
            }
            if (version == 4) {
                r.u8(); // address_size
                r.u8(); // segment_size
            }
            long codeAlign = r.uleb();
            long dataAlign = r.sleb();
            int ra = version == 1 ? r.u8() : (int) r.uleb();
            int fdeEnc = 0; // DW_EH_PE_absptr
            boolean augmented = aug.startsWith("z");
            boolean signal = false;
            if (augmented) {
                long augLen = r.uleb();
                int end = r.pos() + (int) augLen;
                for (int i = 1; i < aug.length(); i++) {
                    switch (aug.charAt(i)) {
                        case 'R' -> fdeEnc = r.u8();
                        case 'L' -> r.u8();
                        case 'P' -> {
                            int enc = r.u8();
                            r.pointer(enc & 0x7f, dataBase); // the personality routine: not needed
                        }
                        case 'S' -> signal = true;
                        default -> i = aug.length(); // unknown: the length lets us skip the rest
                    }
                }
                r.seek(end);
            }
            return new Cie(codeAlign, dataAlign, ra, fdeEnc, augmented, signal, r.bytes(r.remaining()));
        }
    }
}
