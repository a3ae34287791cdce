package dev.emu.kernel.btf;

import dev.emu.bpf.btf.BtfWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * C types by their spelling ("unsigned int", "struct task_struct *", "char[16]", "const char *")
 * written into a {@link BtfWriter} once each, with the size and alignment of each (x86_64's),
 * and structs laid out as the C compiler lays them out (natural alignment). What pahole does
 * from DWARF, done from a description: emu's kernel objects get Linux's type and member names
 * and emu's own offsets, which CO-RE relocates by name.
 */
final class CTypes {
    private static final Pattern ARRAY = Pattern.compile("(.*)\\[(\\d+)\\]");
    private static final Pattern MEMBER = Pattern.compile("(.*?)\\s*(\\**)(\\w+)((?:\\[\\d+\\])?)");

    final BtfWriter btf = new BtfWriter();
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<Integer, long[]> sizeAlign = new HashMap<>();
    private final Map<String, StructLayout> layouts = new HashMap<>();
    private int arrayIndex;

    /** A base integer type (pahole: "char" has no encoding, "_Bool" is BOOL). */
    void integer(String name, int size, int encoding) {
        int id = btf.addInt(name, size, encoding);
        ids.put(name, id);
        sizeAlign.put(id, new long[] {size, size});
        if (name.equals("int")) {
            arrayIndex = id;
        }
    }

    void typedef(String name, String target) {
        int t = id(target);
        int id = btf.addTypedef(name, t);
        ids.put(name, id);
        sizeAlign.put(id, sizeAlign.get(t));
    }

    /** The BTF id of the type spelt {@code c}; structs named here before their definition are declared. */
    int id(String c) {
        String s = c.strip();
        Integer known = ids.get(s);
        if (known != null) {
            return known;
        }
        int id;
        Matcher a = ARRAY.matcher(s);
        if (s.equals("void")) {
            return 0;
        } else if (s.endsWith("*")) {
            id = btf.addPtr(id(s.substring(0, s.length() - 1)));
            sizeAlign.put(id, new long[] {8, 8});
        } else if (a.matches()) {
            int elem = id(a.group(1));
            int n = Integer.parseInt(a.group(2));
            id = btf.addArray(elem, arrayIndex, n);
            long[] e = sizeAlign.get(elem);
            sizeAlign.put(id, new long[] {e == null ? 0 : e[0] * n, e == null ? 1 : e[1]});
        } else if (s.startsWith("const ")) {
            int t = id(s.substring(6));
            id = btf.addConst(t);
            sizeAlign.put(id, sizeAlign.get(t));
        } else if (s.startsWith("struct ") || s.startsWith("union ")) {
            id = btf.declare(s.substring(s.indexOf(' ') + 1), s.startsWith("union "));
        } else {
            throw new IllegalArgumentException("unknown C type " + s);
        }
        ids.put(s, id);
        return id;
    }

    /** {@code typedef struct { MEMBERS } NAME;} (atomic_t, kuid_t, ...). */
    void anonymousTypedef(String name, String... members) {
        int id = anonymous(false, members(members));
        int t = btf.addTypedef(name, id);
        ids.put(name, t);
        sizeAlign.put(t, sizeAlign.get(id));
    }

    private List<Member> members(String... members) {
        List<Member> ms = new ArrayList<>();
        for (String m : members) {
            Matcher x = MEMBER.matcher(m.strip());
            if (!x.matches()) {
                throw new IllegalArgumentException("bad member " + m);
            }
            String type = x.group(1) + (x.group(2).isEmpty() ? "" : " " + x.group(2)) + x.group(4);
            ms.add(new Member(x.group(3), id(type)));
        }
        return ms;
    }

    /**
     * Defines {@code struct NAME} (or {@code union NAME} when the name starts with "union ") from
     * member declarations as C writes them ("pid_t pid", "struct task_struct *real_parent",
     * "char comm[16]"); returns its layout.
     */
    StructLayout struct(String name, String... members) {
        return define(name, members(members));
    }

    /** A member: a name ("" for an anonymous struct or union) and a type id. */
    record Member(String name, int type) {}

    /** An anonymous struct or union of {@code members} (for qstr's hash/len union). */
    int anonymous(boolean union, List<Member> members) {
        int id = btf.declare("", union);
        layout(id, "", union, members);
        return id;
    }

    StructLayout define(String spelled, List<Member> members) {
        boolean union = spelled.startsWith("union ");
        String name = union ? spelled.substring(6) : spelled;
        int id = id((union ? "union " : "struct ") + name);
        StructLayout l = layout(id, name, union, members);
        layouts.put(name, l);
        return l;
    }

    private StructLayout layout(int id, String name, boolean union, List<Member> members) {
        long off = 0, align = 1, size = 0;
        List<BtfWriter.Member> out = new ArrayList<>();
        Map<String, StructLayout.Field> fields = new HashMap<>();
        for (Member m : members) {
            long[] sa = sizeAlign.get(m.type());
            if (sa == null) {
                throw new IllegalStateException("member " + m.name() + " of " + name + " has an incomplete type");
            }
            long at = union ? 0 : (off + sa[1] - 1) / sa[1] * sa[1];
            out.add(new BtfWriter.Member(m.name(), m.type(), at * 8));
            if (!m.name().isEmpty()) {
                fields.put(m.name(), new StructLayout.Field(at, sa[0]));
            } else { // the members of an anonymous struct/union are reachable from here
                StructLayout inner = anonymousLayouts.get(m.type());
                inner.fields().forEach((k, v) -> fields.put(k, new StructLayout.Field(at + v.offset(), v.size())));
            }
            off = union ? off : at + sa[0];
            size = Math.max(size, at + sa[0]);
            align = Math.max(align, sa[1]);
        }
        size = (size + align - 1) / align * align;
        btf.define(id, size, out);
        sizeAlign.put(id, new long[] {size, align});
        StructLayout l = new StructLayout(name, id, size, fields);
        if (name.isEmpty()) {
            anonymousLayouts.put(id, l);
        }
        return l;
    }

    private final Map<Integer, StructLayout> anonymousLayouts = new HashMap<>();

    StructLayout layout(String name) {
        return layouts.get(name);
    }
}
