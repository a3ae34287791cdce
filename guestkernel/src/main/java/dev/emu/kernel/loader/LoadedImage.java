package dev.emu.kernel.loader;

import java.util.List;
import java.util.Optional;

/**
 * What {@link ElfLoader#load} put in the address space and what exec needs next.
 *
 * @param path the executable's path (as given to exec)
 * @param entry relocated entry point (AT_ENTRY, initial RIP)
 * @param loadBias added to every p_vaddr: 0 for ET_EXEC, the PIE base for ET_DYN
 * @param phdrAddress program headers in memory (AT_PHDR)
 * @param phent size of one program header (AT_PHENT)
 * @param phnum number of program headers (AT_PHNUM)
 * @param brk initial program break: page-aligned end of the highest segment (mm->start_brk)
 * @param executableStack whether PT_GNU_STACK asks for an executable stack
 * @param tls the PT_TLS segment, if any
 * @param regions mapped ranges in ascending address order, for VMA registration
 */
public record LoadedImage(String path, long entry, long loadBias, long phdrAddress, int phent,
                          int phnum, long brk, boolean executableStack, Optional<TlsInfo> tls,
                          List<MappedRegion> regions) {
    public LoadedImage {
        regions = List.copyOf(regions);
    }
}
