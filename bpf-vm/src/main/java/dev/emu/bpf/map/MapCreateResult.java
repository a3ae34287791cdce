package dev.emu.bpf.map;

import dev.emu.abi.Errno;

/**
 * The outcome of creating a map: the map, or the errno Linux's BPF_MAP_CREATE returns.
 *
 * @param map the new map, or null on error
 * @param error the errno, or null on success
 */
public record MapCreateResult(BpfMap map, Errno error) {
    /** A success. */
    public static MapCreateResult ok(BpfMap map) {
        return new MapCreateResult(map, null);
    }

    /** A failure with {@code e}. */
    public static MapCreateResult error(Errno e) {
        return new MapCreateResult(null, e);
    }

    /** True if the map was created. */
    public boolean isOk() {
        return map != null;
    }
}
