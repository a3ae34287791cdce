package dev.emu.bpf.helper;

/** Kinds of helper return values, as Linux's {@code enum bpf_return_type}. */
public enum RetType {
    /** A scalar. */
    INTEGER,
    /** Nothing (r0 is undefined after the call). */
    VOID,
    /** Pointer to a value of the map argument, or 0. */
    PTR_TO_MAP_VALUE_OR_NULL,
    /** Pointer to a ringbuf sample of the requested size, or 0; must be submitted or discarded. */
    PTR_TO_ALLOC_MEM_OR_NULL
}
