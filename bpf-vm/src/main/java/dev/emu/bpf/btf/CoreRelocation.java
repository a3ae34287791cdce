package dev.emu.bpf.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * One CO-RE relocation (struct bpf_core_relo) resolved against a target BTF, as libbpf's and the
 * kernel's relo_core.c define it: the local spec is parsed from the program's BTF and access
 * string (bpf_core_parse_spec), matched against every target type with the same essential name
 * and kind (bpf_core_spec_match: members by name, through anonymous members, compatible field
 * kinds), and the relocated value computed (bpf_core_calc_relo). Supported kinds: field byte
 * offset, byte size, exists, signed, lshift/rshift for whole (non-bitfield) fields; type id
 * local/target, type exists, type size; enum value exists/value. TYPE_MATCHES and bitfields are
 * refused (the caller reports them).
 */
public final class CoreRelocation {
    /** enum bpf_core_relo_kind. */
    public static final int FIELD_BYTE_OFFSET = 0, FIELD_BYTE_SIZE = 1, FIELD_EXISTS = 2, FIELD_SIGNED = 3,
            FIELD_LSHIFT_U64 = 4, FIELD_RSHIFT_U64 = 5, TYPE_ID_LOCAL = 6, TYPE_ID_TARGET = 7, TYPE_EXISTS = 8,
            TYPE_SIZE = 9, ENUMVAL_EXISTS = 10, ENUMVAL_VALUE = 11, TYPE_MATCHES = 12;

    /**
     * The outcome: the value the program was compiled with ({@code local}), the relocated one
     * ({@code target}), the field's byte size in each (for loads whose width changes), whether
     * the instruction must be poisoned (no match for a kind that needs one), or an error.
     */
    public record Result(long local, long target, int localSize, int targetSize, boolean poison, String error) {
        static Result error(String e) {
            return new Result(0, 0, 0, 0, false, e);
        }
    }

    /** One step of a spec: a member (by name) or an array index. */
    private record Access(boolean member, String name, int index) {}

    /** A parsed spec: the root's (first) index, the named steps, and the field found. */
    private record Spec(int rootIndex, List<Access> access, long bitOffset, int fieldType, int rootType) {}

    private CoreRelocation() {}

    private static boolean fieldKind(int kind) {
        return kind <= FIELD_RSHIFT_U64;
    }

    private static boolean enumKind(int kind) {
        return kind == ENUMVAL_EXISTS || kind == ENUMVAL_VALUE;
    }

    /** bpf_core_essential_name_len: the name without its "___flavour" suffix. */
    static String essential(String name) {
        for (int i = name.length() - 5; i > 0; i--) {
            if (name.startsWith("___", i) && name.charAt(i - 1) != '_' && name.charAt(i + 3) != '_') {
                return name.substring(0, i);
            }
        }
        return name;
    }

    private static int skip(Btf btf, int id) {
        return btf.skipModifiers(id);
    }

    private static boolean composite(BtfType t) {
        return t != null && (t.kind() == BtfKind.STRUCT || t.kind() == BtfKind.UNION);
    }

    private static boolean isEnum(BtfType t) {
        return t != null && (t.kind() == BtfKind.ENUM || t.kind() == BtfKind.ENUM64);
    }

