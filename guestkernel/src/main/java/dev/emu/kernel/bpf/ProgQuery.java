package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.kernel.task.Task;
import java.util.List;
import java.util.Set;

/**
 * BPF_PROG_QUERY (kernel/bpf/syscall.c bpf_prog_query) for the attach points emu has: the
 * timer tick (BPF_EMU_TIMER, target_fd 0) lists the attached programs. The cgroup attach types
 * need a cgroup directory fd, which emu has none of: EBADF, as cgroup_get_from_fd answers for any
 * other fd. Other attach types are EINVAL, Linux's answer for a type it cannot query.
 *
 * <p>Output as cgroup_bpf_prog_query: attach_flags 0, prog_cnt the number attached; the ids are
 * copied when prog_ids and prog_cnt are non-zero, and a prog_cnt smaller than the number
 * attached gets that many with -ENOSPC.
 */
final class ProgQuery {
    private ProgQuery() {}

    /** BPF_PROG_QUERY_LAST_FIELD (query.prog_attach_flags in 6.1) ends here. */
    private static final int QUERY_END = 40;
    /** BPF_F_QUERY_EFFECTIVE. */
    private static final int QUERY_EFFECTIVE = 1;
    /** The BPF_CGROUP_* attach types (enum bpf_attach_type) that cgroup_bpf_prog_query answers. */
    private static final Set<Integer> CGROUP_TYPES = Set.of(0, 1, 2, 3, 6, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20,
            21, 22, 29, 30, 31, 32, 34);

    static long query(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(QUERY_END)) {
            return Errno.EINVAL.ret();
        }
        if ((a.u32(BpfAttr.QUERY_FLAGS) & ~QUERY_EFFECTIVE) != 0) {
            return Errno.EINVAL.ret();
        }
        int type = a.u32(BpfAttr.QUERY_ATTACH_TYPE);
        if (CGROUP_TYPES.contains(type)) {
            return Errno.EBADF.ret(); // no fd names a cgroup: emu has no cgroup filesystem
        }
        if (type != EmuBpfExtensions.BPF_EMU_TIMER) {
            return Errno.EINVAL.ret();
        }
        if (a.u32(BpfAttr.QUERY_TARGET_FD) != 0) {
            return Errno.EINVAL.ret(); // the tick's target_fd is 0, as for PROG_ATTACH
        }
        List<BpfProgram> attached = bpf.timer().programs();
        long cap = a.u32Long(BpfAttr.QUERY_PROG_CNT);
        long ids = a.u64(BpfAttr.QUERY_PROG_IDS);
        a.putU32(BpfAttr.QUERY_ATTACH_FLAGS, 0);
        a.putU32(BpfAttr.QUERY_PROG_CNT, attached.size());
        if (cap == 0 || ids == 0 || attached.isEmpty()) {
            return 0;
        }
        int n = (int) Math.min(cap, attached.size());
        for (int i = 0; i < n; i++) {
            t.memory().writeInt(ids + 4L * i, attached.get(i).id());
        }
        return n < attached.size() ? Errno.ENOSPC.ret() : 0;
    }
}
