package dev.emu.bpf.load;

import dev.emu.bpf.map.BpfMap;

/** Resolves the map fd of an {@code lddw} with a pseudo source (the kernel looks it up in the loader's fd table). */
@FunctionalInterface
public interface MapResolver {
    /** The map open as {@code fd}, or null if {@code fd} is not a map. */
    BpfMap resolve(int fd);

    /**
     * The map an {@code lddw} names: by fd (BPF_PSEUDO_MAP_FD / MAP_VALUE) or by its index in
     * the loader's fd_array (BPF_PSEUDO_MAP_IDX / MAP_IDX_VALUE); null if it is not a map. The
     * default knows only fds.
     */
    default BpfMap resolve(int src, int imm) {
        return resolve(imm);
    }

    /** A resolver for programs that use no maps: every fd is refused. */
    MapResolver NONE = fd -> null;
}
