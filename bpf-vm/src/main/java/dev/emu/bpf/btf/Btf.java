package dev.emu.bpf.btf;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A loaded, checked BTF blob (Linux's struct btf): the raw bytes as the caller passed them (what
 * bpf_btf_info returns), the types by id and the string section. Immutable. Made by
 * {@link BtfLoader}.
 */
public final class Btf {
    private final byte[] raw;
    /** Index = type id; index 0 is void (null). */
    private final List<BtfType> types;
    private final byte[] strings;
    private final BtfSizes sizes;

    Btf(byte[] raw, List<BtfType> types, byte[] strings, BtfSizes sizes) {
        this.raw = raw;
        this.types = types;
        this.strings = strings;
        this.sizes = sizes;
    }

    /** The blob as loaded (a copy). */
    public byte[] raw() {
        return raw.clone();
    }

    public int size() {
        return raw.length;
    }

    /** Number of type ids including void (btf__type_cnt). */
    public int typeCount() {
        return types.size();
    }

    /** The type with {@code id}, or null for void and ids out of range. */
    public BtfType type(long id) {
        return id > 0 && id < types.size() ? types.get((int) id) : null;
    }

    /** The NUL-terminated string at {@code off} of the string section ("" if out of range). */
    public String string(int off) {
        return string(strings, off);
    }

    static String string(byte[] strings, int off) {
        if (off < 0 || off >= strings.length) {
            return "";
        }
        int end = off;
        while (end < strings.length && strings[end] != 0) {
            end++;
        }
        return new String(strings, off, end - off, StandardCharsets.ISO_8859_1);
    }

    /** Id of the first type named {@code name} of {@code kind}, or -1. */
    public int find(String name, int kind) {
        for (int i = 1; i < types.size(); i++) {
            BtfType t = types.get(i);
            if (t.kind() == kind && t.name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** btf_type_skip_modifiers: follows typedef/const/volatile/restrict/type_tag; the id reached (0 for a loop). */
    public int skipModifiers(int id) {
        return sizes.skip(id);
    }

    /**
     * btf_type_id_size: the size in bytes of type {@code id} after modifiers, or -1 if it has none
     * (void, FUNC, FUNC_PROTO, FWD, VAR, DECL_TAG, a loop).
     */
    public long sizeOf(int id) {
        long s = sizes.size(id);
        return s < 0 ? -1 : s;
    }
}
