package dev.emu.bpf.map;

/**
 * Where a map's memory is charged when it is created (Linux charges the creator's memory
 * cgroup in bpf_map_area_alloc): the guest kernel's memory accountant, or nothing for the
 * standalone VM. A refused charge makes BPF_MAP_CREATE fail with ENOMEM before any storage
 * exists.
 */
@FunctionalInterface
public interface MemoryCharge {
    /** Charges {@code bytes}; false when they do not fit. */
    boolean tryCharge(long bytes);

    /** No limit (the standalone VM, tests). */
    MemoryCharge UNLIMITED = bytes -> true;
}
