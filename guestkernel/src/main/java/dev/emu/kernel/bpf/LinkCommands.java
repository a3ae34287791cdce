package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfProgType;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.perf.PerfEvent;
import dev.emu.kernel.perf.PerfEventFile;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.trace.TraceEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The link commands (kernel/bpf/syscall.c): BPF_RAW_TRACEPOINT_OPEN, LINK_CREATE with
 * BPF_PERF_EVENT, LINK_UPDATE and LINK_DETACH (which emu's link kinds do not have, as Linux's
 * raw tracepoint and perf links do not), LINK_GET_FD_BY_ID, LINK_GET_NEXT_ID, and the link case
 * of OBJ_GET_INFO_BY_FD.
 */
final class LinkCommands {
    private LinkCommands() {}

    /** Attr offsets: raw_tracepoint {name, prog_fd, cookie}; link_create {prog_fd, target_fd, attach_type, flags, perf_event.bpf_cookie}. */
    private static final int RAW_TP_NAME = 0, RAW_TP_PROG_FD = 8, RAW_TP_END = 24;
    private static final int LC_PROG_FD = 0, LC_TARGET_FD = 4, LC_ATTACH_TYPE = 8, LC_FLAGS = 12, LC_COOKIE = 16,
            LC_END = 64;
    private static final int LU_LINK_FD = 0, LU_NEW_PROG_FD = 4, LU_FLAGS = 8, LU_END = 16;
    private static final int LD_END = 4;
    /** LINK_GET_FD_BY_ID's last field is link_id; GET_NEXT_ID's is next_id. */
    private static final int BY_ID_END = 4, NEXT_ID_END = 8;
    /** BPF_PERF_EVENT attach type. */
    static final int BPF_PERF_EVENT = 41;
    /** BPF_F_REPLACE. */
    private static final int BPF_F_REPLACE = 4;
    /** sizeof(struct bpf_link_info). */
    static final int LINK_INFO_SIZE = 64;
    /** enum bpf_perf_event_type. */
    private static final int PERF_KPROBE = 3, PERF_KRETPROBE = 4, PERF_TRACEPOINT = 5, PERF_EVENT = 6;

