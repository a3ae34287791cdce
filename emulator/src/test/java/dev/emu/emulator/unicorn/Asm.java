package dev.emu.emulator.unicorn;

import java.io.ByteArrayOutputStream;

/**
 * A few hand-encoded x86-64 instructions for tests (each method's comment is the assembly).
 * Offsets are tracked so tests can name the address of an instruction.
 */
final class Asm {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final long base;

    Asm(long base) {
        this.base = base;
    }

    /** Address of the next instruction. */
    long here() {
        return base + out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private Asm b(int... bs) {
        for (int x : bs) {
            out.write(x);
        }
        return this;
    }

    private Asm imm32(long v) {
        return b((int) v & 0xff, (int) (v >> 8) & 0xff, (int) (v >> 16) & 0xff, (int) (v >> 24) & 0xff);
    }

    private Asm imm64(long v) {
        imm32(v);
        return imm32(v >>> 32);
    }

    /** mov eax, imm32 */
    Asm movEax(int v) {
        return b(0xb8).imm32(v);
    }

    /** mov ebx, imm32 */
    Asm movEbx(int v) {
        return b(0xbb).imm32(v);
    }

    /** mov ecx, imm32 */
    Asm movEcx(int v) {
        return b(0xb9).imm32(v);
    }

    /** mov edx, imm32 */
    Asm movEdx(int v) {
        return b(0xba).imm32(v);
    }

    /** mov esi, imm32 */
    Asm movEsi(int v) {
        return b(0xbe).imm32(v);
    }

    /** mov edi, imm32 */
    Asm movEdi(int v) {
        return b(0xbf).imm32(v);
    }

    /** mov r8d, imm32 */
    Asm movR8d(int v) {
        return b(0x41, 0xb8).imm32(v);
    }

    /** mov r9d, imm32 */
    Asm movR9d(int v) {
        return b(0x41, 0xb9).imm32(v);
    }

    /** mov r10d, imm32 */
    Asm movR10d(int v) {
        return b(0x41, 0xba).imm32(v);
    }

    /** mov rax, imm64 */
    Asm movRax(long v) {
        return b(0x48, 0xb8).imm64(v);
    }

    /** mov rbx, rax */
    Asm movRbxRax() {
        return b(0x48, 0x89, 0xc3);
    }

    /** inc rax */
    Asm incRax() {
        return b(0x48, 0xff, 0xc0);
    }

    /** dec ebx */
    Asm decEbx() {
        return b(0xff, 0xcb);
    }

    /** jnz to {@code target} (rel8) */
    Asm jnz(long target) {
        long rel = target - (here() + 2);
        if (rel < -128 || rel > 127) {
            throw new IllegalArgumentException("jnz out of rel8 range");
        }
        return b(0x75, (int) rel & 0xff);
    }

    /** jmp $ (an endless loop) */
    Asm jmpSelf() {
        return b(0xeb, 0xfe);
    }

    /** jmp to {@code target} (rel32) */
    Asm jmp(long target) {
        long rel = target - (here() + 5);
        return b(0xe9).imm32(rel);
    }

    /** syscall */
    Asm syscall() {
        return b(0x0f, 0x05);
    }

    /** mov rax, [abs32] */
    Asm loadRax(int address) {
        return b(0x48, 0x8b, 0x04, 0x25).imm32(address);
    }

    /** mov [abs32], rax */
    Asm storeRax(int address) {
        return b(0x48, 0x89, 0x04, 0x25).imm32(address);
    }

    /** ud2 */
    Asm ud2() {
        return b(0x0f, 0x0b);
    }

    /** xor ecx, ecx */
    Asm xorEcxEcx() {
        return b(0x31, 0xc9);
    }

    /** div rcx */
    Asm divRcx() {
        return b(0x48, 0xf7, 0xf1);
    }

    /** int3 */
    Asm int3() {
        return b(0xcc);
    }

    /** hlt */
    Asm hlt() {
        return b(0xf4);
    }

    /** movq xmm0, rax */
    Asm movqXmm0Rax() {
        return b(0x66, 0x48, 0x0f, 0x6e, 0xc0);
    }

    /** movq xmm0, rbx */
    Asm movRbxToXmm0() {
        return b(0x66, 0x48, 0x0f, 0x6e, 0xc3);
    }

    /** movq rax, xmm0 */
    Asm movqRaxXmm0() {
        return b(0x66, 0x48, 0x0f, 0x7e, 0xc0);
    }

    /** addsd xmm0, xmm0 */
    Asm addsdXmm0Xmm0() {
        return b(0xf2, 0x0f, 0x58, 0xc0);
    }

    /** fxsave [abs32] */
    Asm fxsave(int address) {
        return b(0x0f, 0xae, 0x04, 0x25).imm32(address);
    }

    /** mov rax, fs:[0] */
    Asm loadRaxFs0() {
        return b(0x64, 0x48, 0x8b, 0x04, 0x25).imm32(0);
    }
}
