package dev.emu.bpf.btf;

import dev.emu.abi.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BTF_LOAD's parse and checks, after kernel/bpf/btf.c btf_parse: the header (btf_parse_hdr,
 * btf_check_sec_info), the string section (btf_parse_str_sec), every type's meta data
 * (btf_check_all_metas: info bits, kind, name offset, each kind's check_meta) and then the
 * references between types (btf_check_all_types: type ids in range, modifier loops, FUNC →
 * FUNC_PROTO, DATASEC → VAR, members and elements of a size). Errors carry Linux's errno and
 * log line; with a log every type is logged as btf_verifier_log_type prints it
 * ("[id] KIND name details").
 */
public final class BtfLoader {
    /** BTF_MAX_SIZE. */
    public static final int MAX_SIZE = 16 * 1024 * 1024;
    static final int MAGIC = 0xeb9f;
    static final int HEADER_SIZE = 24;
    /** BTF_MAX_TYPE, BTF_MAX_NAME_OFFSET, BTF_MAX_VLEN, KSYM_NAME_LEN. */
    static final int MAX_TYPE = 0x000fffff, MAX_NAME_OFFSET = 0x00ffffff, KSYM_NAME_LEN = 512;
    /** BTF_INFO_MASK: kind (bits 24-28), vlen (0-15), kind_flag (31). */
    static final int INFO_MASK = 0x9f00ffff;
    /** BTF_INT_SIGNED, BTF_INT_CHAR, BTF_INT_BOOL. */
    static final int INT_SIGNED = 1, INT_CHAR = 2, INT_BOOL = 4;

    private final byte[] data;
    private final StringBuilder log = new StringBuilder();
    private final boolean logging;
    private byte[] strings;
    private final List<BtfType> types = new ArrayList<>();
    /** Every type's size and modifier target, computed once all types are known. */
    private BtfSizes sizes;

    private BtfLoader(byte[] data, boolean logging) {
        this.data = data;
        this.logging = logging;
        types.add(null); // void
    }

    /** Parses and checks {@code data}; {@code logging} as a non-zero btf_log_level. */
    public static BtfLoadResult load(byte[] data, boolean logging) {
        BtfLoader l = new BtfLoader(data, logging);
        Errno e = l.parse();
        String text = l.log.toString();
        if (e != null) {
            return new BtfLoadResult.Refused(e, text);
        }
        return new BtfLoadResult.Loaded(new Btf(data.clone(), l.typeList(), l.strings, l.sizes), text);
    }

    private List<BtfType> typeList() {
        return java.util.Collections.unmodifiableList(new ArrayList<>(types));
    }

    private void line(String s) {
        log.append(s).append('\n');
    }

    private Errno fail(Errno e, String message) {
        line(message);
        return e;
    }

    private Errno parse() {
        if (data.length < 8) {
            return fail(Errno.EINVAL, "hdr_len not found");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long hdrLen = Integer.toUnsignedLong(b.getInt(4));
        if (data.length < hdrLen) {
            return fail(Errno.EINVAL, "btf_header not found");
        }
        if (hdrLen > HEADER_SIZE) {
            for (long i = HEADER_SIZE; i < hdrLen; i++) {
                if (data[(int) i] != 0) {
                    return fail(Errno.E2BIG, "Unsupported btf_header");
                }
            }
        }
        byte[] hdr = Arrays.copyOf(data, HEADER_SIZE); // hdr_copy bytes, the rest zero
        Arrays.fill(hdr, (int) Math.min(hdrLen, HEADER_SIZE), HEADER_SIZE, (byte) 0);
        ByteBuffer h = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN);
        int magic = h.getShort(0) & 0xffff, version = hdr[2] & 0xff, flags = hdr[3] & 0xff;
        long typeOff = Integer.toUnsignedLong(h.getInt(8)), typeLen = Integer.toUnsignedLong(h.getInt(12));
        long strOff = Integer.toUnsignedLong(h.getInt(16)), strLen = Integer.toUnsignedLong(h.getInt(20));
        if (logging) { // btf_verifier_log_hdr
            line("magic: 0x" + Integer.toHexString(magic));
            line("version: " + version);
            line("flags: 0x" + Integer.toHexString(flags));
            line("hdr_len: " + hdrLen);
            line("type_off: " + typeOff);
            line("type_len: " + typeLen);
            line("str_off: " + strOff);
            line("str_len: " + strLen);
            line("btf_total_size: " + data.length);
        }
        if (magic != MAGIC) {
            return fail(Errno.EINVAL, "Invalid magic");
        }
        if (version != 1) {
            return fail(Errno.ENOTSUPP, "Unsupported version");
        }
        if (flags != 0) {
            return fail(Errno.ENOTSUPP, "Unsupported flags");
        }
        if (data.length == hdrLen) {
            return fail(Errno.EINVAL, "No data");
        }
        // btf_check_sec_info: the two sections, by offset, must tile the data exactly.
        long expectedTotal = data.length - hdrLen, total = 0;
        long[][] secs = typeOff <= strOff ? new long[][] {{typeOff, typeLen}, {strOff, strLen}}
                : new long[][] {{strOff, strLen}, {typeOff, typeLen}};
        for (long[] s : secs) {
            if (expectedTotal < s[0]) {
                return fail(Errno.EINVAL, "Invalid section offset");
            }
            if (total < s[0]) {
                return fail(Errno.EINVAL, "Unsupported section found");
            }
            if (total > s[0]) {
                return fail(Errno.EINVAL, "Section overlap found");
            }
            if (expectedTotal - total < s[1]) {
                return fail(Errno.EINVAL, "Total section length too long");
            }
            total += s[1];
        }
        if (expectedTotal != total) {
            return fail(Errno.EINVAL, "Unsupported section found");
        }
        // btf_parse_str_sec
        if (hdrLen + strOff + strLen != data.length) {
            return fail(Errno.EINVAL, "String section is not at the end");
        }
        int so = (int) (hdrLen + strOff);
        if (strLen == 0 || strLen - 1 > MAX_NAME_OFFSET || data[so + (int) strLen - 1] != 0 || data[so] != 0) {
            return fail(Errno.EINVAL, "Invalid string section");
        }
        strings = Arrays.copyOfRange(data, so, so + (int) strLen);
        // btf_parse_type_sec
        if ((typeOff & 3) != 0) {
            return fail(Errno.EINVAL, "Unaligned type_off");
        }
        if (typeLen == 0) {
            return fail(Errno.EINVAL, "No type found");
        }
        Errno e = checkAllMetas(b, (int) (hdrLen + typeOff), (int) typeLen);
        return e != null ? e : checkAllTypes();
    }

    // ---- btf_check_all_metas ----

    private Errno checkAllMetas(ByteBuffer b, int start, int len) {
        int cur = start, end = start + len;
        while (cur < end) {
            int id = types.size();
            int left = end - cur;
            if (left < 12) {
                return fail(Errno.EINVAL, "[" + id + "] meta_left:" + left + " meta_needed:12");
            }
            int nameOff = b.getInt(cur), info = b.getInt(cur + 4), sizeOrType = b.getInt(cur + 8);
            left -= 12;
            if ((info & ~INFO_MASK) != 0) {
                return fail(Errno.EINVAL, "[" + id + "] Invalid btf_info:" + Integer.toHexString(info));
            }
            int kind = (info >>> 24) & 0x1f, vlen = info & 0xffff;
            boolean kflag = info < 0;
            if (kind > BtfKind.MAX || kind == BtfKind.UNKN) {
                return fail(Errno.EINVAL, "[" + id + "] Invalid kind:" + kind);
            }
            if (Integer.toUnsignedLong(nameOff) >= strings.length) {
                return fail(Errno.EINVAL, "[" + id + "] Invalid name_offset:" + Integer.toUnsignedLong(nameOff));
            }
            if (id > MAX_TYPE) {
                return fail(Errno.E2BIG, "Exceeded max num of types");
            }
            int words = trailingWords(kind, vlen);
            String name = Btf.string(strings, nameOff);
            String head = "[" + id + "] " + BtfKind.name(kind) + " " + (name.isEmpty() ? "(anon)" : name);
            if (left < words * 4L) {
                return fail(Errno.EINVAL, head + " meta_left:" + left + " meta_needed:" + words * 4);
            }
            int[] extra = new int[words];
            for (int i = 0; i < words; i++) {
                extra[i] = b.getInt(cur + 12 + 4 * i);
            }
            BtfType t = new BtfType(id, kind, nameOff, name, vlen, kflag, sizeOrType, extra);
            String bad = checkMeta(t);
            if (bad != null) {
                return fail(Errno.EINVAL, head + " " + bad);
            }
            if (logging) {
                line(head + " " + details(t));
            }
            types.add(t);
            cur += 12 + words * 4;
        }
        return null;
    }

    /** The u32 words that follow struct btf_type for this kind (btf_type_ops->check_meta's meta_needed). */
    private static int trailingWords(int kind, int vlen) {
        return switch (kind) {
            case BtfKind.INT, BtfKind.VAR, BtfKind.DECL_TAG -> 1;
            case BtfKind.ARRAY -> 3;
            case BtfKind.STRUCT, BtfKind.UNION, BtfKind.DATASEC, BtfKind.ENUM64 -> 3 * vlen;
            case BtfKind.ENUM, BtfKind.FUNC_PROTO -> 2 * vlen;
            default -> 0;
        };
    }

    /** Each kind's check_meta (btf_int_check_meta, btf_ref_type_check_meta, ...): null or the log reason. */
    private String checkMeta(BtfType t) {
        int kind = t.kind();
        boolean anon = t.nameOff() == 0;
        switch (kind) {
            case BtfKind.INT -> {
                if (t.vlen() != 0) {
                    return "vlen != 0";
                }
                if (t.kindFlag()) {
                    return "Invalid btf_info kind_flag";
                }
                int v = t.data()[0];
                int enc = (v >>> 24) & 0x0f, off = (v >>> 16) & 0xff, bits = v & 0xff;
                if ((v & 0xf0000000) != 0 || (v & 0x0000ff00) != 0) {
                    return "Invalid int_data:" + Integer.toHexString(v);
                }
                long size = t.size();
                if (bits > 128) {
                    return "nr_bits exceeds 128";
                }
                if (off + bits > size * 8) {
                    return "nr_bits exceeds type_size";
                }
                if (size != 1 && size != 2 && size != 4 && size != 8 && size != 16) {
                    return "Unsupported size";
                }
                if (enc != 0 && enc != INT_SIGNED && enc != INT_CHAR && enc != INT_BOOL) {
                    return "Unsupported encoding";
                }
                return null;
            }
            case BtfKind.PTR, BtfKind.VOLATILE, BtfKind.CONST, BtfKind.RESTRICT, BtfKind.TYPEDEF,
                 BtfKind.TYPE_TAG -> {
                if (t.vlen() != 0) {
                    return "vlen != 0";
                }
                if (t.kindFlag()) {
                    return "Invalid btf_info kind_flag";
                }
                if (!validId(t.type())) {
                    return "Invalid type_id";
                }
                if (kind == BtfKind.TYPEDEF || kind == BtfKind.TYPE_TAG) {
                    return anon || !identifier(t.name(), kind == BtfKind.TYPEDEF ? false : true) ? "Invalid name" : null;
                }
                return anon ? null : "Invalid name";
            }
            case BtfKind.ARRAY -> {
                if (!anon) {
                    return "Invalid name";
                }
                if (t.vlen() != 0) {
                    return "vlen != 0";
                }
                if (t.kindFlag()) {
                    return "Invalid btf_info kind_flag";
                }
                if (t.sizeOrType() != 0) {
                    return "size != 0";
                }
                return null;
            }
            case BtfKind.STRUCT, BtfKind.UNION -> {
                if (!anon && !identifier(t.name(), false)) {
                    return "Invalid name";
                }
                long size = t.size();
                for (int i = 0; i < t.vlen(); i++) {
                    int mName = t.data()[3 * i], mType = t.data()[3 * i + 1], mOff = t.data()[3 * i + 2];
                    if (Integer.toUnsignedLong(mName) >= strings.length) {
                        return "Invalid member name_offset:" + Integer.toUnsignedLong(mName);
                    }
                    if (mName != 0 && !identifier(Btf.string(strings, mName), false)) {
                        return "Invalid member name";
                    }
                    if (mType == 0 || !validId(mType)) {
                        return "Invalid type_id";
                    }
                    long bitOff = t.kindFlag() ? mOff & 0xffffff : Integer.toUnsignedLong(mOff);
                    if (kind == BtfKind.UNION && bitOff != 0) {
                        return "Invalid member bits_offset";
                    }
                    if (bitOff / 8 > size) {
                        return "Member bits_offset exceeds its struct size";
                    }
                }
                return null;
            }
            case BtfKind.ENUM, BtfKind.ENUM64 -> {
                long size = t.size();
                if (kind == BtfKind.ENUM ? size != 1 && size != 2 && size != 4 && size != 8
                        : size != 1 && size != 2 && size != 4 && size != 8) {
                    return "Unexpected size";
                }
                if (!anon && !identifier(t.name(), false)) {
                    return "Invalid name";
                }
                int step = kind == BtfKind.ENUM ? 2 : 3;
                for (int i = 0; i < t.vlen(); i++) {
                    int vName = t.data()[step * i];
                    if (vName == 0 || Integer.toUnsignedLong(vName) >= strings.length) {
                        return "Invalid name_offset:" + Integer.toUnsignedLong(vName);
                    }
                    if (!identifier(Btf.string(strings, vName), false)) {
                        return "Invalid name";
                    }
                }
                return null;
            }
            case BtfKind.FWD -> {
                if (t.vlen() != 0) {
                    return "vlen != 0";
                }
                if (t.sizeOrType() != 0) {
                    return "type != 0";
                }
                return anon || !identifier(t.name(), false) ? "Invalid name" : null;
            }
            case BtfKind.FUNC -> {
                if (anon || !identifier(t.name(), false)) {
                    return "Invalid name";
                }
                if (t.vlen() > 2) { // BTF_FUNC_STATIC, GLOBAL, EXTERN
                    return "Invalid func linkage";
                }
                if (t.kindFlag()) {
                    return "Invalid btf_info kind_flag";
                }
                return validId(t.type()) ? null : "Invalid type_id";
            }
            case BtfKind.FUNC_PROTO -> {
                if (!anon) {
                    return "Invalid name";
                }
                if (t.kindFlag()) {
                    return "Invalid btf_info kind_flag";
                }
                if (!validId(t.type())) {
                    return "Invalid return type";
                }
                for (int i = 0; i < t.vlen(); i++) {
                    int pName = t.data()[2 * i], pType = t.data()[2 * i + 1];
                    if (Integer.toUnsignedLong(pName) >= strings.length || !validId(pType)) {
                        return "Invalid arg#" + (i + 1);
                    }
                }
                return null;
            }
            case BtfKind.VAR -> {
                if (t.vlen() != 0) {
                    return "vlen != 0";
                }
                if (t.kindFlag()) {
                    return "Invalid btf_info kind_flag";
                }
                if (anon || !identifier(t.name(), true)) {
                    return "Invalid name";
                }
                if (t.type() == 0 || !validId(t.type())) {
                    return "Invalid type_id";
                }
                int linkage = t.data()[0];
                return linkage != 0 && linkage != 1 && linkage != 2 ? "Linkage not supported" : null;
            }
            case BtfKind.DATASEC -> {
                if (t.vlen() == 0) {
                    return "vlen == 0";
                }
                if (t.size() == 0) {
                    return "size == 0";
                }
                if (t.kindFlag()) {
                    return "Invalid btf_info kind_flag";
                }
                if (anon || !section(t.name())) {
                    return "Invalid name";
                }
                long last = 0;
                for (int i = 0; i < t.vlen(); i++) {
                    long vType = Integer.toUnsignedLong(t.data()[3 * i]);
                    long off = Integer.toUnsignedLong(t.data()[3 * i + 1]);
                    long sz = Integer.toUnsignedLong(t.data()[3 * i + 2]);
                    if (vType == 0 || !validId((int) vType)) {
                        return "Invalid type_id";
                    }
                    if (off < last || off + sz > t.size()) {
                        return "Invalid offset";
                    }
                    if (sz == 0) {
                        return "Invalid size";
                    }
                    last = off + sz;
                }
                return null;
            }
            case BtfKind.FLOAT -> {
                if (t.vlen() != 0) {
                    return "vlen != 0";
                }
                if (t.kindFlag()) {
                    return "Invalid btf_info kind_flag";
                }
                if (anon || !identifier(t.name(), false)) {
                    return "Invalid name";
                }
                long size = t.size();
                return size != 2 && size != 4 && size != 8 && size != 12 && size != 16 ? "Invalid type_size" : null;
            }
            case BtfKind.DECL_TAG -> {
                if (t.vlen() != 0) {
                    return "vlen != 0";
                }
                if (t.kindFlag()) {
                    return "Invalid btf_info kind_flag";
                }
                if (anon || Btf.string(strings, t.nameOff()).isEmpty()) {
                    return "Invalid value";
                }
                if (t.type() == 0 || !validId(t.type())) {
                    return "Invalid type_id";
                }
                return t.data()[0] < -1 ? "Invalid component_idx" : null;
            }
            default -> {
                return "Invalid kind";
            }
        }
    }

    /** A type id that may name a type of this blob (checked again once all are known). */
    private static boolean validId(int id) {
        return Integer.toUnsignedLong(id) <= MAX_TYPE;
    }

    /** btf_name_valid_identifier (dotOk: __btf_name_valid with dots, as var names of static locals need). */
    private static boolean identifier(String s, boolean dotOk) {
        if (s.isEmpty() || s.length() >= KSYM_NAME_LEN) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || (c < 128 && Character.isLetter(c)) || (i > 0 && c < 128 && Character.isDigit(c))
                    || (dotOk && c == '.');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** btf_name_valid_section: printable characters. */
    private static boolean section(String s) {
        if (s.isEmpty() || s.length() >= KSYM_NAME_LEN) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private String details(BtfType t) {
        return switch (t.kind()) {
            case BtfKind.INT -> {
                int v = t.data()[0];
                int enc = (v >>> 24) & 0x0f;
                yield "size=" + t.size() + " bits_offset=" + ((v >>> 16) & 0xff) + " nr_bits=" + (v & 0xff)
                        + " encoding=" + (enc == INT_SIGNED ? "SIGNED" : enc == INT_CHAR ? "CHAR"
                        : enc == INT_BOOL ? "BOOL" : "(none)");
            }
            case BtfKind.ARRAY -> "type_id=" + t.data()[0] + " index_type_id=" + t.data()[1] + " nr_elems="
                    + Integer.toUnsignedLong(t.data()[2]);
            case BtfKind.STRUCT, BtfKind.UNION, BtfKind.ENUM, BtfKind.ENUM64, BtfKind.DATASEC ->
                    "size=" + t.size() + " vlen=" + t.vlen();
            case BtfKind.FWD -> t.kindFlag() ? "union" : "struct";
            case BtfKind.FUNC_PROTO -> "return=" + t.type() + " args=(" + t.vlen() + ")";
            case BtfKind.VAR -> "type_id=" + t.type() + " linkage=" + t.data()[0];
            case BtfKind.FLOAT -> "size=" + t.size();
            case BtfKind.DECL_TAG -> "type=" + t.type() + " component_idx=" + t.data()[0];
            default -> "type_id=" + t.type();
        };
    }

    // ---- btf_check_all_types ----

    private Errno checkAllTypes() {
        int n = types.size();
        sizes = BtfSizes.of(types);
        for (int id = 1; id < n; id++) {
            BtfType t = types.get(id);
            String bad = resolve(t, n);
            if (bad != null) {
                return fail(Errno.EINVAL, "[" + id + "] " + BtfKind.name(t.kind()) + " "
                        + (t.name().isEmpty() ? "(anon)" : t.name()) + " " + bad);
            }
        }
        return null;
    }

    private BtfType at(long id) {
        return id > 0 && id < types.size() ? types.get((int) id) : null;
    }

    private boolean inRange(long id, int n) {
        return Integer.toUnsignedLong((int) id) < n;
    }

    /** A type with a size, after modifiers (btf_type_id_size succeeds); loops count as none. */
    private boolean sized(int id) {
        return sizes.size(id) >= 0;
    }

    private String resolve(BtfType t, int n) {
        switch (t.kind()) {
            case BtfKind.PTR, BtfKind.VOLATILE, BtfKind.CONST, BtfKind.RESTRICT, BtfKind.TYPEDEF,
                 BtfKind.TYPE_TAG -> {
                if (!inRange(t.type(), n)) {
                    return "Invalid type_id";
                }
                if (sizes.loops(t.id()) || (t.kind() == BtfKind.PTR && sizes.loops(t.type()))) {
                    return "Loop detected";
                }
                return null;
            }
            case BtfKind.ARRAY -> {
                int elem = t.data()[0], index = t.data()[1];
                BtfType it = at(sizes.skip(index));
                if (!inRange(index, n) || it == null || (it.kind() != BtfKind.INT && it.kind() != BtfKind.ENUM)) {
                    return "Invalid index";
                }
                if (!inRange(elem, n) || !sized(elem)) {
                    return "Invalid elem";
                }
                return null;
            }
            case BtfKind.STRUCT, BtfKind.UNION -> {
                for (int i = 0; i < t.vlen(); i++) {
                    int mType = t.data()[3 * i + 1];
                    if (!inRange(mType, n) || !sized(mType)) {
                        return "Invalid member";
                    }
                    long bitOff = t.kindFlag() ? t.data()[3 * i + 2] & 0xffffff
                            : Integer.toUnsignedLong(t.data()[3 * i + 2]);
                    int bitSize = t.kindFlag() ? t.data()[3 * i + 2] >>> 24 : 0;
                    long bytes = bitSize != 0 ? (bitOff + bitSize + 7) / 8
                            : bitOff / 8 + sizes.size(mType);
                    if (bytes > t.size()) {
                        return "Member exceeds struct_size";
                    }
                }
                return null;
            }
            case BtfKind.FUNC -> {
                BtfType p = at(t.type());
                return p == null || p.kind() != BtfKind.FUNC_PROTO ? "Invalid type_id" : null;
            }
            case BtfKind.FUNC_PROTO -> {
                if (t.type() != 0 && (!inRange(t.type(), n) || !sized(t.type()))) {
                    return "Invalid return type";
                }
                for (int i = 0; i < t.vlen(); i++) {
                    int pType = t.data()[2 * i + 1], pName = t.data()[2 * i];
                    boolean varargs = i == t.vlen() - 1 && pType == 0 && pName == 0;
                    if (varargs) {
                        continue;
                    }
                    if (pType == 0 || !inRange(pType, n) || !sized(pType)) {
                        return "Invalid arg#" + (i + 1);
                    }
                    if (pName != 0 && !identifier(Btf.string(strings, pName), false)) {
                        return "Invalid arg#" + (i + 1);
                    }
                }
                return null;
            }
            case BtfKind.VAR -> {
                return !inRange(t.type(), n) || !sized(t.type()) ? "Invalid type_id" : null;
            }
            case BtfKind.DATASEC -> {
                for (int i = 0; i < t.vlen(); i++) {
                    BtfType v = at(Integer.toUnsignedLong(t.data()[3 * i]));
                    if (v == null) {
                        return "Invalid type_id";
                    }
                    if (v.kind() != BtfKind.VAR && v.kind() != BtfKind.FUNC) {
                        return "Not a VAR kind member";
                    }
                    if (v.kind() == BtfKind.VAR && sizes.size(v.type())
                            > Integer.toUnsignedLong(t.data()[3 * i + 2])) {
                        return "Invalid size";
                    }
                }
                return null;
            }
            case BtfKind.DECL_TAG -> {
                BtfType target = at(t.type());
                if (target == null) {
                    return "Invalid type_id";
                }
                int idx = t.data()[0];
                if (idx != -1) {
                    int members = target.kind() == BtfKind.STRUCT || target.kind() == BtfKind.UNION ? target.vlen()
                            : target.kind() == BtfKind.FUNC && at(target.type()) != null ? at(target.type()).vlen() : -1;
                    if (members < 0 || idx >= members) {
                        return "Invalid component_idx";
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }
}
