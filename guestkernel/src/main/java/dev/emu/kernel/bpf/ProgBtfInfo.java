package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.btf.BtfKind;
import dev.emu.bpf.btf.BtfType;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.Opcode;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.TreeSet;

/**
 * PROG_LOAD's BTF part (kernel/bpf/verifier.c check_btf_info, check_btf_func, check_btf_line):
 * prog_btf_fd with func_info (one bpf_func_info per subprogram, at its first instruction, naming
 * a FUNC type) and line_info (bpf_line_info records in instruction order, one at each
 * subprogram's start, with valid string offsets). Records larger than the kernel's must be zero
 * beyond it (E2BIG); the kernel keeps its own 8- and 16-byte form. Errors carry the verifier
 * log line Linux prints.
 */
final class ProgBtfInfo {
    private ProgBtfInfo() {}

    /** MIN/MAX_BPF_FUNCINFO_SIZE, MIN/MAX_BPF_LINEINFO_SIZE (the max is the page-bounded 252 of Linux). */
    private static final int FUNC_MIN = 8, LINE_MIN = 16, REC_MAX = 252;

    /** The outcome: the BTF and the records kept, or an errno with its log line. */
    record Result(BtfObject btf, byte[] funcInfo, int funcCount, byte[] lineInfo, int lineCount, Errno errno,
                  String message) {
        static Result error(Errno e, String message) {
            return new Result(null, null, 0, null, 0, e, message);
        }
    }

