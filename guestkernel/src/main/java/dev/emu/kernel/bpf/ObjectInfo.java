package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.isa.Instruction;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * BPF_OBJ_GET_INFO_BY_FD (kernel/bpf/syscall.c bpf_obj_get_info_by_fd): one case per object
 * kind — struct bpf_map_info, bpf_prog_info, bpf_btf_info (a link kind is one more case). Each
 * follows Linux's info_len rule (bpf_check_uarg_tail_zero): a shorter info_len gets that many
 * bytes, a longer one must be zero past the struct (else -E2BIG; more than a page: -E2BIG), and
 * info_len is set to the bytes written. As in Linux, the struct starts from the caller's copy, so
 * the caller's array pointers and counts (map_ids, xlated_prog_insns, func_info, btf, ...) are
 * read from it and come back unchanged.
 */
final class ObjectInfo {
    private ObjectInfo() {}

    /** BPF_OBJ_GET_INFO_BY_FD_LAST_FIELD (info.info) ends here. */
    private static final int INFO_END = 16;

    static long get(Task t, Attr a) {
        if (!a.tailZeroFrom(INFO_END)) {
            return Errno.EINVAL.ret();
        }
        File f = t.process().fds().get(a.u32Long(BpfAttr.INFO_BPF_FD));
        if (f == null) {
            return Errno.EBADF.ret();
        }
        return switch (f) {
            case BpfMapFile mf -> fill(t, a, BpfAttr.MAP_INFO_SIZE, info -> mapInfo(mf.map(), info));
            case BpfProgFile pf -> fill(t, a, BpfAttr.PROG_INFO_SIZE, info -> progInfo(t, pf.program(), info));
            case BtfFile bf -> fill(t, a, BpfAttr.BTF_INFO_SIZE, info -> btfInfo(t, bf.btf(), info));
            case BpfLinkFile lf -> LinkCommands.info(t, lf.link(), a, BpfAttr.INFO_LEN, BpfAttr.INFO_PTR);
            default -> Errno.EINVAL.ret();
        };
    }

    /** Fills {@code info} (the caller's copy, zero-extended) in place; 0 or -errno. */
    @FunctionalInterface
    private interface Filler {
        long fill(ByteBuffer info);
    }

    private static long fill(Task t, Attr a, int size, Filler filler) {
        long infoAddr = a.u64(BpfAttr.INFO_PTR);
        long userLen = a.u32Long(BpfAttr.INFO_LEN);
        if (userLen > size) {
            if (userLen > AddressSpace.PAGE_SIZE) {
                return Errno.E2BIG.ret();
            }
            for (byte b : t.memory().read(infoAddr + size, (int) (userLen - size))) {
                if (b != 0) {
                    return Errno.E2BIG.ret();
                }
            }
        }
        int n = (int) Math.min(userLen, size);
        byte[] user = n == 0 ? new byte[size] : Arrays.copyOf(t.memory().read(infoAddr, n), size);
        ByteBuffer info = ByteBuffer.wrap(user).order(ByteOrder.LITTLE_ENDIAN);
        long r = filler.fill(info);
        if (r < 0 && r != COPY_THEN_ENOSPC) {
            return r;
        }
        t.memory().write(infoAddr, user, 0, n);
        a.putU32(BpfAttr.INFO_LEN, n);
        return r == COPY_THEN_ENOSPC ? Errno.ENOSPC.ret() : 0;
    }

    /** A filler's answer: copy the info out, then fail with -ENOSPC (btf_get_info_by_fd's cut name). */
    private static final long COPY_THEN_ENOSPC = Long.MIN_VALUE;

