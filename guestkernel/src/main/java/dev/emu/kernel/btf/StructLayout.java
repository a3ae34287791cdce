package dev.emu.kernel.btf;

import java.util.Map;

/**
 * Where the members of one kernel struct are in emu's images of it: the layout the kernel BTF
 * describes, which the image builders write by member name so the two cannot disagree.
 *
 * @param name the struct's name
 * @param btfId its id in the kernel BTF
 * @param size its size in bytes
 * @param fields member name → offset and size (members of anonymous structs/unions included)
 */
public record StructLayout(String name, int btfId, long size, Map<String, Field> fields) {
    public record Field(long offset, long size) {}

    /** The offset of member {@code member}; fails loudly for a name the struct does not have. */
    public int off(String member) {
        Field f = fields.get(member);
        if (f == null) {
            throw new IllegalArgumentException("struct " + name + " has no member " + member);
        }
        return (int) f.offset();
    }
}
