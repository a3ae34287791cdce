package dev.emu.bpf.helper;

/** Kinds of helper arguments, as Linux's {@code enum bpf_arg_type}; the verifier reads these. */
public enum ArgType {
    /** Any scalar or pointer; not checked. */
    ANYTHING,
    /** A map pointer from lddw BPF_PSEUDO_MAP_FD. */
    CONST_MAP_PTR,
    /** Pointer to key_size readable bytes of the map given by the previous CONST_MAP_PTR. */
    PTR_TO_MAP_KEY,
    /** Pointer to value_size readable bytes of the map given by the previous CONST_MAP_PTR. */
    PTR_TO_MAP_VALUE,
    /** Pointer to readable memory whose size is the next argument. */
    PTR_TO_MEM,
    /** Pointer to writable memory (may be uninitialised) whose size is the next argument. */
    PTR_TO_UNINIT_MEM,
    /** Size of the preceding memory argument, greater than zero. */
    CONST_SIZE,
    /** Size of the preceding memory argument, may be zero. */
    CONST_SIZE_OR_ZERO,
    /** A ringbuf sample from bpf_ringbuf_reserve, not yet submitted or discarded. */
    PTR_TO_ALLOC_MEM,
    /** Size of the allocation to make, known at verification time. */
    CONST_ALLOC_SIZE_OR_ZERO,
    /** A subprogram from lddw BPF_PSEUDO_FUNC, called back by the helper (ARG_PTR_TO_FUNC). */
    PTR_TO_FUNC,
    /** A pointer to the stack, or 0: the callback's context (ARG_PTR_TO_STACK_OR_NULL). */
    PTR_TO_STACK_OR_NULL,
    /** As {@link #PTR_TO_MEM}, or 0 when the next (size) argument is 0. */
    PTR_TO_MEM_OR_NULL,
    /** As {@link #PTR_TO_UNINIT_MEM}, or 0 when the next (size) argument is 0. */
    PTR_TO_UNINIT_MEM_OR_NULL,
    /** A NUL-terminated string at a constant offset of a read-only (frozen BPF_F_RDONLY_PROG) map value (ARG_PTR_TO_CONST_STR). */
    CONST_STR,
    /** Pointer to value_size writable (possibly uninitialised) bytes, filled by the helper (pop, peek). */
    PTR_TO_UNINIT_MAP_VALUE,
    /** The program's context pointer, unmodified (ARG_PTR_TO_CTX). */
    PTR_TO_CTX
}
