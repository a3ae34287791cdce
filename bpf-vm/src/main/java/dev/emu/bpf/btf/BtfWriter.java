package dev.emu.bpf.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a BTF blob (include/uapi/linux/btf.h: struct btf_header, the type section, the string
 * section), the inverse of {@link BtfLoader}: what pahole does for Linux's vmlinux. Types get ids
 * in the order they are added (1 first); a struct may be declared before it is defined, so types
 * can point at each other. Strings are stored once each.
 */
public final class BtfWriter {
    /** BTF_INT_SIGNED, BTF_INT_CHAR, BTF_INT_BOOL. */
    public static final int SIGNED = 1, CHAR = 2, BOOL = 4;

    /** One member of a struct or union: name, type id, offset in bits (bitfields are not written). */
    public record Member(String name, int type, long bitOffset) {}

    /** One parameter of a FUNC_PROTO. */
    public record Param(String name, int type) {}

    private static final class Entry {
        int kind;
        int nameOff;
        int vlen;
        boolean kflag;
        int sizeOrType;
        int[] data = new int[0];
        boolean defined = true;
    }

    private final List<Entry> entries = new ArrayList<>();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();

    public BtfWriter() {
        strings.write(0); // offset 0 is ""
        stringOffsets.put("", 0);
    }

    /** Adds {@code s} to the string section (a CO-RE access string, say); returns its offset. */
    public int addString(String s) {
        return string(s);
    }

    private int string(String s) {
        Integer off = stringOffsets.get(s);
        if (off != null) {
            return off;
        }
        int at = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        strings.write(0);
        stringOffsets.put(s, at);
        return at;
    }

    private int add(int kind, String name, int sizeOrType) {
        Entry e = new Entry();
        e.kind = kind;
        e.nameOff = string(name);
        e.sizeOrType = sizeOrType;
        entries.add(e);
        return entries.size();
    }

    private Entry entry(int id) {
        return entries.get(id - 1);
    }

    /** INT of {@code size} bytes, all bits used; {@code encoding} of SIGNED, CHAR, BOOL. */
    public int addInt(String name, int size, int encoding) {
        int id = add(BtfKind.INT, name, size);
        entry(id).data = new int[] {encoding << 24 | size * 8};
        return id;
    }

    public int addPtr(int type) {
        return add(BtfKind.PTR, "", type);
    }

    public int addConst(int type) {
        return add(BtfKind.CONST, "", type);
    }

    public int addVolatile(int type) {
        return add(BtfKind.VOLATILE, "", type);
    }

    public int addTypedef(String name, int type) {
        return add(BtfKind.TYPEDEF, name, type);
    }

    public int addArray(int elemType, int indexType, int count) {
        int id = add(BtfKind.ARRAY, "", 0);
        entry(id).data = new int[] {elemType, indexType, count};
        return id;
    }

    /** FWD: a struct (or union) known by name only. */
    public int addFwd(String name, boolean union) {
        int id = add(BtfKind.FWD, name, 0);
        entry(id).kflag = union;
        return id;
    }

    /** Reserves the id of a struct or union whose members come later ({@link #define}). */
    public int declare(String name, boolean union) {
        int id = add(union ? BtfKind.UNION : BtfKind.STRUCT, name, 0);
        entry(id).defined = false;
        return id;
    }

    public boolean defined(int id) {
        return entry(id).defined;
    }

    /** Gives a declared struct or union its size and members. */
    public void define(int id, long size, List<Member> members) {
        Entry e = entry(id);
        e.sizeOrType = (int) size;
        e.vlen = members.size();
        e.data = new int[members.size() * 3];
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            e.data[3 * i] = string(m.name());
            e.data[3 * i + 1] = m.type();
            e.data[3 * i + 2] = (int) m.bitOffset();
        }
        e.defined = true;
    }

    public int addStruct(String name, long size, List<Member> members) {
        int id = declare(name, false);
        define(id, size, members);
        return id;
    }

    /** ENUM of 4 bytes; {@code signed} sets kind_flag (as pahole does for enums with negative values). */
    public int addEnum(String name, Map<String, Integer> values, boolean signed) {
        int id = add(BtfKind.ENUM, name, 4);
        Entry e = entry(id);
        e.vlen = values.size();
        e.kflag = signed;
        e.data = new int[values.size() * 2];
        int i = 0;
        for (Map.Entry<String, Integer> v : values.entrySet()) {
            e.data[i++] = string(v.getKey());
            e.data[i++] = v.getValue();
        }
        return id;
    }

    /** ENUM64 (8 bytes: a value is its low and high 32 bits), for enumerators past 32 bits. */
    public int addEnum64(String name, Map<String, Long> values, boolean signed) {
        int id = add(BtfKind.ENUM64, name, 8);
        Entry e = entry(id);
        e.vlen = values.size();
        e.kflag = signed;
        e.data = new int[values.size() * 3];
        int i = 0;
        for (Map.Entry<String, Long> v : values.entrySet()) {
            e.data[i++] = string(v.getKey());
            e.data[i++] = (int) (long) v.getValue();
            e.data[i++] = (int) (v.getValue() >>> 32);
        }
        return id;
    }

    public int addFuncProto(int returnType, List<Param> params) {
        int id = add(BtfKind.FUNC_PROTO, "", returnType);
        Entry e = entry(id);
        e.vlen = params.size();
        e.data = new int[params.size() * 2];
        for (int i = 0; i < params.size(); i++) {
            e.data[2 * i] = string(params.get(i).name());
            e.data[2 * i + 1] = params.get(i).type();
        }
        return id;
    }

    /** FUNC with global linkage (BTF_FUNC_GLOBAL in vlen), as vmlinux's functions. */
    public int addFunc(String name, int protoType) {
        int id = add(BtfKind.FUNC, name, protoType);
        entry(id).vlen = 1;
        return id;
    }

    /** The ids handed out so far (the last one). */
    public int lastId() {
        return entries.size();
    }

    /** The blob: header, types, strings. Every declared struct must have been defined. */
    public byte[] toBytes() {
        ByteArrayOutputStream types = new ByteArrayOutputStream();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (!e.defined) {
                throw new IllegalStateException("BTF type " + (i + 1) + " declared but never defined");
            }
            ByteBuffer b = ByteBuffer.allocate(12 + 4 * e.data.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(e.nameOff);
            b.putInt((e.kflag ? 1 << 31 : 0) | e.kind << 24 | e.vlen);
            b.putInt(e.sizeOrType);
            for (int w : e.data) {
                b.putInt(w);
            }
            types.writeBytes(b.array());
        }
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(BtfLoader.HEADER_SIZE + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) BtfLoader.MAGIC).put((byte) 1).put((byte) 0);
        out.putInt(BtfLoader.HEADER_SIZE);
        out.putInt(0).putInt(t.length);
        out.putInt(t.length).putInt(s.length);
        out.put(t).put(s);
        return out.array();
    }
}
