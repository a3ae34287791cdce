package dev.emu.emulator.gdb;

import dev.emu.emulator.unicorn.UnicornDebug;
import dev.emu.emulator.unicorn.UnicornDebug.ExtraReg;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;
import java.util.List;

/**
 * gdb's register numbering for amd64 GNU/Linux, as our target description declares it: the
 * features org.gnu.gdb.i386.core (0-39), .sse (40-56), .linux (orig_rax, 57) and .segments
 * (fs_base, gs_base, 58-59) — gdb's 64bit-core.xml, 64bit-sse.xml, 64bit-linux.xml and
 * 64bit-segments.xml. {@code g} packets carry them in this order.
 */
final class Registers {

    /** One register: gdb name, size in bytes, and where its value comes from. */
    record Def(String name, int size, Reg reg, ExtraReg extra, String type, String group) {}

    static final List<Def> ALL;
    static final int ORIG_RAX = 57;

    static {
        var l = new java.util.ArrayList<Def>();
        String[] gpr = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
        Reg[] gprReg = {Reg.RAX, Reg.RBX, Reg.RCX, Reg.RDX, Reg.RSI, Reg.RDI, Reg.RBP, Reg.RSP,
            Reg.R8, Reg.R9, Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15};
        for (int i = 0; i < 16; i++) {
            String type = i == 6 || i == 7 ? "data_ptr" : "int64";
            l.add(new Def(gpr[i], 8, gprReg[i], null, type, null));
        }
        l.add(new Def("rip", 8, Reg.RIP, null, "code_ptr", null));
        l.add(new Def("eflags", 4, Reg.RFLAGS, null, "i386_eflags", null));
        Reg[] seg = {Reg.CS, Reg.SS, Reg.DS, Reg.ES, Reg.FS, Reg.GS};
        for (Reg r : seg) {
            l.add(new Def(r.name().toLowerCase(), 4, r, null, "int32", null));
        }
        for (int i = 0; i < 8; i++) {
            l.add(new Def("st" + i, 10, null, ExtraReg.valueOf("ST" + i), "i387_ext", null));
        }
        for (String f : new String[] {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"}) {
            l.add(new Def(f, 4, null, ExtraReg.valueOf(f.toUpperCase()), "int", "float"));
        }
        for (int i = 0; i < 16; i++) {
            l.add(new Def("xmm" + i, 16, null, ExtraReg.valueOf("XMM" + i), "vec128", null));
        }
        l.add(new Def("mxcsr", 4, null, ExtraReg.MXCSR, "i386_mxcsr", "vector"));
        l.add(new Def("orig_rax", 8, null, null, "int", "system"));
        l.add(new Def("fs_base", 8, Reg.FS_BASE, null, "int", null));
        l.add(new Def("gs_base", 8, Reg.GS_BASE, null, "int", null));
        ALL = List.copyOf(l);
    }

    private Registers() {}

    /** The register's value as little-endian bytes. */
    static byte[] read(UnicornDebug debug, Cpu cpu, int regnum) {
        Def d = ALL.get(regnum);
        if (d.reg() != null) {
            return Rsp.littleEndian(cpu.get(d.reg()), d.size());
        }
        if (d.extra() != null) {
            return debug.read(cpu, d.extra());
        }
        return Rsp.littleEndian(debug.syscallInProgress(), 8); // orig_rax
    }

    static void write(UnicornDebug debug, Cpu cpu, int regnum, byte[] value) {
        Def d = ALL.get(regnum);
        if (value.length != d.size()) {
            throw new IllegalArgumentException(d.name() + " takes " + d.size() + " bytes");
        }
        if (d.reg() != null) {
            long v = Rsp.fromLittleEndian(value);
            cpu.set(d.reg(), d.size() == 4 ? v & 0xffff_ffffL : v);
        } else if (d.extra() != null) {
            debug.write(cpu, d.extra(), value);
        }
        // orig_rax: only meaningful at a syscall stop; writes are ignored.
    }

    /** The target description (qXfer:features:read:target.xml), one self-contained document. */
    static String targetXml() {
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n")
                .append("<architecture>i386:x86-64</architecture>\n<osabi>GNU/Linux</osabi>\n")
                .append("<feature name=\"org.gnu.gdb.i386.core\">\n")
                .append("<flags id=\"i386_eflags\" size=\"4\">");
        String[][] eflags = {{"CF", "0"}, {"", "1"}, {"PF", "2"}, {"AF", "4"}, {"ZF", "6"}, {"SF", "7"}, {"TF", "8"},
            {"IF", "9"}, {"DF", "10"}, {"OF", "11"}, {"NT", "14"}, {"RF", "16"}, {"VM", "17"}, {"AC", "18"},
            {"VIF", "19"}, {"VIP", "20"}, {"ID", "21"}};
        for (String[] f : eflags) {
            sb.append("<field name=\"").append(f[0]).append("\" start=\"").append(f[1]).append("\" end=\"")
                    .append(f[1]).append("\"/>");
        }
        sb.append("</flags>\n");
        for (int i = 0; i < ALL.size(); i++) {
            if (i == 40) {
                sb.append("</feature>\n<feature name=\"org.gnu.gdb.i386.sse\">\n")
                        .append("<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>")
                        .append("<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>")
                        .append("<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>")
                        .append("<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>")
                        .append("<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>")
                        .append("<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>")
                        .append("<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>")
                        .append("<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>")
                        .append("<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>")
                        .append("<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/></union>\n")
                        .append("<flags id=\"i386_mxcsr\" size=\"4\">");
                String[] mx = {"IE", "DE", "ZE", "OE", "UE", "PE", "DAZ", "IM", "DM", "ZM", "OM", "UM", "PM", "FZ"};
                for (int b = 0; b < mx.length; b++) {
                    sb.append("<field name=\"").append(mx[b]).append("\" start=\"").append(b).append("\" end=\"")
                            .append(b).append("\"/>");
                }
                sb.append("</flags>\n");
            } else if (i == ORIG_RAX) {
                sb.append("</feature>\n<feature name=\"org.gnu.gdb.i386.linux\">\n");
            } else if (i == ORIG_RAX + 1) {
                sb.append("</feature>\n<feature name=\"org.gnu.gdb.i386.segments\">\n");
            }
            Def d = ALL.get(i);
            sb.append("<reg name=\"").append(d.name()).append("\" bitsize=\"").append(d.size() * 8)
                    .append("\" type=\"").append(d.type()).append("\" regnum=\"").append(i).append('"');
            if (d.group() != null) {
                sb.append(" group=\"").append(d.group()).append('"');
            }
            sb.append("/>\n");
        }
        return sb.append("</feature>\n</target>\n").toString();
    }
}
