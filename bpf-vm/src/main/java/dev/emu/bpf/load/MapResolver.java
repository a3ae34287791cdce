package dev.emu.bpf.load;

import dev.emu.bpf.map.BpfMap;

/** Resolves the map fd of an {@code lddw} with a pseudo source (the kernel looks it up in the loader's fd table). */
@FunctionalInterface
public interface MapResolver {
    /** The map open as {@code fd}, or null if {@code fd} is not a map. */
    BpfMap resolve(int fd);

    /** A resolver for programs that use no maps: every fd is refused. */
    MapResolver NONE = fd -> null;
}
