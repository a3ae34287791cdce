package dev.emu.bpf.btf;

/**
 * One type of a BTF blob (struct btf_type plus the data that follows it), as loaded: id, kind,
 * name, vlen, kind_flag, the size_or_type word, and the kind's trailing data as raw u32 words
 * (btf_array, btf_member[], btf_enum[], btf_param[], btf_var, btf_var_secinfo[], ...).
 *
 * @param id type id (1 is the first type; 0 is void)
 * @param kind {@link BtfKind}
 * @param nameOff offset of the name in the string section
 * @param name the name ("" when nameOff is 0)
 * @param vlen btf_type_vlen
 * @param kindFlag btf_type_kflag
 * @param sizeOrType size for sized kinds, the referenced type id for the others
 * @param data the trailing u32 words
 */
public record BtfType(int id, int kind, int nameOff, String name, int vlen, boolean kindFlag, int sizeOrType,
                      int[] data) {
    /** The referenced type of PTR, TYPEDEF, the modifiers, FUNC, VAR, DECL_TAG. */
    public int type() {
        return sizeOrType;
    }

    /** The size of INT, STRUCT, UNION, ENUM, ENUM64, DATASEC, FLOAT. */
    public long size() {
        return Integer.toUnsignedLong(sizeOrType);
    }
}