    /** Bpf_map_get_info_by_fd: starts from zero (nothing of the caller's copy is read). */
    private static long mapInfo(MapObject m, ByteBuffer info) {
        Arrays.fill(info.array(), (byte) 0);
        info.putInt(BpfAttr.MAP_INFO_TYPE, m.map().type()).putInt(BpfAttr.MAP_INFO_ID, m.id())
                .putInt(BpfAttr.MAP_INFO_KEY_SIZE, m.map().keySize())
                .putInt(BpfAttr.MAP_INFO_VALUE_SIZE, m.map().valueSize())
                .putInt(BpfAttr.MAP_INFO_MAX_ENTRIES, m.map().maxEntries())
                .putInt(BpfAttr.MAP_INFO_MAP_FLAGS, m.map().flags())
                .put(BpfAttr.MAP_INFO_NAME, ObjectName.toField(m.name()));
        if (m.btf() != null) {
            info.putInt(BpfAttr.MAP_INFO_BTF_ID, m.btf().id())
                    .putInt(BpfAttr.MAP_INFO_BTF_KEY_TYPE_ID, m.btfKeyTypeId())
                    .putInt(BpfAttr.MAP_INFO_BTF_VALUE_TYPE_ID, m.btfValueTypeId())
                    .putInt(BpfAttr.MAP_INFO_BTF_VMLINUX_VALUE_TYPE_ID, m.btfVmlinuxValueTypeId());
        }
        return 0;
    }

    /** Bpf_prog_get_info_by_fd. */
    private static long progInfo(Task t, BpfProgram p, ByteBuffer info) {
        long userNrMaps = Integer.toUnsignedLong(info.getInt(BpfAttr.PROG_INFO_NR_MAP_IDS));
        long mapIds = info.getLong(BpfAttr.PROG_INFO_MAP_IDS);
        long userXlatedLen = Integer.toUnsignedLong(info.getInt(BpfAttr.PROG_INFO_XLATED_PROG_LEN));
        long xlated = info.getLong(BpfAttr.PROG_INFO_XLATED_PROG_INSNS);
        long userNrFunc = Integer.toUnsignedLong(info.getInt(BpfAttr.PROG_INFO_NR_FUNC_INFO));
        long funcInfo = info.getLong(BpfAttr.PROG_INFO_FUNC_INFO);
        long userNrLine = Integer.toUnsignedLong(info.getInt(BpfAttr.PROG_INFO_NR_LINE_INFO));
        long lineInfo = info.getLong(BpfAttr.PROG_INFO_LINE_INFO);
        List<MapObject> maps = p.maps();
        byte[] insns = dump(p);
        info.putInt(BpfAttr.PROG_INFO_TYPE, p.type()).putInt(BpfAttr.PROG_INFO_ID, p.id())
                .put(BpfAttr.PROG_INFO_TAG, p.tag())
                .putInt(BpfAttr.PROG_INFO_JITED_PROG_LEN, 0) // no native code: emu's JIT emits JVM bytecode
                .putInt(BpfAttr.PROG_INFO_XLATED_PROG_LEN, insns.length)
                .putLong(BpfAttr.PROG_INFO_LOAD_TIME, p.loadTimeNanos())
                .putInt(BpfAttr.PROG_INFO_CREATED_BY_UID, 0)
                .putInt(BpfAttr.PROG_INFO_NR_MAP_IDS, maps.size())
                .put(BpfAttr.PROG_INFO_NAME, ObjectName.toField(p.name()))
                .putInt(BpfAttr.PROG_INFO_GPL_COMPATIBLE_WORD, KernelProgramTypes.gplCompatible(p.license()) ? 1 : 0)
                .putInt(BpfAttr.PROG_INFO_BTF_ID, p.btf() == null ? 0 : p.btf().id())
                .putInt(BpfAttr.PROG_INFO_FUNC_INFO_REC_SIZE, FUNC_INFO_SIZE)
                .putInt(BpfAttr.PROG_INFO_NR_FUNC_INFO, p.funcInfoCount())
                .putInt(BpfAttr.PROG_INFO_LINE_INFO_REC_SIZE, LINE_INFO_SIZE)
                .putInt(BpfAttr.PROG_INFO_NR_LINE_INFO, p.lineInfoCount())
                .putLong(BpfAttr.PROG_INFO_RUN_TIME_NS, 0) // bpf_stats are off, as by default on Linux
                .putLong(BpfAttr.PROG_INFO_RUN_CNT, 0);
        long k = Math.min(userNrMaps, maps.size());
        for (int i = 0; i < k; i++) {
            t.memory().writeInt(mapIds + 4L * i, maps.get(i).id());
        }
        if (userXlatedLen > 0 && insns.length > 0) {
            t.memory().write(xlated, insns, 0, (int) Math.min(userXlatedLen, insns.length));
        }
        if (userNrFunc > 0 && p.funcInfoCount() > 0) {
            t.memory().write(funcInfo, p.funcInfo(), 0, (int) Math.min(userNrFunc, p.funcInfoCount()) * FUNC_INFO_SIZE);
        }
        if (userNrLine > 0 && p.lineInfoCount() > 0) {
            t.memory().write(lineInfo, p.lineInfo(), 0, (int) Math.min(userNrLine, p.lineInfoCount()) * LINE_INFO_SIZE);
        }
        return 0;
    }

