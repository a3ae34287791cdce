package dev.emu.kernel.loader;

/**
 * The PT_TLS segment of a loaded image: the initialisation image (.tdata) and the full block
 * size (.tdata + .tbss). Recorded only; musl and glibc find it through AT_PHDR and set up the
 * thread pointer themselves (arch_prctl(ARCH_SET_FS)).
 *
 * @param imageAddress relocated address of .tdata in memory
 * @param imageSize p_filesz, bytes of .tdata
 * @param memSize p_memsz, .tdata plus .tbss
 * @param align p_align
 */
public record TlsInfo(long imageAddress, long imageSize, long memSize, long align) {}