    /** BPF_RAW_TRACEPOINT_OPEN (bpf_raw_tp_link_attach): a RAW_TRACEPOINT program on a tracepoint by name. */
    static long rawTracepointOpen(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(RAW_TP_END)) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfProgram p = BpfFds.program(t, a.u32Long(RAW_TP_PROG_FD), err);
        if (p == null) {
            return err[0];
        }
        if (p.type() == TracingTargets.PROG_TYPE_TRACING) {
            // bpf_raw_tp_link_attach: a TRACING program names no tracepoint; it attaches where it was loaded for
            return a.u64(RAW_TP_NAME) != 0 ? Errno.EINVAL.ret() : attachTracing(t, bpf, p, a.u64(16));
        }
        if (p.type() != BpfProgType.RAW_TRACEPOINT) {
            return Errno.EINVAL.ret();
        }
        long nameAddr = a.u64(RAW_TP_NAME);
        if (nameAddr == 0) {
            return Errno.EINVAL.ret();
        }
        String name = ProgLoad.readString(t, nameAddr, 127);
        TraceEvent tp = t.kernel().trace().rawTracepoint(name);
        if (tp == null) {
            return Errno.ENOENT.ret(); // bpf_get_raw_tracepoint
        }
        if (!TracingAttach.RawTracepointAttachment.fits(p, tp)) {
            return Errno.EINVAL.ret(); // bpf_probe_register: the program reads past the arguments
        }
        BpfLink link = BpfLink.rawTracepoint(bpf, p, tp, a.u64(16));
        return install(t, bpf, link);
    }

    /** LINK_CREATE: BPF_PERF_EVENT for KPROBE, TRACEPOINT and PERF_EVENT programs (bpf_perf_link_attach). */
    static long create(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(LC_END)) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfProgram p = BpfFds.program(t, a.u32Long(LC_PROG_FD), err);
        if (p == null) {
            return err[0];
        }
        int attachType = a.u32(LC_ATTACH_TYPE);
        if (p.type() == TracingTargets.PROG_TYPE_TRACING) {
            // link_create: the attach type must be the one the program was loaded for; no target fd
            if (attachType != p.expectedAttachType() || a.u32(LC_FLAGS) != 0 || a.u32(LC_TARGET_FD) != 0) {
                return Errno.EINVAL.ret();
            }
            return attachTracing(t, bpf, p, a.u64(LC_COOKIE));
        }
        boolean perfType = p.type() == BpfProgType.KPROBE || p.type() == BpfProgType.TRACEPOINT
                || p.type() == BpfProgType.PERF_EVENT;
        if (!perfType || attachType != BPF_PERF_EVENT) {
            return Errno.EINVAL.ret();
        }
        if (a.u32(LC_FLAGS) != 0) {
            return Errno.EINVAL.ret();
        }
        long fd = a.u32Long(LC_TARGET_FD);
        File f = t.process().fds().get(fd);
        if (!(f instanceof PerfEventFile pf)) {
            return Errno.EBADF.ret(); // perf_event_get
        }
        TracingAttach.PerfAttachment att = new TracingAttach.PerfAttachment(t.kernel(), p);
        long r = TracingAttach.attach(pf.event(), att);
        if (r < 0) {
            att.release();
            return r;
        }
        return install(t, bpf, BpfLink.perfEvent(bpf, pf, att, a.u64(LC_COOKIE)));
    }

    /**
     * A TRACING program onto its target (bpf_tracing_prog_attach for fentry/fexit: a TRACING
     * link; bpf_raw_tp_link_attach for tp_btf: a raw tracepoint link). A tracepoint emu's BTF
     * names but whose events emu does not fire is ENOENT, as bpf_get_raw_tracepoint.
     */
    private static long attachTracing(Task t, BpfSubsystem bpf, BpfProgram p, long cookie) {
        TracingTargets.Target target = p.tracingTarget();
        if (target == null) {
            return Errno.EINVAL.ret();
        }
        if (target.event() == null) {
            t.kernel().log().once("tp_btf:" + target.name(), "bpf: tp_btf/" + target.name()
                    + ": emu has no such raw tracepoint (ENOENT)");
            return Errno.ENOENT.ret();
        }
        if (!TracingAttach.RawTracepointAttachment.fits(p, target.event())) {
            return Errno.EINVAL.ret();
        }
        BpfLink link = target.attachType() == TracingTargets.TRACE_RAW_TP
                ? BpfLink.rawTracepoint(bpf, p, target.event(), cookie)
                : BpfLink.tracing(bpf, p, target.event(), cookie);
        return install(t, bpf, link);
    }

    private static long install(Task t, BpfSubsystem bpf, BpfLink link) {
        bpf.register(link);
        return BpfFds.install(t, new BpfLinkFile(link));
    }

    /** LINK_UPDATE: neither raw tracepoint nor perf links can change their program (no update_prog). */
    static long update(Task t, Attr a) {
        if (!a.tailZeroFrom(LU_END)) {
            return Errno.EINVAL.ret();
        }
        if ((a.u32(LU_FLAGS) & ~BPF_F_REPLACE) != 0) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfLink link = link(t, a.u32Long(LU_LINK_FD), err);
        if (link == null) {
            return err[0];
        }
        BpfProgram p = BpfFds.program(t, a.u32Long(LU_NEW_PROG_FD), err);
        if (p == null) {
            return err[0];
        }
        return Errno.EINVAL.ret();
    }

    /** LINK_DETACH: these link kinds have no detach operation (EOPNOTSUPP). */
    static long detach(Task t, Attr a) {
        if (!a.tailZeroFrom(LD_END)) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfLink link = link(t, a.u32Long(0), err);
        return link == null ? err[0] : Errno.EOPNOTSUPP.ret();
    }

    /** LINK_GET_FD_BY_ID. */
    static long fdById(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(BY_ID_END)) {
            return Errno.EINVAL.ret();
        }
        BpfLink l = bpf.linkById(a.u32Long(0));
        if (l == null) {
            return Errno.ENOENT.ret();
        }
        return BpfFds.install(t, new BpfLinkFile(l));
    }

    /** LINK_GET_NEXT_ID: the next live link id after start_id, into next_id. */
    static long nextId(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(NEXT_ID_END)) {
            return Errno.EINVAL.ret();
        }
        if (a.u32Long(0) >= Integer.MAX_VALUE) {
            return Errno.EINVAL.ret();
        }
        Integer next = bpf.nextLinkId(a.u32Long(0));
        if (next == null) {
            return Errno.ENOENT.ret();
        }
        a.putU32(4, next);
        return 0;
    }

    private static BpfLink link(Task t, long fd, long[] err) {
        File f = t.process().fds().get(fd);
        if (f instanceof BpfLinkFile lf) {
            return lf.link();
        }
        err[0] = f == null ? Errno.EBADF.ret() : Errno.EINVAL.ret();
        return null;
    }

    /**
     * OBJ_GET_INFO_BY_FD for a link (bpf_link_get_info_by_fd): struct bpf_link_info with the
     * raw tracepoint's name or the perf event's kind, name or config, names copied to the
     * buffer the caller gives (ENOSPC when it is too small).
     */
    static long info(Task t, BpfLink link, Attr a, int infoLenOff, int infoPtrOff) {
        long infoAddr = a.u64(infoPtrOff);
        long userLen = a.u32Long(infoLenOff);
        if (userLen > LINK_INFO_SIZE) {
            if (userLen > dev.emu.kernel.platform.AddressSpace.PAGE_SIZE) {
                return Errno.E2BIG.ret();
            }
            for (byte b : t.memory().read(infoAddr + LINK_INFO_SIZE, (int) (userLen - LINK_INFO_SIZE))) {
                if (b != 0) {
                    return Errno.E2BIG.ret();
                }
            }
        }
        int n = (int) Math.min(userLen, LINK_INFO_SIZE);
        ByteBuffer user = ByteBuffer.wrap(java.util.Arrays.copyOf(n == 0 ? new byte[0] : t.memory().read(infoAddr, n),
                LINK_INFO_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer info = ByteBuffer.allocate(LINK_INFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        info.putInt(0, link.type()).putInt(4, link.id()).putInt(8, link.program().id());
        long result = 0;
        if (link.type() == BpfLink.TYPE_RAW_TRACEPOINT) {
            result = name(t, info, user, 16, 24, link.tracepoint().name());
        } else if (link.type() == BpfLink.TYPE_TRACING) {
            // tracing: attach_type, target_obj_id (the kernel BTF, id 1), target_btf_id
            TracingTargets.Target target = link.program().tracingTarget();
            info.putInt(16, target.attachType()).putInt(20, 1).putInt(24, target.btfId());
        } else {
            PerfEvent e = link.perfEvent();
            switch (e.kind()) {
                case KPROBE -> {
                    info.putInt(16, e.tracepoint() == e.kernel().trace().kprobe(e.tracepoint().name(), false) ? PERF_KPROBE : PERF_KRETPROBE);
                    result = name(t, info, user, 24, 32, e.tracepoint().name());
                    info.putLong(56, link.cookie());
                }
                case TRACEPOINT -> {
                    info.putInt(16, PERF_TRACEPOINT);
                    result = name(t, info, user, 24, 32, e.tracepoint().name());
                    info.putLong(40, link.cookie());
                }
                default -> {
                    info.putInt(16, PERF_EVENT);
                    info.putLong(24, e.attr().config()).putInt(32, e.attr().type()).putLong(40, link.cookie());
                }
            }
        }
        t.memory().write(infoAddr, info.array(), 0, n);
        a.putU32(infoLenOff, n);
        return result;
    }

    /** A name field pair (pointer at ptrOff, u32 length at lenOff): copied NUL-terminated if the caller gave a buffer. */
    private static long name(Task t, ByteBuffer info, ByteBuffer user, int ptrOff, int lenOff, String name) {
        long buf = user.getLong(ptrOff);
        int len = user.getInt(lenOff);
        byte[] b = (name + "\0").getBytes(StandardCharsets.UTF_8);
        info.putLong(ptrOff, buf).putInt(lenOff, b.length);
        if (buf == 0 && len == 0) {
            return 0;
        }
        if (buf == 0 || len == 0) {
            return Errno.EINVAL.ret();
        }
        if (len < b.length) {
            byte[] cut = java.util.Arrays.copyOf(b, len);
            cut[len - 1] = 0;
            t.memory().write(buf, cut);
            return Errno.ENOSPC.ret();
        }
        t.memory().write(buf, b);
        return 0;
    }
}
