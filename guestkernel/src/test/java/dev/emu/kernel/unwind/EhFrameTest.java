package dev.emu.kernel.unwind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.kernel.loader.ElfSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .eh_frame reader, the CFI interpreter and the unwinder on real objects: the host's libc
 * (every FDE, as gcc and glibc's assembler wrote them) and programs assembled here with known
 * CFI, unwound over a stack built to match it.
 */
class EhFrameTest {
    private static final Path LIBC = Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6");

    /**
     * Four functions with CFI directives: _start calls top (frame pointer), top calls mid (a
     * 24-byte frame), mid calls leaf (which saved rbx). Labels after each call are the return
     * addresses the unwinder must find.
     */
    private static final String ASM = """
                .text
                .globl _start
            _start:
                .cfi_startproc
                .cfi_undefined rip
                call top
            start_ret:
                hlt
                .cfi_endproc

            top:
                .cfi_startproc
                push %rbp
                .cfi_def_cfa_offset 16
                .cfi_offset rbp, -16
                mov %rsp, %rbp
                .cfi_def_cfa_register rbp
                call mid
            top_ret:
                pop %rbp
                .cfi_def_cfa rsp, 8
                ret
                .cfi_endproc

            mid:
                .cfi_startproc
                sub $24, %rsp
                .cfi_adjust_cfa_offset 24
                call leaf
            mid_ret:
                add $24, %rsp
                .cfi_adjust_cfa_offset -24
                ret
                .cfi_endproc

            leaf:
                .cfi_startproc
                push %rbx
                .cfi_adjust_cfa_offset 8
                .cfi_offset rbx, -16
            leaf_body:
                nop
                pop %rbx
                .cfi_adjust_cfa_offset -8
                ret
                .cfi_endproc
            """;

    /** DWARF register numbers by readelf's names (x86_64). */
    private static final java.util.List<String> DWARF_NAMES = java.util.List.of("rax", "rdx", "rcx", "rbx", "rsi", "rdi",
            "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "ra");

    /**
     * Every row of every FDE of the host's libc as binutils computes it ({@code readelf -wF},
     * the oracle): the CFA rule and the rules of the registers it shows, at each row's address.
     */
    @Test
    void everyRowOfTheHostLibcIsTheOneReadelfComputes(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(LIBC), "no " + LIBC);
        Assumptions.assumeTrue(run(tmp, "readelf", "--version") == 0, "readelf (binutils) is needed");
        ElfFileMemory mem = new ElfFileMemory(LIBC);
        EhFrameHdr hdr = EhFrameHdr.read(mem, mem.ehFrameHdr);
        assertThat(hdr).isNotNull();
        assertThat(hdr.locations().length).as("FDEs in libc").isGreaterThan(1000);
        Process p = new ProcessBuilder("readelf", "-wF", LIBC.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        int fdes = 0, rows = 0;
        FrameDescription fde = null;
        String[] columns = null;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (line.contains(" FDE cie=")) {
                String range = line.substring(line.indexOf("pc=") + 3);
                long begin = Long.parseUnsignedLong(range.substring(0, range.indexOf("..")), 16);
                fde = hdr.find(begin);
                assertThat(fde).as("FDE for 0x%x", begin).isNotNull();
                assertThat(fde.pcBegin()).isEqualTo(begin);
                assertThat(fde.pcEnd()).isEqualTo(Long.parseUnsignedLong(range.substring(range.indexOf("..") + 2).trim(), 16));
                fdes++;
                columns = null;
            } else if (fde != null && f.length >= 2 && f[0].equals("LOC") && f[1].equals("CFA")) {
                columns = f;
            } else if (fde != null && columns != null && f.length == columns.length && f[0].matches("[0-9a-f]{16}")) {
                long loc = Long.parseUnsignedLong(f[0], 16);
                String at = String.format("row 0x%x of FDE 0x%x: %s", loc, fde.pcBegin(), line.trim());
                CfiRow row;
                try {
                    row = CfiInterpreter.rowAt(fde, loc);
                } catch (UnwindException e) {
                    throw new AssertionError(at + ": " + e.getMessage(), e);
                }
                if (f[1].equals("exp")) {
                    assertThat(row.cfaExpression()).as(at).isTrue();
                } else {
                    assertThat(row.cfaExpression()).as(at).isFalse();
                    String reg = f[1].substring(0, f[1].indexOf('+'));
                    assertThat(row.cfaRegister()).as(at).isEqualTo(DWARF_NAMES.indexOf(reg));
                    assertThat(row.cfaOffset()).as(at).isEqualTo(Long.parseLong(f[1].substring(f[1].indexOf('+') + 1)));
                }
                for (int c = 2; c < columns.length; c++) {
                    int reg = DWARF_NAMES.indexOf(columns[c]);
                    String v = f[c];
                    if (reg < 0) {
                        continue;
                    }
                    if (v.equals("u")) {
                        assertThat(row.rule(reg)).as(at + " " + columns[c]).isIn(CfiRow.Rule.SAME, CfiRow.Rule.UNDEFINED);
                    } else if (v.startsWith("c")) {
                        assertThat(row.rule(reg)).as(at + " " + columns[c]).isEqualTo(CfiRow.Rule.OFFSET);
                        assertThat(row.operand(reg)).as(at + " " + columns[c]).isEqualTo(Long.parseLong(v.substring(1).replace("+", "")));
                    } else if (v.equals("exp")) {
                        assertThat(row.rule(reg)).as(at + " " + columns[c]).isEqualTo(CfiRow.Rule.EXPRESSION);
                    }
                }
                rows++;
            }
        }
        assertThat(fdes).as("FDEs compared").isEqualTo(hdr.locations().length);
        assertThat(rows).as("rows compared").isGreaterThan(10_000);
        assertThat(hdr.find(hdr.locations()[0] - 1)).as("below the first FDE").isNull();
    }

    @Test
    void unwindsAStackByTheHeaderTable(@TempDir Path tmp) throws Exception {
        unwindsTheAssembledProgram(tmp, true);
    }

    @Test
    void unwindsAStaticLinkWithoutHeaderByIndexingItsSection(@TempDir Path tmp) throws Exception {
        unwindsTheAssembledProgram(tmp, false);
    }

    private void unwindsTheAssembledProgram(Path tmp, boolean header) throws Exception {
        Path exe = assemble(tmp, header);
        Map<String, Long> sym = symbols(exe);
        ElfFileMemory mem = new ElfFileMemory(exe);
        EhFrameHdr hdr;
        if (header) {
            assertThat(mem.ehFrameHdr).as("PT_GNU_EH_FRAME").isPositive();
            hdr = EhFrameHdr.read(mem, mem.ehFrameHdr);
        } else {
            assertThat(mem.ehFrameHdr).as("no PT_GNU_EH_FRAME in a static link").isEqualTo(-1);
            long[] section = EhFrameSection.find(source(exe));
            assertThat(section).isNotNull();
            hdr = EhFrameHdr.fromSection(mem, section[0], section[1]);
        }
        assertThat(hdr.locations()).hasSize(4);

        // The stack at leaf_body, built as the code above builds it.
        long s = 0x7fff0000L;
        ByteBuffer stack = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        stack.putLong(0, 0x1234);                  // leaf: saved rbx
        stack.putLong(8, sym.get("mid_ret"));      // leaf's return address
        stack.putLong(40, sym.get("top_ret"));     // mid: 24 bytes, then its return address
        stack.putLong(48, 0);                      // top: saved rbp (the outermost frame's)
        stack.putLong(56, sym.get("start_ret"));   // top's return address
        mem.add(s, stack.array());
        long[] regs = new long[CfiRow.REGS];
        regs[CfiRow.RA] = sym.get("leaf_body");
        regs[CfiRow.RSP] = s;
        regs[CfiRow.RBP] = s + 48;                 // top's frame pointer
        regs[3] = 0x5555;                          // rbx, clobbered in leaf

        EhFrameHdr table = hdr;
        long[] frames = UserStackUnwinder.unwind(mem, pc -> table, regs, 127);

        assertThat(frames).containsExactly(sym.get("leaf_body"), sym.get("mid_ret"), sym.get("top_ret"), sym.get("start_ret"));
        assertThat(UserStackUnwinder.unwind(mem, pc -> table, regs, 2)).hasSize(2);

        CfiRow atCall = CfiInterpreter.rowAt(hdr.find(sym.get("top_ret") - 1), sym.get("top_ret") - 1);
        assertThat(atCall.cfaRegister()).isEqualTo(CfiRow.RBP);
        assertThat(atCall.cfaOffset()).isEqualTo(16);
        assertThat(atCall.rule(CfiRow.RBP)).isEqualTo(CfiRow.Rule.OFFSET);
        assertThat(atCall.operand(CfiRow.RBP)).isEqualTo(-16);
    }

    @Test
    void withoutUnwindInformationTheWalkTakesFramePointerSteps() {
        ElfFileMemory mem;
        long s = 0x7fff0000L;
        ByteBuffer stack = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        stack.putLong(16, s + 32).putLong(24, 0x401111);   // frame 1: next rbp, return address
        stack.putLong(32, 0).putLong(40, 0x402222);        // frame 2: the last
        long[] regs = new long[CfiRow.REGS];
        regs[CfiRow.RA] = 0x400000;
        regs[CfiRow.RSP] = s;
        regs[CfiRow.RBP] = s + 16;
        UnwindMemory m = (addr, dst, len) -> {
            if (addr < s || addr + len > s + 64) {
                return false;
            }
            System.arraycopy(stack.array(), (int) (addr - s), dst, 0, len);
            return true;
        };
        assertThat(UserStackUnwinder.unwind(m, pc -> null, regs, 127)).containsExactly(0x400000L, 0x401111L, 0x402222L);
    }

    private static Path assemble(Path tmp, boolean header) throws Exception {
        Assumptions.assumeTrue(run(tmp, "gcc", "--version") == 0, "gcc is needed");
        Path src = tmp.resolve("frames.s");
        Files.writeString(src, ASM);
        Path exe = tmp.resolve(header ? "frames_hdr" : "frames_static");
        int status = header
                ? run(tmp, "gcc", "-nostdlib", "-static", "-Wl,--eh-frame-hdr", "-o", exe.toString(), src.toString())
                : run(tmp, "gcc", "-nostdlib", "-static", "-o", exe.toString(), src.toString());
        assertThat(status).as("gcc").isZero();
        return exe;
    }

    private static Map<String, Long> symbols(Path exe) throws Exception {
        Process p = new ProcessBuilder("nm", exe.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Map<String, Long> m = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                m.put(f[2], Long.parseUnsignedLong(f[0], 16));
            }
        }
        return m;
    }

    private static ElfSource source(Path file) throws IOException {
        return ElfSource.of(Files.readAllBytes(file));
    }

    private static int run(Path dir, String... cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
