package dev.emu.emulator.unicorn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessSizeTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "48 89 04 25 00 10 00 00, 8", // mov [0x1000], rax
            "89 07, 4", // mov [rdi], eax
            "66 89 07, 2", // mov [rdi], ax
            "88 07, 1", // mov [rdi], al
            "48 c7 07 01 00 00 00, 8", // mov qword [rdi], 1
            "c6 07 01, 1", // mov byte [rdi], 1
            "50, 8", // push rax
            "ff 37, 8", // push qword [rdi]
            "e8 00 00 00 00, 8", // call
            "f3 48 ab, 8", // rep stosq
            "f3 aa, 1", // rep stosb
            "0f 11 07, 16", // movups [rdi], xmm0
            "f3 0f 11 07, 4", // movss [rdi], xmm0
            "f2 0f 11 07, 8", // movsd [rdi], xmm0
            "66 0f 7f 07, 16", // movdqa [rdi], xmm0
            "f3 0f 7f 07, 16", // movdqu [rdi], xmm0
            "66 0f d6 07, 8", // movq [rdi], xmm0
            "0f b6 07, 1", // movzx eax, byte [rdi]
            "48 0f b7 07, 2", // movzx rax, word [rdi]
            "48 63 07, 4", // movsxd rax, dword [rdi]
            "f0 48 0f b1 17, 8", // lock cmpxchg [rdi], rdx
            "48 01 07, 8", // add [rdi], rax
            "80 07 01, 1", // add byte [rdi], 1
            "64 48 8b 04 25 00 00 00 00, 8", // mov rax, fs:[0]
            "c5 f9 7f 07, 0", // vmovdqa [rdi], xmm0 (VEX: not decoded)
    })
    void decodesTheMemoryOperandSize(String hex, int size) {
        String[] parts = hex.trim().split(" ");
        byte[] code = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            code[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        assertThat(AccessSize.decode(code, code.length)).isEqualTo(size);
    }
}
