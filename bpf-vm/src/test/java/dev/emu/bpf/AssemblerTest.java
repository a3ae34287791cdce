package dev.emu.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emu.bpf.asm.AsmException;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.asm.Disassembler;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.InstructionCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AssemblerTest {
    @Test
    void encodesTheConformanceSyntax() throws Exception {
        List<Instruction> p = Assembler.assemble("""
                mov32 %r0, 1            # comment
                lddw %r1, 0x1122334455667788
                ldxw %r0, [%r1+4]
                stdw [%r10-8], 7
                lock fetch add [%r10-8], %r1
                lock cmpxchg32 [%r2], %r3
                l: jsgt32 %r1, -3, l
                ja +2
                call 6
                call local l
                exit
                """);
        assertThat(p).hasSize(12);
        assertThat(InstructionCodec.encode(p.subList(0, 1))).containsExactly(0xb4, 0, 0, 0, 1, 0, 0, 0);
        assertThat(p.get(1)).isEqualTo(new Instruction(0x18, 1, 0, 0, 0x55667788));
        assertThat(p.get(2).imm()).isEqualTo(0x11223344);
        assertThat(p.get(3)).isEqualTo(new Instruction(0x61, 0, 1, 4, 0));
        assertThat(p.get(4)).isEqualTo(new Instruction(0x7a, 10, 0, -8, 7));
        assertThat(p.get(5)).isEqualTo(new Instruction(0xdb, 10, 1, -8, 0x01));
        assertThat(p.get(6)).isEqualTo(new Instruction(0xc3, 2, 3, 0, 0xf1));
        assertThat(p.get(7)).isEqualTo(new Instruction(0x66, 1, 0, -1, -3));
        assertThat(p.get(8)).isEqualTo(new Instruction(0x05, 0, 0, 2, 0));
        assertThat(p.get(9)).isEqualTo(new Instruction(0x85, 0, 0, 0, 6));
        assertThat(p.get(10)).isEqualTo(new Instruction(0x85, 0, 1, 0, -4));
    }

    @Test
    void roundTripsEveryConformanceProgram() throws Exception {
        Path dir = Path.of(getClass().getResource("/conformance").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                List<Instruction> p = Assembler.assemble(ConformanceCase.parse(f).asm());
                String text = Disassembler.disassemble(p);
                assertThat(Assembler.assemble(text)).as(f + "\n" + text).isEqualTo(p);
                assertThat(Disassembler.disassemble(Assembler.assemble(text))).isEqualTo(text);
            }
        }
    }

    @Test
    void disassemblesReadably() throws Exception {
        String src = """
                mov32 %r0, 1
                lddw %r1, 0x1122334455667788
                ldxw %r0, [%r1+4]
                stdw [%r10-8], 7
                lock fetch add [%r10-8], %r1
                lock cmpxchg32 [%r2], %r3
                jsgt32 %r1, -3, -1
                ja +2
                call 6
                call local -4
                callx %r2
                sdiv32 %r1, %r2
                movsx864 %r1, %r2
                ldxsh %r1, [%r2-2]
                bswap16 %r3
                be64 %r3
                ja32 -3
                lddw %r1, map_fd(3)
                lddw %r1, map_value(3+8)
                exit
                """;
        assertThat(Disassembler.disassemble(Assembler.assemble(src))).isEqualTo(src);
    }

    @Test
    void errorsNameTheLine() {
        assertError("mov %r0, 1\nfoo %r0\nexit", "line 2: unknown mnemonic 'foo'");
        assertError("mov %r11, 1", "line 1: no such register '%r11' (r0-r10)");
        assertError("\n\nadd %r0", "line 3: 'add' takes 2 operands, got 1");
        assertError("ja nowhere\nexit", "line 1: undefined label 'nowhere'");
        assertError("x:\nx:\nexit", "line 2: duplicate label 'x'");
        assertError("ldxw %r0, %r1", "line 1: expected a memory operand like [%r1+4], got '%r1'");
        assertError("mov %r0, 0x1ffffffff", "line 1: immediate 0x1ffffffff does not fit in 32 bits");
        assertError("mov %r0, zz", "line 1: expected a number, got 'zz'");
        assertError("lock nand [%r1], %r2", "line 1: unknown atomic operation 'nand'");
        assertError("ldxw %r0, [%r1+40000]", "line 1: memory offset 40000 out of 16-bit range");
        assertError("movsx864 %r0, 5", "line 1: 'movsx864' needs a source register");
    }

    private static void assertError(String src, String message) {
        assertThatThrownBy(() -> Assembler.assemble(src)).isInstanceOf(AsmException.class).hasMessage(message);
    }
}
