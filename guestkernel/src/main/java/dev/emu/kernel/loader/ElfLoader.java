package dev.emu.kernel.loader;

import static dev.emu.abi.elf.Elf.*;

import dev.emu.kernel.platform.AddressSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Maps a validated executable into an address space: the PT_LOAD part of Linux's
 * load_elf_binary and elf_load (fs/binfmt_elf.c), without an interpreter.
 *
 * <pre>
 *   file:   | ehdr phdrs .text |   .data   |
 *             offset 0            offset o (o = vaddr mod 4096)
 *   memory: [ R X page(s)     ][ RW page: .data | .bss ...][ RW bss pages ]
 *           bias+vaddr0        bias+vaddr1       ^filesz    ^memsz, page-rounded = brk
 * </pre>
 */
public final class ElfLoader {
    /** Where ET_DYN programs go by default: ELF_ET_DYN_BASE on x86-64 with ASLR off. */
    public static final long DEFAULT_PIE_BASE = 0x555555554000L;

    private static final long PAGE = AddressSpace.PAGE_SIZE;

    private ElfLoader() {}

    /** {@link #load(ElfFile, AddressSpace, long)} at {@link #DEFAULT_PIE_BASE}. */
    public static LoadedImage load(ElfFile elf, AddressSpace as) {
        return load(elf, as, DEFAULT_PIE_BASE);
    }

    /**
     * Maps every PT_LOAD segment, copies its file bytes and zeroes its bss.
     *
     * <p>Preconditions: the target range is unmapped in {@code as} (a fresh address space).
     *
     * @param pieBase page-aligned address for an ET_DYN image's lowest segment (Linux:
     *     {@code load_bias = ELF_PAGESTART(ELF_ET_DYN_BASE - vaddr)}); ignored for ET_EXEC
     * @throws ElfFormatException if the relocated image would leave the user address space
     * @throws UncheckedIOException if the file cannot be read (it changed since its headers were read)
     */
    public static LoadedImage load(ElfFile elf, AddressSpace as, long pieBase) {
        if ((pieBase & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException("PIE base 0x" + Long.toHexString(pieBase)
                    + " is not page-aligned");
        }
        List<ProgramHeader> loads = elf.loadSegments();
        long bias = elf.isPie() ? pageDown(pieBase - loads.getFirst().vaddr()) : 0;
        long highest = 0;
        for (ProgramHeader ph : loads) {
            long end = ph.vaddr() + ph.memsz() + bias;
            if (bias != 0 && (Long.compareUnsigned(end, ElfFile.USER_SPACE_END) > 0
                    || Long.compareUnsigned(end, bias) < 0)) {
                throw new ElfFormatException(elf.path(), "PT_LOAD segment " + ph.index()
                        + " at load bias 0x" + Long.toHexString(bias)
                        + " ends outside the user address space");
            }
            highest = Math.max(highest, end);
        }

        // Page protections. Two segments may share a page (the end of .text and the start of
        // .data in a tightly linked file). Linux maps each segment in turn with MAP_FIXED, so the
        // shared page ends up with the later segment's file page and protection. We give the page
        // the union of both segments' permissions instead: each segment's bytes stay accessible
        // as its flags ask (neither the end of .text nor the start of .data faults), which is
        // what a correct program needs; the cost is a page that is both writable and executable.
        List<MappedRegion> spans = new ArrayList<>();
        for (ProgramHeader ph : loads) {
            if (ph.memsz() != 0) {
                long start = pageDown(ph.vaddr() + bias);
                long end = pageUp(ph.vaddr() + bias + ph.memsz());
                spans.add(new MappedRegion(start, end - start, ph.prot(), elf.path()));
            }
        }
        List<MappedRegion> regions = unionOfPermissions(spans);
        for (MappedRegion r : regions) {
            as.map(r.start(), r.length(), r.prot());
        }

        // Contents, in ascending address order so a later segment sharing a page with an earlier
        // one's bss tail is written after that tail is zeroed.
        for (ProgramHeader ph : loads) {
            long address = ph.vaddr() + bias;
            if (ph.filesz() > 0) {
                try {
                    elf.copySegment(ph, as, address);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (ph.memsz() > ph.filesz()) {
                // padzero() the rest of the last file page, then the anonymous bss pages (fresh
                // pages are already zero, but the address space does not promise it for reuse).
                long bssStart = address + ph.filesz();
                long bssEnd = pageUp(address + ph.memsz());
                as.zero(bssStart, bssEnd - bssStart);
            }
        }

        long phdrAddress = phdrAddress(elf, bias);
        Optional<TlsInfo> tls = elf.find(PT_TLS).map(ph ->
                new TlsInfo(ph.vaddr() + bias, ph.filesz(), ph.memsz(), ph.align()));
        return new LoadedImage(elf.path(), elf.entry() + bias, bias, phdrAddress,
                elf.phentsize(), elf.phnum(), pageUp(highest), elf.executableStack(), tls,
                regions);
    }

    /**
     * AT_PHDR: PT_PHDR's address if present, else the address where the PT_LOAD that contains
     * e_phoff maps it (Linux 5.18+ does the same), else Linux's older guess
     * {@code first segment's (vaddr - offset) + e_phoff}, which may be unmapped.
     */
    private static long phdrAddress(ElfFile elf, long bias) {
        Optional<ProgramHeader> phdr = elf.find(PT_PHDR);
        if (phdr.isPresent()) {
            return phdr.get().vaddr() + bias;
        }
        long phoff = elf.phoff();
        for (ProgramHeader ph : elf.loadSegments()) {
            if (Long.compareUnsigned(phoff, ph.offset()) >= 0
                    && Long.compareUnsigned(phoff - ph.offset(), ph.filesz()) < 0) {
                return ph.vaddr() + (phoff - ph.offset()) + bias;
            }
        }
        ProgramHeader first = elf.loadSegments().getFirst();
        return first.vaddr() - first.offset() + phoff + bias;
    }

    /**
     * Splits page-aligned spans at every boundary, gives each piece the union of the permissions
     * of the spans covering it, and merges neighbours with equal permissions. Spans are few (one
     * per PT_LOAD), so the quadratic scan is fine and, unlike a per-page map, does not depend on
     * the segments' sizes.
     */
    private static List<MappedRegion> unionOfPermissions(List<MappedRegion> spans) {
        TreeSet<Long> cuts = new TreeSet<>();
        for (MappedRegion s : spans) {
            cuts.add(s.start());
            cuts.add(s.end());
        }
        List<MappedRegion> regions = new ArrayList<>();
        Long from = cuts.pollFirst();
        for (Long to : cuts) {
            int prot = 0;
            boolean covered = false;
            for (MappedRegion s : spans) {
                if (s.start() <= from && to <= s.end()) {
                    prot |= s.prot();
                    covered = true;
                }
            }
            if (covered) {
                MappedRegion last = regions.isEmpty() ? null : regions.getLast();
                if (last != null && last.end() == from && last.prot() == prot) {
                    regions.set(regions.size() - 1,
                            new MappedRegion(last.start(), to - last.start(), prot, last.name()));
                } else {
                    regions.add(new MappedRegion(from, to - from, prot, spans.getFirst().name()));
                }
            }
            from = to;
        }
        return regions;
    }

    static long pageDown(long address) {
        return address & -PAGE;
    }

    static long pageUp(long address) {
        return (address + PAGE - 1) & -PAGE;
    }
}
