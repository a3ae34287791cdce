package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.bpf.btf.BtfLoadResult;
import dev.emu.bpf.btf.BtfLoader;
import dev.emu.kernel.task.Task;

/**
 * BPF_BTF_LOAD and BPF_BTF_GET_FD_BY_ID (kernel/bpf/syscall.c bpf_btf_load, bpf_btf_get_fd_by_id;
 * kernel/bpf/btf.c btf_new_fd, btf_parse). The blob is checked by {@link BtfLoader}; the log
 * follows the verifier log's rules (btf_log_level, btf_log_buf and btf_log_size all set or all
 * zero, log_size at least 128; a log that does not fit is truncated and the load fails with
 * -ENOSPC).
 */
final class BtfCommands {
    private BtfCommands() {}

    /** BPF_BTF_LOAD_LAST_FIELD (btf_log_level in 6.1) ends here. */
    private static final int LOAD_END = 28;
    /** BPF_BTF_GET_FD_BY_ID_LAST_FIELD (btf_id) ends here. */
    private static final int BY_ID_END = 4;
    private static final int LOG_MASK = 7, LOG_MIN_SIZE = 128;

    static long load(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(LOAD_END)) {
            return Errno.EINVAL.ret();
        }
        long size = a.u32Long(BpfAttr.BTF_SIZE);
        int logLevel = a.u32(BpfAttr.BTF_LOG_LEVEL);
        long logSize = a.u32Long(BpfAttr.BTF_LOG_SIZE);
        long logBuf = a.u64(BpfAttr.BTF_LOG_BUF);
        if ((logLevel != 0 || logBuf != 0 || logSize != 0)
                && (logSize < LOG_MIN_SIZE || logSize > 0xffffffffL >> 2 || logLevel == 0 || logBuf == 0
                    || (logLevel & ~LOG_MASK) != 0)) {
            return Errno.EINVAL.ret();
        }
        if (size > BtfLoader.MAX_SIZE) {
            return Errno.E2BIG.ret();
        }
        byte[] data = t.memory().read(a.u64(BpfAttr.BTF), (int) size);
        BtfLoadResult r = BtfLoader.load(data, logLevel != 0);
        long result;
        BtfObject btf = null;
        switch (r) {
            case BtfLoadResult.Refused rf -> result = rf.errno().ret();
            case BtfLoadResult.Loaded l when !t.kernel().memory().tryChargeHeap(BtfObject.memoryCost(l.btf().size())) ->
                    result = Errno.ENOMEM.ret();
            case BtfLoadResult.Loaded l -> {
                btf = bpf.newBtf(l.btf());
                result = 0;
            }
        }
        if (result < 0 && r instanceof BtfLoadResult.Refused rf) {
            t.kernel().log().info("bpf: BTF_LOAD refused (" + rf.errno() + "): "
                    + lastLine(rf.log()));
        }
        if (logLevel != 0) {
            long logResult = ProgLoad.copyLog(t, logBuf, logSize, r.log());
            if (logResult < 0 && result >= 0) {
                result = logResult;
            }
        }
        if (btf == null) {
            return result;
        }
        BtfFile file = new BtfFile(btf);
        if (result < 0) {
            file.release();
            return result;
        }
        return BpfFds.install(t, file);
    }

    private static String lastLine(String log) {
        String s = log.strip();
        int nl = s.lastIndexOf('\n');
        return nl < 0 ? s : s.substring(nl + 1);
    }

    /** BTF_GET_FD_BY_ID: a new fd for the live BTF object with that id (-ENOENT if none). */
    static long fdById(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(BY_ID_END)) {
            return Errno.EINVAL.ret();
        }
        BtfObject b = bpf.btfById(a.u32Long(BpfAttr.BY_ID_ID));
        if (b == null) {
            return Errno.ENOENT.ret();
        }
        return BpfFds.install(t, new BtfFile(b));
    }
}
