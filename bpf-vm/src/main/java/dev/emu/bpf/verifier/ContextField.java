package dev.emu.bpf.verifier;

/**
 * One field of a program type's context: {@code size} bytes at {@code offset}, readable, and
 * writable by the program if {@code writable}. A load or store must lie inside one field and be
 * at most its size (cf. Linux's per-type {@code is_valid_access}).
 */
public record ContextField(String name, int offset, int size, boolean writable) {
    public ContextField {
        if (offset < 0 || size <= 0) {
            throw new IllegalArgumentException("bad context field " + name + " at " + offset + " size " + size);
        }
    }
}
