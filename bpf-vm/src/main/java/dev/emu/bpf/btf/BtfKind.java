package dev.emu.bpf.btf;

/** BTF kinds (include/uapi/linux/btf.h BTF_KIND_*) and their names as btf.c's btf_kind_str prints them. */
public final class BtfKind {
    private BtfKind() {}

    public static final int UNKN = 0, INT = 1, PTR = 2, ARRAY = 3, STRUCT = 4, UNION = 5, ENUM = 6, FWD = 7,
            TYPEDEF = 8, VOLATILE = 9, CONST = 10, RESTRICT = 11, FUNC = 12, FUNC_PROTO = 13, VAR = 14,
            DATASEC = 15, FLOAT = 16, DECL_TAG = 17, TYPE_TAG = 18, ENUM64 = 19;
    /** NR_BTF_KINDS - 1. */
    public static final int MAX = ENUM64;

    private static final String[] NAMES = {"UNKNOWN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD",
        "TYPEDEF", "VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT", "DECL_TAG",
        "TYPE_TAG", "ENUM64"};

    public static String name(int kind) {
        return kind >= 0 && kind <= MAX ? NAMES[kind] : "UNKNOWN";
    }

    /** Kinds that only refer to another type (btf_type_is_modifier plus PTR). */
    static boolean isReference(int kind) {
        return kind == PTR || kind == TYPEDEF || kind == VOLATILE || kind == CONST || kind == RESTRICT
                || kind == TYPE_TAG;
    }

    /** btf_type_is_modifier: typedef, volatile, const, restrict, type_tag. */
    static boolean isModifier(int kind) {
        return kind == TYPEDEF || kind == VOLATILE || kind == CONST || kind == RESTRICT || kind == TYPE_TAG;
    }
}
