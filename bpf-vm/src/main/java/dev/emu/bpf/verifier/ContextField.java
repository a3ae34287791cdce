package dev.emu.bpf.verifier;

/**
 * One field of a program type's context: {@code size} bytes at {@code offset}, readable, and
 * writable by the program if {@code writable}. A load or store must lie inside one field and obey
 * its {@link FieldAccess} rule (cf. Linux's per-type {@code is_valid_access}).
 *
 * @param hiddenOffset for a packet-pointer field: where the 8-byte pointer the engines load lives
 *     in the runtime context, past the public struct (cf. convert_ctx_access); else -1
 */
public record ContextField(String name, int offset, int size, boolean writable, FieldAccess access,
                           int hiddenOffset) {
    public ContextField {
        if (offset < 0 || size <= 0) {
            throw new IllegalArgumentException("bad context field " + name + " at " + offset + " size " + size);
        }
    }

    /** A field with {@link FieldAccess#PLAIN} access. */
    public ContextField(String name, int offset, int size, boolean writable) {
        this(name, offset, size, writable, FieldAccess.PLAIN, -1);
    }

    /** A field with the given access rule. */
    public ContextField(String name, int offset, int size, boolean writable, FieldAccess access) {
        this(name, offset, size, writable, access, -1);
    }

    /**
     * True if a load ({@code write} false) or store of {@code size} bytes at context offset
     * {@code off}, which lies inside this field, obeys the field's rule.
     */
    public boolean allows(long off, int size, boolean write) {
        if (write && !writable) {
            return false;
        }
        return switch (access) {
            case PLAIN -> true;
            case NARROW -> write ? off == offset && size == this.size
                    : off % size == 0 && Integer.bitCount(size) == 1 && size <= this.size;
            case WHOLE -> off == offset && size == this.size;
            case BUFFER -> off % size == 0;
            case PACKET, PACKET_END, PACKET_META -> !write && off == offset && size == 4;
        };
    }
}