    /** Resolves relocation {@code kind} of local root type {@code typeId} with access string {@code access}. */
    public static Result resolve(Btf local, Btf target, int typeId, String access, int kind) {
        if (kind < 0 || kind > TYPE_MATCHES) {
            return Result.error("unknown relocation kind " + kind);
        }
        if (kind == TYPE_MATCHES) {
            return Result.error("TYPE_MATCHES relocations are not supported");
        }
        BtfType root = local.type(typeId);
        if (root == null) {
            return Result.error("invalid local type id " + typeId);
        }
        if (kind == TYPE_ID_LOCAL) {
            return new Result(typeId, typeId, 0, 0, false, null);
        }
        String name = essential(root.name());
        if (name.isEmpty()) {
            return Result.error("local type " + typeId + " has no name");
        }
        Spec localSpec;
        try {
            localSpec = parse(local, typeId, access, kind);
        } catch (IllegalArgumentException e) {
            return Result.error(e.getMessage());
        }
        long localValue = value(local, localSpec, kind, typeId);
        int localSize = fieldKind(kind) ? (int) local.sizeOf(localSpec.fieldType()) : 0;
        Long found = null;
        int foundSize = 0;
        for (int id = 1; id < target.typeCount(); id++) {
            BtfType cand = target.type(id);
            if (!sameKind(root, cand) || !essential(cand.name()).equals(name)) {
                continue;
            }
            Spec t = match(local, localSpec, target, id, kind);
            if (t == null) {
                continue;
            }
            long v = value(target, t, kind, id);
            if (found != null && found != v) {
                return Result.error("relocation has ambiguous candidates with different values");
            }
            found = v;
            foundSize = fieldKind(kind) ? (int) target.sizeOf(t.fieldType()) : 0;
        }
        if (found == null) {
            boolean existence = kind == FIELD_EXISTS || kind == TYPE_EXISTS || kind == ENUMVAL_EXISTS;
            return new Result(localValue, 0, localSize, 0, !existence, null);
        }
        return new Result(localValue, found, localSize, foundSize, false, null);
    }

    private static boolean sameKind(BtfType local, BtfType cand) {
        if (cand == null) {
            return false;
        }
        if (isEnum(local)) {
            return isEnum(cand);
        }
        return local.kind() == cand.kind();
    }