    /** Null if the program has no func_info and no line_info (its BTF, if any, is not kept). */
    static Result check(Task t, Attr a, List<Instruction> insns) {
        long funcCnt = a.u32Long(BpfAttr.FUNC_INFO_CNT), lineCnt = a.u32Long(BpfAttr.LINE_INFO_CNT);
        if (funcCnt == 0 && lineCnt == 0) {
            return null;
        }
        long[] err = new long[1];
        BtfObject btf = BpfFds.btf(t, a.u32Long(BpfAttr.PROG_BTF_FD), err);
        if (btf == null) {
            return Result.error(err[0] == Errno.EBADF.ret() ? Errno.EBADF : Errno.EINVAL, "");
        }
        int[] subprogs = subprogramStarts(insns);
        byte[] funcs = new byte[0];
        if (funcCnt != 0) {
            if (funcCnt != subprogs.length) {
                return Result.error(Errno.EINVAL, "number of funcs in func_info doesn't match number of subprogs");
            }
            long rec = a.u32Long(BpfAttr.FUNC_INFO_REC_SIZE);
            if (rec < FUNC_MIN || rec > REC_MAX || rec % 4 != 0) {
                return Result.error(Errno.EINVAL, "invalid func info rec size " + rec);
            }
            long from = a.u64(BpfAttr.FUNC_INFO);
            ByteBuffer out = ByteBuffer.allocate((int) funcCnt * FUNC_MIN).order(ByteOrder.LITTLE_ENDIAN);
            long prev = -1;
            for (int i = 0; i < funcCnt; i++) {
                // One record at a time: the caller's sizes never become one big host buffer.
                byte[] raw = t.memory().read(from + i * rec, (int) rec);
                ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                int base = 0;
                for (int b = FUNC_MIN; b < rec; b++) {
                    if (raw[base + b] != 0) {
                        return Result.error(Errno.E2BIG, "nonzero tailing record in func info");
                    }
                }
                long off = Integer.toUnsignedLong(in.getInt(base));
                int typeId = in.getInt(base + 4);
                if (i == 0 && off != 0) {
                    return Result.error(Errno.EINVAL, "nonzero insn_off " + off + " for the first func info record");
                }
                if (i > 0 && off <= prev) {
                    return Result.error(Errno.EINVAL, "same or smaller insn offset (" + off
                            + ") than previous func info record (" + prev + ")");
                }
                if (off != subprogs[i]) {
                    return Result.error(Errno.EINVAL, "func_info BTF section doesn't match subprog layout in BPF program");
                }
                BtfType type = btf.btf().type(typeId);
                if (type == null || type.kind() != BtfKind.FUNC) {
                    return Result.error(Errno.EINVAL, "invalid type id " + typeId + " in func info");
                }
                out.putInt((int) off).putInt(typeId);
                prev = off;
            }
            funcs = out.array();
        }
        byte[] lines = new byte[0];
        if (lineCnt != 0) {
            long rec = a.u32Long(BpfAttr.LINE_INFO_REC_SIZE);
            if (rec < LINE_MIN || rec > REC_MAX || rec % 4 != 0) {
                return Result.error(Errno.EINVAL, "");
            }
            if (lineCnt > insns.size()) {
                // Offsets must rise inside the program, so more records than instructions cannot
                // all be valid: the first one past the end fails as check_btf_line's would.
                return Result.error(Errno.EINVAL, "Invalid line_info[" + insns.size() + "].insn_off (prev_offset:"
                        + (insns.size() - 1) + " prog->len:" + insns.size() + ")");
            }
            long from = a.u64(BpfAttr.LINE_INFO);
            ByteBuffer out = ByteBuffer.allocate((int) lineCnt * LINE_MIN).order(ByteOrder.LITTLE_ENDIAN);
            long prev = -1;
            int nextSub = 0;
            int strLen = stringSectionSize(btf);
            for (int i = 0; i < lineCnt; i++) {
                byte[] raw = t.memory().read(from + i * rec, (int) rec);
                ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                int base = 0;
                for (int b = LINE_MIN; b < rec; b++) {
                    if (raw[base + b] != 0) {
                        return Result.error(Errno.E2BIG, "nonzero tailing record in line_info");
                    }
                }
                long off = Integer.toUnsignedLong(in.getInt(base));
                long fileOff = Integer.toUnsignedLong(in.getInt(base + 4));
                long lineOff = Integer.toUnsignedLong(in.getInt(base + 8));
                if ((i > 0 && off <= prev) || off >= insns.size()) {
                    return Result.error(Errno.EINVAL, "Invalid line_info[" + i + "].insn_off:" + off + " (prev_offset:"
                            + Math.max(prev, 0) + " prog->len:" + insns.size() + ")");
                }
                if (lineOff >= strLen || fileOff >= strLen) {
                    return Result.error(Errno.EINVAL, "Invalid line_info[" + i + "].line_off or .file_name_off");
                }
                if (nextSub < subprogs.length && off >= subprogs[nextSub]) {
                    if (off != subprogs[nextSub]) {
                        return Result.error(Errno.EINVAL, "missing bpf_line_info for func#" + nextSub);
                    }
                    nextSub++;
                }
                out.put(raw, base, LINE_MIN);
                prev = off;
            }
            if (nextSub != subprogs.length) {
                return Result.error(Errno.EINVAL, "missing bpf_line_info for " + (subprogs.length - nextSub)
                        + " funcs starting from func#" + nextSub);
            }
            lines = out.array();
        }
        return new Result(btf, funcs, (int) funcCnt, lines, (int) lineCnt, null, null);
    }

    /** The string section's size, read from the blob's header (str_len). */
    private static int stringSectionSize(BtfObject btf) {
        byte[] raw = btf.btf().raw();
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(20);
    }

    /** Check_subprogs: 0 and every target of a BPF-to-BPF call or of lddw BPF_PSEUDO_FUNC, in order. */
    static int[] subprogramStarts(List<Instruction> insns) {
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int i = 0; i < insns.size(); i++) {
            Instruction in = insns.get(i);
            Opcode o = in.info();
            if (o == null) {
                continue;
            }
            if (o.kind() == Opcode.Kind.CALL && in.src() == BpfFlags.BPF_PSEUDO_CALL) {
                starts.add(i + in.imm() + 1);
            } else if (o.kind() == Opcode.Kind.LDDW) {
                if (in.src() == BpfFlags.BPF_PSEUDO_FUNC) {
                    starts.add(i + in.imm() + 1);
                }
                i++;
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
