package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.InstructionCodec;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.verifier.ProgramType;
import dev.emu.bpf.verifier.Verifier;
import dev.emu.bpf.verifier.VerifierResult;
import dev.emu.kernel.task.Task;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * BPF_PROG_LOAD (kernel/bpf/syscall.c bpf_prog_load, kernel/bpf/verifier.c bpf_check): attr
 * checks, the license, the instructions, map fds in {@code lddw} resolved through the caller's
 * fd table, the load checks and the verifier, the log, and the new program's fd.
 *
 * <p>The log follows Linux's bpf_verifier_log: log_level, log_buf and log_size are all set or all
 * zero (log_size at least 128), else -EINVAL. The log is copied NUL-terminated; a log that does
 * not fit is truncated to log_size - 1 bytes and the load fails with -ENOSPC.
 */
final class ProgLoad {
    private ProgLoad() {}

    /** BPF_PROG_LOAD_LAST_FIELD (core_relo_rec_size in 6.1) ends here. */
    private static final int LOAD_END = 140;
    /** BPF_F_STRICT_ALIGNMENT | ANY_ALIGNMENT | TEST_RND_HI32 | TEST_STATE_FREQ | SLEEPABLE | XDP_HAS_FRAGS. */
    private static final int KNOWN_PROG_FLAGS = 1 | 2 | 4 | 8 | 16 | 32;
    /** BPF_LOG_LEVEL1 | BPF_LOG_LEVEL2 | BPF_LOG_STATS. */
    private static final int LOG_MASK = 7;
    private static final int LOG_MIN_SIZE = 128;
    /** Linux's license buffer: char license[128]. */
    private static final int LICENSE_MAX = 128;

    static long load(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(LOAD_END)) {
            return Errno.EINVAL.ret();
        }
        if ((a.u32(BpfAttr.PROG_FLAGS) & ~KNOWN_PROG_FLAGS) != 0) {
            return Errno.EINVAL.ret();
        }
        int progType = a.u32(BpfAttr.PROG_TYPE);
        ProgramType type = KernelProgramTypes.of(progType);
        int expected = a.u32(BpfAttr.EXPECTED_ATTACH_TYPE);
        if (type == null) {
            bpf.reportUnsupported("program type " + Integer.toUnsignedString(progType));
            return Errno.EINVAL.ret();
        }
        TracingTargets.Target tracing = null;
        if (progType == TracingTargets.PROG_TYPE_TRACING) {
            // bpf_prog_load: attach_btf_obj_fd names the kernel (or a module's) BTF; only vmlinux here.
            long objFd = a.u32Long(BpfAttr.ATTACH_PROG_FD);
            if (objFd != 0) {
                long[] err = new long[1];
                BtfObject obj = BpfFds.btf(t, objFd, err);
                if (obj == null) {
                    return err[0];
                }
                if (!obj.kernel()) {
                    return Errno.ENOTSUPP.ret();
                }
            }
            TracingTargets.Resolved r = TracingTargets.resolve(t.kernel(), bpf, expected, a.u32Long(BpfAttr.ATTACH_BTF_ID));
            if (r.target() == null) {
                int logLevel = a.u32(BpfAttr.LOG_LEVEL);
                return logOnly(t, logLevel, a.u64(BpfAttr.LOG_BUF), a.u32Long(BpfAttr.LOG_SIZE),
                        r.log().isEmpty() ? "" : r.log() + "\n", r.errno());
            }
            tracing = r.target();
            type = tracing.programType();
        } else if (!attachTypeFits(progType, expected)) {
            return Errno.EINVAL.ret();
        }
        // bpf_prog_load_check_attach: attach_btf_id and attach_prog_fd/attach_btf_obj_fd belong to
        // BTF-attached types (tracing, LSM, struct_ops, extensions); emu has TRACING of those.
        if (tracing == null && (a.u32(BpfAttr.ATTACH_BTF_ID) != 0 || a.u32(BpfAttr.ATTACH_PROG_FD) != 0)) {
            return Errno.EINVAL.ret();
        }
        String license = readString(t, a.u64(BpfAttr.LICENSE), LICENSE_MAX - 1);
        long insnCnt = a.u32Long(BpfAttr.INSN_CNT);
        if (insnCnt == 0 || insnCnt > LoadedProgram.MAX_INSNS) { // bpf_prog_load: both -E2BIG
            return Errno.E2BIG.ret();
        }
        String name = ObjectName.parse(a.bytes(BpfAttr.PROG_NAME, BpfAttr.OBJ_NAME_LEN));
        if (name == null) {
            return Errno.EINVAL.ret();
        }
        int logLevel = a.u32(BpfAttr.LOG_LEVEL);
        long logSize = a.u32Long(BpfAttr.LOG_SIZE);
        long logBuf = a.u64(BpfAttr.LOG_BUF);
        if ((logLevel != 0 || logBuf != 0 || logSize != 0)
                && (logSize < LOG_MIN_SIZE || logSize > 0xffffffffL >> 2 || logLevel == 0 || logBuf == 0
                    || (logLevel & ~LOG_MASK) != 0)) {
            return Errno.EINVAL.ret();
        }
        byte[] code = t.memory().read(a.u64(BpfAttr.INSNS), (int) insnCnt * InstructionCodec.SLOT_SIZE);
        // check_core_relo: kernel-side CO-RE against the kernel BTF, before the instructions are checked
        StringBuilder reloLog = new StringBuilder();
        CoreRelos.Applied relocated = CoreRelos.apply(t, a, code, reloLog);
        if (relocated.errno() != null) {
            return logOnly(t, logLevel, logBuf, logSize, relocated.log().isEmpty() ? "" : relocated.log() + "\n",
                    relocated.errno());
        }
        List<Instruction> insns = InstructionCodec.decode(code);