    /** bpf_core_parse_spec on the local side. */
    private static Spec parse(Btf btf, int typeId, String access, int kind) {
        String[] parts = access.split(":");
        int[] idx = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                idx[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid access string " + access);
            }
            if (idx[i] < 0) {
                throw new IllegalArgumentException("invalid access string " + access);
            }
        }
        if (!fieldKind(kind) && !enumKind(kind)) {
            if (parts.length != 1 || idx[0] != 0) {
                throw new IllegalArgumentException("type relocation with access string " + access);
            }
            return new Spec(0, List.of(), 0, typeId, typeId);
        }
        if (enumKind(kind)) {
            BtfType t = btf.type(skip(btf, typeId));
            if (!isEnum(t) || parts.length != 1 || idx[0] >= t.vlen()) {
                throw new IllegalArgumentException("invalid enum access string " + access);
            }
            int stride = t.kind() == BtfKind.ENUM ? 2 : 3;
            return new Spec(0, List.of(new Access(true, btf.string(t.data()[idx[0] * stride]), idx[0])), 0, typeId,
                    typeId);
        }
        long rootSize = btf.sizeOf(typeId);
        if (rootSize < 0) {
            throw new IllegalArgumentException("local root type " + typeId + " has no size");
        }
        long bits = idx[0] * rootSize * 8;
        int id = typeId;
        List<Access> steps = new ArrayList<>();
        for (int i = 1; i < idx.length; i++) {
            id = skip(btf, id);
            BtfType t = btf.type(id);
            if (composite(t)) {
                if (idx[i] >= t.vlen()) {
                    throw new IllegalArgumentException("member index " + idx[i] + " out of range in " + access);
                }
                int off = t.data()[3 * idx[i] + 2];
                if (t.kindFlag() && (off >>> 24) != 0) {
                    throw new IllegalArgumentException("bitfield relocations are not supported");
                }
                bits += t.kindFlag() ? off & 0xffffff : Integer.toUnsignedLong(off);
                String name = btf.string(t.data()[3 * idx[i]]);
                if (!name.isEmpty()) {
                    steps.add(new Access(true, name, idx[i]));
                }
                id = t.data()[3 * idx[i] + 1];
            } else if (t != null && t.kind() == BtfKind.ARRAY) {
                int elem = t.data()[0];
                long es = btf.sizeOf(elem);
                bits += idx[i] * es * 8;
                steps.add(new Access(false, null, idx[i]));
                id = elem;
            } else {
                throw new IllegalArgumentException("access string " + access + " steps into a non-composite type");
            }
        }
        return new Spec(idx[0], steps, bits, id, typeId);
    }

    /** bpf_core_spec_match: the local spec on target root {@code targId}, or null if it does not fit. */
    private static Spec match(Btf local, Spec spec, Btf target, int targId, int kind) {
        if (!fieldKind(kind) && !enumKind(kind)) {
            return typesCompatible(local, spec.rootType(), target, targId, 8) ? new Spec(0, List.of(), 0, targId, targId)
                    : null;
        }
        if (enumKind(kind)) {
            BtfType t = target.type(skip(target, targId));
            if (!isEnum(t)) {
                return null;
            }
            String want = essential(spec.access().getFirst().name());
            int stride = t.kind() == BtfKind.ENUM ? 2 : 3;
            for (int i = 0; i < t.vlen(); i++) {
                if (essential(target.string(t.data()[i * stride])).equals(want)) {
                    return new Spec(0, List.of(new Access(true, want, i)), 0, targId, targId);
                }
            }
            return null;
        }
        long rootSize = target.sizeOf(targId);
        if (rootSize < 0) {
            return null;
        }
        long[] bits = {spec.rootIndex() * rootSize * 8};
        int id = targId;
        int localId = spec.rootType();
        for (Access a : spec.access()) {
            id = skip(target, id);
            BtfType t = target.type(id);
            if (a.member()) {
                if (!composite(t)) {
                    return null;
                }
                int found = findMember(target, id, a.name(), bits);
                if (found < 0) {
                    return null;
                }
                id = found;
            } else {
                if (t == null || t.kind() != BtfKind.ARRAY) {
                    return null;
                }
                int n = t.data()[2];
                if (a.index() >= n && n > 1) {
                    return null; // past the target's array (a 0 or 1-element array is flexible)
                }
                bits[0] += a.index() * target.sizeOf(t.data()[0]) * 8;
                id = t.data()[0];
            }
        }
        if (!fieldsCompatible(local, spec.fieldType(), target, id)) {
            return null;
        }
        return new Spec(spec.rootIndex(), spec.access(), bits[0], id, targId);
    }

    /**
     * bpf_core_match_member: the type id of member {@code name} of composite {@code id}, looking
     * inside anonymous members; adds its bit offset to {@code bits[0]}. -1 if there is none.
     */
    private static int findMember(Btf btf, int id, String name, long[] bits) {
        BtfType t = btf.type(id);
        for (int i = 0; i < t.vlen(); i++) {
            String m = btf.string(t.data()[3 * i]);
            int mt = t.data()[3 * i + 1];
            int off = t.data()[3 * i + 2];
            long mbits = t.kindFlag() ? off & 0xffffff : Integer.toUnsignedLong(off);
            if (t.kindFlag() && (off >>> 24) != 0) {
                continue; // bitfields are not matched
            }
            if (m.isEmpty()) {
                int inner = skip(btf, mt);
                if (composite(btf.type(inner))) {
                    long[] sub = {0};
                    int r = findMember(btf, inner, name, sub);
                    if (r >= 0) {
                        bits[0] += mbits + sub[0];
                        return r;
                    }
                }
            } else if (m.equals(name)) {
                bits[0] += mbits;
                return mt;
            }
        }
        return -1;
    }

    /** bpf_core_fields_are_compat. */
    private static boolean fieldsCompatible(Btf local, int localId, Btf target, int targId) {
        for (int depth = 0; depth < 32; depth++) {
            BtfType l = local.type(skip(local, localId));
            BtfType t = target.type(skip(target, targId));
            if (l == null || t == null) {
                return l == t;
            }
            if (composite(l) && (composite(t) || t.kind() == BtfKind.FWD)) {
                return true;
            }
            if (isEnum(l) && isEnum(t)) {
                return true;
            }
            if (l.kind() != t.kind()) {
                return false;
            }
            switch (l.kind()) {
                case BtfKind.FWD, BtfKind.PTR, BtfKind.FLOAT -> {
                    return true;
                }
                case BtfKind.INT -> {
                    return (l.data()[0] & 0xff0000) == 0 && (t.data()[0] & 0xff0000) == 0;
                }
                case BtfKind.ARRAY -> {
                    localId = l.data()[0];
                    targId = t.data()[0];
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    /** __bpf_core_types_are_compat: same kinds all the way down (pointers, arrays, prototypes). */
    private static boolean typesCompatible(Btf local, int localId, Btf target, int targId, int depth) {
        if (depth < 0) {
            return false;
        }
        BtfType l = local.type(skip(local, localId));
        BtfType t = target.type(skip(target, targId));
        if (l == null || t == null) {
            return l == t;
        }
        if (isEnum(l) && isEnum(t)) {
            return true;
        }
        if (l.kind() != t.kind()) {
            return false;
        }
        return switch (l.kind()) {
            case BtfKind.STRUCT, BtfKind.UNION, BtfKind.FWD, BtfKind.FLOAT -> true;
            case BtfKind.INT -> (l.data()[0] & 0xff0000) == 0 && (t.data()[0] & 0xff0000) == 0;
            case BtfKind.PTR -> typesCompatible(local, l.type(), target, t.type(), depth - 1);
            case BtfKind.ARRAY -> typesCompatible(local, l.data()[0], target, t.data()[0], depth - 1);
            case BtfKind.FUNC_PROTO -> {
                if (l.vlen() != t.vlen()) {
                    yield false;
                }
                for (int i = 0; i < l.vlen(); i++) {
                    if (!typesCompatible(local, l.data()[2 * i + 1], target, t.data()[2 * i + 1], depth - 1)) {
                        yield false;
                    }
                }
                yield typesCompatible(local, l.type(), target, t.type(), depth - 1);
            }
            default -> false;
        };
    }

    /** bpf_core_calc_field_relo / type / enumval values of a matched spec. */
    private static long value(Btf btf, Spec s, int kind, int rootId) {
        switch (kind) {
            case FIELD_BYTE_OFFSET -> {
                return s.bitOffset() / 8;
            }
            case FIELD_BYTE_SIZE -> {
                return btf.sizeOf(s.fieldType());
            }
            case FIELD_EXISTS, TYPE_EXISTS, ENUMVAL_EXISTS -> {
                return 1;
            }
            case FIELD_SIGNED -> {
                BtfType t = btf.type(skip(btf, s.fieldType()));
                if (isEnum(t)) {
                    return t.kindFlag() ? 1 : 0;
                }
                return t != null && t.kind() == BtfKind.INT && ((t.data()[0] >>> 24) & BtfWriter.SIGNED) != 0 ? 1 : 0;
            }
            case FIELD_LSHIFT_U64, FIELD_RSHIFT_U64 -> {
                return 64 - btf.sizeOf(s.fieldType()) * 8;
            }
            case TYPE_ID_TARGET -> {
                return rootId;
            }
            case TYPE_SIZE -> {
                return btf.sizeOf(rootId);
            }
            case ENUMVAL_VALUE -> {
                BtfType t = btf.type(skip(btf, rootId));
                int i = s.access().getFirst().index();
                if (t.kind() == BtfKind.ENUM) {
                    int v = t.data()[2 * i + 1];
                    return t.kindFlag() ? v : Integer.toUnsignedLong(v);
                }
                return Integer.toUnsignedLong(t.data()[3 * i + 1]) | (long) t.data()[3 * i + 2] << 32;
            }
            default -> {
                return 0;
            }
        }
    }
}
