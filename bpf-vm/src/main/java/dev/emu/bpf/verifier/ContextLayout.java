package dev.emu.bpf.verifier;

import java.util.List;

/**
 * The context a program type's r1 points at: {@code size} bytes, of which only {@code fields} may
 * be accessed. Immutable.
 */
public record ContextLayout(int size, List<ContextField> fields) {
    public ContextLayout {
        fields = List.copyOf(fields);
        for (ContextField f : fields) {
            if (f.offset() + f.size() > size) {
                throw new IllegalArgumentException("context field " + f.name() + " ends past the context size " + size);
            }
        }
    }

    /** A context of {@code size} raw bytes, all readable, writable if {@code writable} (e.g. a packet). */
    public static ContextLayout raw(int size, boolean writable) {
        return new ContextLayout(size, List.of(new ContextField("data", 0, size, writable)));
    }

    /**
     * A read-only context of {@code size} bytes where each access is naturally aligned (off % size
     * == 0), as kprobe_prog_is_valid_access, tp_prog_is_valid_access and raw_tp's require.
     */
    public static ContextLayout alignedReadOnly(int size) {
        return new ContextLayout(size, List.of(new ContextField("data", 0, size, false, FieldAccess.BUFFER)));
    }

    /** The field wholly containing {@code [off, off + size)}, or null. */
    public ContextField fieldFor(long off, int size) {
        for (ContextField f : fields) {
            if (off >= f.offset() && off + size <= (long) f.offset() + f.size()) {
                return f;
            }
        }
        return null;
    }
}
