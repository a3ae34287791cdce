package dev.emu.kernel.unwind;

/**
 * .eh_frame_hdr (PT_GNU_EH_FRAME; LSB Core "The .eh_frame_hdr section"): the pointer to
 * .eh_frame and, usually, a table of (initial location, FDE address) pairs sorted by location,
 * which {@link #find} searches by bisection, as libgcc's unwind-dw2-fde-dip.c does. Without a
 * table (or with an encoding other than datarel|sdata4) the FDEs of .eh_frame are scanned in
 * order up to its zero terminator.
 */
public final class EhFrameHdr {
    /** DW_EH_PE_datarel | DW_EH_PE_sdata4: the table encoding every linker writes. */
    private static final int TABLE_ENC = 0x3b;
    /** The most FDEs a linear scan looks at. */
    private static final int MAX_SCAN = 1 << 16;

    private final UnwindMemory mem;
    /** Without a header: the FDEs indexed once from .eh_frame, {pcBegin, fde address} sorted. */
    private long[][] index;
    private final long hdr;
    private final long ehFrame;
    private final long fdeCount;
    private final int tableEnc;
    private final long table;

    private EhFrameHdr(UnwindMemory mem, long hdr, long ehFrame, long fdeCount, int tableEnc, long table) {
        this.mem = mem;
        this.hdr = hdr;
        this.ehFrame = ehFrame;
        this.fdeCount = fdeCount;
        this.tableEnc = tableEnc;
        this.table = table;
    }

    /** Reads the header at {@code hdr}; null if it cannot be read or its version is not 1. */
    public static EhFrameHdr read(UnwindMemory mem, long hdr) {
        byte[] b = new byte[32];
        if (!mem.read(hdr, b, 4)) {
            return null;
        }
        mem.read(hdr, b, 32); // the longest header; a shorter read leaves zeros past the end
        DwarfReader r = new DwarfReader(b, hdr, 0);
        try {
            int version = r.u8(), ptrEnc = r.u8(), countEnc = r.u8(), tableEnc = r.u8();
            if (version != 1 || ptrEnc == DwarfReader.PE_OMIT) {
                return null;
            }
            long ehFrame = r.pointer(ptrEnc, hdr);
            long count = countEnc == DwarfReader.PE_OMIT || tableEnc == DwarfReader.PE_OMIT ? -1 : r.pointer(countEnc, hdr);
            return new EhFrameHdr(mem, hdr, ehFrame, count, tableEnc, r.address());
        } catch (UnwindException e) {
            return null;
        }
    }

    /**
     * An index of the FDEs of the .eh_frame at {@code ehFrame} ({@code size} bytes), for an
     * object linked without .eh_frame_hdr: built once by reading every entry, then searched
     * like the header's table. Null if nothing can be read there.
     */
    public static EhFrameHdr fromSection(UnwindMemory mem, long ehFrame, long size) {
        java.util.List<long[]> fdes = new java.util.ArrayList<>();
        long at = ehFrame, end = ehFrame + size;
        try {
            for (int i = 0; i < MAX_SCAN && Long.compareUnsigned(at, end) < 0; i++) {
                long[] rec = FrameDescription.record(mem, at);
                if (rec == null || rec[1] == 0) {
                    break;
                }
                FrameDescription d = FrameDescription.read(mem, at, 0);
                if (d != null) {
                    fdes.add(new long[] {d.pcBegin(), at});
                }
                at = rec[0] + rec[1];
            }
        } catch (UnwindException e) {
            // keep what was indexed before the entry that could not be read
        }
        if (fdes.isEmpty()) {
            return null;
        }
        fdes.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
        EhFrameHdr h = new EhFrameHdr(mem, 0, ehFrame, -1, DwarfReader.PE_OMIT, 0);
        h.index = fdes.toArray(new long[0][]);
        return h;
    }

    /** The initial locations of every FDE the table or index lists, in order (tests, tools). */
    public long[] locations() {
        if (index != null) {
            long[] out = new long[index.length];
            for (int i = 0; i < index.length; i++) {
                out[i] = index[i][0];
            }
            return out;
        }
        if (fdeCount < 0 || tableEnc != TABLE_ENC || fdeCount > 1 << 20) {
            return new long[0];
        }
        long[] out = new long[(int) fdeCount];
        byte[] e = new byte[4];
        for (int i = 0; i < out.length; i++) {
            if (!mem.read(table + i * 8L, e, 4)) {
                return java.util.Arrays.copyOf(out, i);
            }
            out[i] = hdr + ((e[0] & 0xff) | (e[1] & 0xff) << 8 | (e[2] & 0xff) << 16 | e[3] << 24);
        }
        return out;
    }

    /** The address of .eh_frame. */
    public long ehFrame() {
        return ehFrame;
    }

    /** The FDE covering {@code pc}, or null. */
    public FrameDescription find(long pc) {
        if (index != null) {
            int lo = 0, hi = index.length - 1, found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(index[mid][0], pc) <= 0) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            FrameDescription d = found < 0 ? null : FrameDescription.read(mem, index[found][1], 0);
            return d != null && d.covers(pc) ? d : null;
        }
        if (fdeCount >= 0 && tableEnc == TABLE_ENC) {
            return bisect(pc);
        }
        return scan(pc);
    }

    private FrameDescription bisect(long pc) {
        long lo = 0, hi = fdeCount - 1, found = -1;
        byte[] e = new byte[8];
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            if (!mem.read(table + mid * 8, e, 8)) {
                return null;
            }
            long loc = hdr + ((e[0] & 0xff) | (e[1] & 0xff) << 8 | (e[2] & 0xff) << 16 | e[3] << 24);
            if (Long.compareUnsigned(loc, pc) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0 || !mem.read(table + found * 8, e, 8)) {
            return null;
        }
        long fde = hdr + ((e[4] & 0xff) | (e[5] & 0xff) << 8 | (e[6] & 0xff) << 16 | e[7] << 24);
        FrameDescription d = FrameDescription.read(mem, fde, hdr);
        return d != null && d.covers(pc) ? d : null;
    }

    private FrameDescription scan(long pc) {
        long at = ehFrame;
        for (int i = 0; i < MAX_SCAN; i++) {
            long[] rec = FrameDescription.record(mem, at);
            if (rec == null || rec[1] == 0) {
                return null;
            }
            FrameDescription d = FrameDescription.read(mem, at, hdr);
            if (d != null && d.covers(pc)) {
                return d;
            }
            at = rec[0] + rec[1];
        }
        return null;
    }
}