        long fdArray = a.u64(BpfAttr.FD_ARRAY);
        if (fdArray == 0 && usesFdArray(insns)) {
            return logOnly(t, logLevel, logBuf, logSize, "fd_idx without fd_array is invalid\n", Errno.EPROTO);
        }
        Map<BpfMap, MapObject> used = new IdentityHashMap<>();
        LoadResult lr = LoadedProgram.load(insns, new dev.emu.bpf.load.MapResolver() {
            @Override
            public BpfMap resolve(int fd) {
                long[] err = new long[1];
                MapObject m = BpfFds.map(t, fd & 0xffffffffL, err);
                if (m == null) {
                    return null;
                }
                used.put(m.map(), m);
                return m.map();
            }

            @Override
            public BpfMap resolve(int src, int imm) {
                boolean byIndex = src == BpfFlags.BPF_PSEUDO_MAP_IDX || src == BpfFlags.BPF_PSEUDO_MAP_IDX_VALUE;
                // fd_array[imm]: a bad pointer surfaces as EFAULT, as copy_from_bpfptr_offset's.
                return resolve(byIndex ? t.memory().readInt(fdArray + 4L * Integer.toUnsignedLong(imm)) : imm);
            }
        });
        long result;
        String log;
        BpfProgram program = null;
        // check_btf_info runs before the verifier (after the instructions' own checks).
        ProgBtfInfo.Result btfInfo = lr instanceof LoadResult.Loaded ? ProgBtfInfo.check(t, a, insns) : null;
        switch (lr) {
            case LoadResult.Refused r -> {
                result = r.errno().ret();
                log = r.message() + "\n";
            }
            case LoadResult.Loaded l when btfInfo != null && btfInfo.errno() != null -> {
                result = btfInfo.errno().ret();
                log = btfInfo.message().isEmpty() ? "" : btfInfo.message() + "\n";
            }
            case LoadResult.Loaded l -> {
                ProgramType checked = KernelProgramTypes.gplCompatible(license) ? type
                        : KernelProgramTypes.withoutGplHelpers(type);
                // do_check's signal_pending() -> -EAGAIN, and the run's guards (--timeout).
                VerifierResult vr = Verifier.verify(l.program(), checked, logLevel & 3,
                        () -> t.kernel().mustStop(t) || t.hasDeliverableSignal());
                switch (vr) {
                    case VerifierResult.Rejected rj -> {
                        result = (rj.errno() == null ? Errno.EACCES : rj.errno()).ret();
                        log = rj.log().isEmpty() ? rj.message() + "\n" : rj.log();
                    }
                    case VerifierResult.Accepted ac when !t.kernel().memory().tryChargeHeap(
                            BpfProgram.memoryCost(ac.program().program().instructions().size())) -> {
                        result = Errno.ENOMEM.ret(); // the guest's memory limit (--memory)
                        log = "";
                    }
                    case VerifierResult.Accepted ac -> {
                        List<MapObject> maps = new ArrayList<>();
                        for (BpfMap m : l.program().maps()) {
                            maps.add(used.get(m));
                        }
                        program = new BpfProgram(bpf, bpf.allocProgramId(), progType, expected, name, license,
                                ac.program(), maps, tag(code, insns), t.kernel().clock().nanos());
                        program.setTracingTarget(tracing);
                        if (btfInfo != null) {
                            program.setBtf(btfInfo.btf(), btfInfo.funcInfo(), btfInfo.funcCount(), btfInfo.lineInfo(),
                                    btfInfo.lineCount());
                        }
                        result = 0;
                        log = ac.log();
                    }
                }
            }
        }
        if (logLevel != 0) {
            long logResult = copyLog(t, logBuf, logSize, reloLog + log);
            if (logResult < 0) {
                result = logResult;
            }
        }
        if (program == null) {
            return result;
        }
        BpfProgFile file = new BpfProgFile(program);
        if (result < 0) {
            file.release(); // the program dies with its only reference
            return result;
        }
        bpf.register(program);
        return BpfFds.install(t, file);
    }

    /** An lddw that names its map by fd_array index (BPF_PSEUDO_MAP_IDX / MAP_IDX_VALUE). */
    private static boolean usesFdArray(List<Instruction> insns) {
        for (int i = 0; i < insns.size(); i++) {
            Instruction in = insns.get(i);
            if (in.opcode() == 0x18) {
                if (in.src() == BpfFlags.BPF_PSEUDO_MAP_IDX || in.src() == BpfFlags.BPF_PSEUDO_MAP_IDX_VALUE) {
                    return true;
                }
                i++;
            }
        }
        return false;
    }

    /** A load refused before any checks ran: its one log line (if a log was asked for) and errno. */
    private static long logOnly(Task t, int logLevel, long logBuf, long logSize, String line, Errno e) {
        if (logLevel != 0) {
            long r = copyLog(t, logBuf, logSize, line);
            if (r < 0) {
                return r;
            }
        }
        return e.ret();
    }

    private static boolean attachTypeFits(int progType, int expected) {
        if (progType == EmuBpfExtensions.BPF_PROG_TYPE_EMU_TIMER) {
            return expected == 0 || expected == EmuBpfExtensions.BPF_EMU_TIMER;
        }
        return expected == 0;
    }

    /** Copies the log NUL-terminated; -ENOSPC if it had to be truncated. */
    static long copyLog(Task t, long buf, long size, String log) {
        byte[] text = log.getBytes(StandardCharsets.UTF_8);
        boolean fits = text.length + 1 <= size;
        int n = fits ? text.length : (int) size - 1;
        byte[] out = new byte[n + 1];
        System.arraycopy(text, 0, out, 0, n);
        t.memory().write(buf, out);
        return fits ? 0 : Errno.ENOSPC.ret();
    }

    /** strncpy_from_user of at most {@code max} bytes; the string ends at the first NUL or at max. */
    static String readString(Task t, long addr, int max) {
        StringBuilder sb = new StringBuilder();
        byte[] one = new byte[1];
        for (int i = 0; i < max; i++) {
            t.memory().read(addr + i, one, 0, 1);
            if (one[0] == 0) {
                break;
            }
            sb.append((char) (one[0] & 0xff));
        }
        return sb.toString();
    }

    /** bpf_prog_calc_tag: SHA-1 of the instructions with map fds in lddw zeroed, first 8 bytes. */
    private static byte[] tag(byte[] code, List<Instruction> insns) {
        byte[] c = code.clone();
        for (int i = 0; i + 1 < insns.size(); i++) {
            Instruction in = insns.get(i);
            if (in.opcode() == 0x18 && in.src() != 0) { // map fds and fd_array indexes
                for (int b = 4; b < 8; b++) {
                    c[i * 8 + b] = 0;
                    c[(i + 1) * 8 + b] = 0;
                }
            }
        }
        try {
            return java.util.Arrays.copyOf(MessageDigest.getInstance("SHA-1").digest(c), 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }
}
