package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.kernel.task.Task;
import java.util.function.IntUnaryOperator;

/**
 * BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID and BPF_BTF_GET_NEXT_ID (kernel/bpf/syscall.c
 * bpf_obj_get_next_id): the smallest live id above start_id, written to next_id; -ENOENT after
 * the last. Ids are global, as Linux's idr: every process sees every object.
 */
final class ObjectIds {
    private ObjectIds() {}

    /** BPF_OBJ_GET_NEXT_ID_LAST_FIELD (next_id) ends here. */
    private static final int NEXT_ID_END = 8;

    /** Which id table: {@code next.applyAsInt(start)} is the next live id or -1. */
    static long nextId(Attr a, IntUnaryOperator next) {
        if (!a.tailZeroFrom(NEXT_ID_END)) {
            return Errno.EINVAL.ret();
        }
        long start = a.u32Long(BpfAttr.START_ID);
        if (start + 1 >= Integer.MAX_VALUE) { // next_id >= INT_MAX
            return Errno.EINVAL.ret();
        }
        int id = next.applyAsInt((int) start);
        if (id < 0) {
            return Errno.ENOENT.ret();
        }
        a.putU32(BpfAttr.NEXT_ID, id);
        return 0;
    }

    static long nextMap(Task t, BpfSubsystem bpf, Attr a) {
        return nextId(a, bpf::nextMapId);
    }

    static long nextProgram(Task t, BpfSubsystem bpf, Attr a) {
        return nextId(a, bpf::nextProgramId);
    }

    static long nextBtf(Task t, BpfSubsystem bpf, Attr a) {
        return nextId(a, bpf::nextBtfId);
    }
}