    /** sizeof(struct bpf_func_info), sizeof(struct bpf_line_info). */
    static final int FUNC_INFO_SIZE = 8, LINE_INFO_SIZE = 16;

    /**
     * The xlated dump (bpf_insn_prepare_dump): the instructions as loaded, with each map
     * reference in lddw shown as Linux shows it — src BPF_PSEUDO_MAP_FD or BPF_PSEUDO_MAP_VALUE
     * and the map's id in imm (the value offset stays in the second slot).
     */
    private static byte[] dump(BpfProgram p) {
        List<Instruction> insns = p.code().program().instructions();
        long[] code = p.code().program().code();
        ByteBuffer out = ByteBuffer.allocate(insns.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < insns.size(); i++) {
            Instruction in = insns.get(i);
            long raw = in.toRaw();
            if (in.opcode() == 0x18 && in.src() != 0 && i + 1 < insns.size()) {
                int src = in.src();
                boolean value = src == BpfFlags.BPF_PSEUDO_MAP_VALUE || src == BpfFlags.BPF_PSEUDO_MAP_IDX_VALUE;
                boolean map = value || src == BpfFlags.BPF_PSEUDO_MAP_FD || src == BpfFlags.BPF_PSEUDO_MAP_IDX;
                if (map) {
                    long resolved = code[i + 1];
                    int index = value ? (int) (resolved >>> 32)
                            : (int) ((resolved >>> 32) - dev.emu.bpf.load.LoadedProgram.MAP_PTR_REGION);
                    int id = p.maps().get(index).id();
                    int newSrc = value ? BpfFlags.BPF_PSEUDO_MAP_VALUE : BpfFlags.BPF_PSEUDO_MAP_FD;
                    raw = (raw & 0xffffffffL & ~0xf000L) | (long) newSrc << 12 | (long) id << 32;
                    out.putLong(raw);
                    out.putLong(insns.get(i + 1).toRaw()); // imm: the value offset (0 for a map)
                    i++;
                    continue;
                }
            }
            out.putLong(raw);
        }
        return out.array();
    }

    /**
     * btf_get_info_by_fd: the blob (as much as btf_size allows), its size, id, kernel_btf, and
     * the name ("vmlinux" for the kernel's, "" for user BTF) into name/name_len: cut with
     * -ENOSPC when name_len is too small.
     */
    private static long btfInfo(Task t, BtfObject b, ByteBuffer info) {
        long ubtf = info.getLong(BpfAttr.BTF_INFO_BTF);
        long userSize = Integer.toUnsignedLong(info.getInt(BpfAttr.BTF_INFO_BTF_SIZE));
        long uname = info.getLong(BpfAttr.BTF_INFO_NAME);
        long unameLen = Integer.toUnsignedLong(info.getInt(BpfAttr.BTF_INFO_NAME_LEN));
        byte[] raw = b.btf().raw();
        int copy = (int) Math.min(raw.length, userSize);
        if (copy > 0) {
            t.memory().write(ubtf, raw, 0, copy);
        }
        info.putInt(BpfAttr.BTF_INFO_ID, b.id()).putInt(BpfAttr.BTF_INFO_BTF_SIZE, raw.length)
                .putInt(BpfAttr.BTF_INFO_KERNEL_BTF, b.kernel() ? 1 : 0);
        if ((uname == 0) != (unameLen == 0)) {
            return Errno.EINVAL.ret();
        }
        byte[] name = b.name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        info.putInt(BpfAttr.BTF_INFO_NAME_LEN, name.length);
        if (uname != 0) {
            if (unameLen >= name.length + 1) {
                t.memory().write(uname, java.util.Arrays.copyOf(name, name.length + 1));
            } else {
                byte[] cut = java.util.Arrays.copyOf(name, (int) unameLen);
                cut[cut.length - 1] = 0;
                t.memory().write(uname, cut);
                return COPY_THEN_ENOSPC;
            }
        }
        return 0;
    }
}
