package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.bpf.btf.Btf;
import dev.emu.bpf.btf.CoreRelocation;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Kernel-side CO-RE (Linux ≥ 5.17, verifier.c check_core_relo + btf.c bpf_core_apply): PROG_LOAD's
 * {@code core_relos} array of struct bpf_core_relo {insn_off, type_id, access_str_off, kind},
 * {@code core_relo_rec_size} bytes apart, resolved against the kernel BTF with the program's own
 * BTF (prog_btf_fd) as the local side ({@link CoreRelocation}), and patched into the instructions
 * before they are checked, as bpf_core_patch_insn does: the imm of an ALU op or ldimm64, the
 * offset of a load or store (and a load's width when the field's size differs), or a
 * {@code call 0xbad2310} where a needed type or field is missing. What light skeletons
 * (bpftool gen skeleton -L) send.
 */
final class CoreRelos {
    private CoreRelos() {}

    /** Attr offsets: core_relos, core_relo_rec_size (core_relo_cnt is BpfAttr.CORE_RELO_CNT). */
    static final int CORE_RELOS = 128, CORE_RELO_REC_SIZE = 136;
    /** MIN_CORE_RELO_SIZE (sizeof(struct bpf_core_relo)), MAX_CORE_RELO_SIZE. */
    private static final int MIN_SIZE = 16, MAX_SIZE = 1 << 12;
    /** POISON_CALL_KFUNC_BASE's value bpf_core_poison_insn uses. */
    static final int POISON = 0xbad2310;

    /** The outcome: 0, or an errno with the log line the verifier writes. */
    record Applied(Errno errno, String log) {}

    /** Applies the relocations to {@code code} in place. */
    static Applied apply(Task t, Attr a, byte[] code, StringBuilder log) {
        long count = a.u32Long(dev.emu.abi.bpf.BpfAttr.CORE_RELO_CNT);
        // check_btf_info calls check_core_relo only for a program with func_info or line_info:
        // without them Linux applies no relocation (and refuses none), so neither does emu.
        if (count == 0 || (a.u32(dev.emu.abi.bpf.BpfAttr.FUNC_INFO_CNT) == 0
                && a.u32(dev.emu.abi.bpf.BpfAttr.LINE_INFO_CNT) == 0)) {
            return new Applied(null, "");
        }
        long recSize = a.u32Long(CORE_RELO_REC_SIZE);
        if (recSize < MIN_SIZE || recSize > MAX_SIZE || recSize % 4 != 0) {
            return new Applied(Errno.EINVAL, "");
        }
        long[] err = new long[1];
        BtfObject prog = BpfFds.btf(t, a.u32Long(dev.emu.abi.bpf.BpfAttr.PROG_BTF_FD), err);
        if (prog == null) {
            return new Applied(Errno.of((int) -err[0]), "");
        }
        Btf local = prog.btf();
        Btf target = t.kernel().kernelBtf().btf();
        long base = a.u64(CORE_RELOS);
        int insns = code.length / 8;
        ByteBuffer c = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            byte[] rec = t.memory().read(base + i * recSize, (int) recSize);
            for (int b = MIN_SIZE; b < rec.length; b++) {
                if (rec[b] != 0) {
                    return new Applied(Errno.E2BIG, ""); // bpf_check_uarg_tail_zero
                }
            }
            ByteBuffer r = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
            long insnOff = Integer.toUnsignedLong(r.getInt(0));
            int typeId = r.getInt(4);
            int accessOff = r.getInt(8);
            int kind = r.getInt(12);
            if (insnOff % 8 != 0 || insnOff / 8 >= insns) {
                return new Applied(Errno.EINVAL, "Invalid core_relo[" + i + "].insn_off:" + insnOff + " prog->len:" + insns);
            }
            String access = local.string(accessOff);
            if (access.isEmpty()) {
                return new Applied(Errno.EINVAL, "relo #" + i + ": bad access string offset " + accessOff);
            }
            CoreRelocation.Result res = CoreRelocation.resolve(local, target, typeId, access, kind);
            if (res.error() != null) {
                t.kernel().log().once("core-relo:" + res.error(), "bpf: PROG_LOAD core_relo refused: " + res.error());
                return new Applied(Errno.EINVAL, "relo #" + i + ": " + res.error());
            }
            String bad = patch(c, (int) (insnOff / 8), kind, res, i, log);
            if (bad != null) {
                return new Applied(Errno.EINVAL, bad);
            }
        }
        return new Applied(null, "");
    }

    /** bpf_core_patch_insn; null, or the error line. */
    private static String patch(ByteBuffer c, int idx, int kind, CoreRelocation.Result res, int relo, StringBuilder log) {
        int at = idx * 8;
        int opcode = c.get(at) & 0xff;
        int cls = opcode & 7;
        if (res.poison()) {
            log.append("relo #").append(relo).append(": substituting insn #").append(idx).append(" w/ invalid insn\n");
            c.put(at, (byte) 0x85).put(at + 1, (byte) 0).putShort(at + 2, (short) 0).putInt(at + 4, POISON);
            return null;
        }
        long want = res.local(), value = res.target();
        switch (cls) {
            case 4, 7 -> { // BPF_ALU, BPF_ALU64
                if ((opcode & 8) != 0) {
                    return "insn #" + idx + " (ALU/ALU64) uses a register source";
                }
                if (Integer.toUnsignedLong(c.getInt(at + 4)) != (want & 0xffffffffL) && c.getInt(at + 4) != (int) want) {
                    return "insn #" + idx + " (ALU/ALU64) value: got " + c.getInt(at + 4) + ", exp " + want;
                }
                c.putInt(at + 4, (int) value);
            }
            case 1, 2, 3 -> { // BPF_LDX, BPF_ST, BPF_STX
                if (c.getShort(at + 2) != (short) want) {
                    return "insn #" + idx + " (LDX/ST/STX) value: got " + c.getShort(at + 2) + ", exp " + want;
                }
                if (value > Short.MAX_VALUE) {
                    return "insn #" + idx + " (LDX/ST/STX) value too big: " + value;
                }
                c.putShort(at + 2, (short) value);
                if (kind == CoreRelocation.FIELD_BYTE_OFFSET && cls == 1 && res.targetSize() != res.localSize()) {
                    int size = switch (res.targetSize()) {
                        case 1 -> 0x10;
                        case 2 -> 0x08;
                        case 4 -> 0x00;
                        case 8 -> 0x18;
                        default -> -1;
                    };
                    if (size < 0) {
                        return "insn #" + idx + " (LDX) unexpected mem size: " + res.targetSize();
                    }
                    c.put(at, (byte) ((opcode & ~0x18) | size));
                }
            }
            case 0 -> { // BPF_LD: only ldimm64
                if (opcode != 0x18 || at + 16 > c.capacity()) {
                    return "insn #" + idx + " (LDIMM64) unexpected insn";
                }
                long imm = Integer.toUnsignedLong(c.getInt(at + 4)) | (long) c.getInt(at + 12) << 32;
                if (imm != want) {
                    return "insn #" + idx + " (LDIMM64) value: got " + imm + ", exp " + want;
                }
                c.putInt(at + 4, (int) value).putInt(at + 12, (int) (value >>> 32));
            }
            default -> {
                return "insn #" + idx + " unexpected insn for CO-RE relocation";
            }
        }
        return null;
    }
}
