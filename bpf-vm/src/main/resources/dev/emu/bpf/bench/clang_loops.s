# clang -O2 -target bpf -c of this C (section "socket"), as .insn slots:
#
# /* Stack-only loops for the verifier benchmark: clang -O2 -target bpf keeps them as loops. */
# __attribute__((section("socket"), used)) int loops(void *ctx) {
#     unsigned char buf[256];
#     unsigned sum = 0;
# #pragma clang loop unroll(disable)
#     for (int i = 0; i < 256; i++) {
#         buf[i] = (unsigned char) (i * 7);
#     }
# #pragma clang loop unroll(disable)
#     for (int i = 0; i < 256; i++) {
#         sum += buf[i] ^ (unsigned) (i >> 2);
#     }
# #pragma clang loop unroll(disable)
#     for (int i = 0; i < 64; i++) {
# #pragma clang loop unroll(disable)
#         for (int j = 0; j < 8; j++) {
#             sum += (unsigned) (i * j) & buf[(i * 8 + j) & 255];
#         }
#     }
#     return sum & 1;
# }
.insn 0x00000000000001b7
.insn 0x000000000000a2bf
.insn 0xffffff0000000207
.insn 0x000000000000120f
.insn 0x00000000000013bf
.insn 0x0000000700000327
.insn 0x0000000000003273
.insn 0x0000000100000107
.insn 0x00000100fff80155
.insn 0x00000000000001b7
.insn 0xfffffffc00000318
.insn 0x0000000000000000
.insn 0x00000000000004b7
.insn 0x000000000000a2bf
.insn 0xffffff0000000207
.insn 0x000000000000120f
.insn 0x0000000000002571
.insn 0x00000000000012bf
.insn 0x000000000000325f
.insn 0x0000000200000277
.insn 0x00000000000052af
.insn 0x000000000000420f
.insn 0x0000000100000107
.insn 0x00000000000024bf
.insn 0x00000100fff40155
.insn 0x00000000000001b7
.insn 0x00000000000003b7
.insn 0x00000000000004b7
.insn 0x00000000000030bf
.insn 0x000000ff00000057
.insn 0x000000000000a5bf
.insn 0xffffff0000000507
.insn 0x000000000000050f
.insn 0x00000000000008b7
.insn 0x00000000000006b7
.insn 0x00000000000007b7
.insn 0x000000000000170f
.insn 0x00000000000050bf
.insn 0x000000000000600f
.insn 0x0000000000000071
.insn 0x000000000000085f
.insn 0x00000000000080bf
.insn 0x000000000000200f
.insn 0x0000000100000607
.insn 0x00000000000078bf
.insn 0x00000000000002bf
.insn 0x0000000800010615
.insn 0x00000000fff40005
.insn 0x0000000100000107
.insn 0x0000000800000307
.insn 0x0000000100000407
.insn 0x00000000000002bf
.insn 0x0000004000010415
.insn 0x00000000ffe60005
.insn 0x0000000100000057
.insn 0x0000000000000095
