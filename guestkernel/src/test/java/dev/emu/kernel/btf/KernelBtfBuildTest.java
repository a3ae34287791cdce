package dev.emu.kernel.btf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.bpf.btf.Btf;
import dev.emu.bpf.btf.BtfKind;
import dev.emu.bpf.btf.BtfLoadResult;
import dev.emu.bpf.btf.BtfLoader;
import dev.emu.bpf.btf.BtfType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel BTF as generated: it passes BTF_LOAD's checks, and the image layouts are its offsets. */
class KernelBtfBuildTest {
    private static final List<String> WRAPPERS = List.of("__x64_sys_read", "__x64_sys_getpid");
    private final KernelBtf kernel = KernelBtf.build(WRAPPERS);
    private final Btf btf = kernel.btf();

    @Test
    void theBlobPassesBtfLoadAndIsTheSameOnEveryBuild() {
        assertThat(BtfLoader.load(kernel.blob(), true)).isInstanceOf(BtfLoadResult.Loaded.class);
        assertThat(KernelBtf.build(WRAPPERS).blob()).isEqualTo(kernel.blob());
        assertThat(kernel.size()).isEqualTo(kernel.blob().length);
    }

    /** Every member an image builder writes is where the BTF says it is, with the BTF's size. */
    @Test
    void layoutsAreTheBtfsOffsets() {
        for (StructLayout l : List.of(kernel.task, kernel.mm, kernel.cred, kernel.files, kernel.fdtable, kernel.file,
                kernel.path, kernel.dentry, kernel.inode, kernel.pid, kernel.upid, kernel.pidNamespace, kernel.nsproxy,
                kernel.binprm, kernel.ptRegs, kernel.fs, kernel.vfsmount, kernel.superBlock)) {
            BtfType t = btf.type(l.btfId());
            assertThat(t.kind()).isEqualTo(BtfKind.STRUCT);
            assertThat(t.name()).isEqualTo(l.name());
            assertThat(t.size()).isEqualTo(l.size());
            for (int i = 0; i < t.vlen(); i++) {
                String name = btf.string(t.data()[3 * i]);
                long bits = t.data()[3 * i + 2];
                if (!name.isEmpty()) {
                    assertThat(l.off(name) * 8L).as("%s.%s", l.name(), name).isEqualTo(bits);
                    assertThat(l.fields().get(name).size()).isEqualTo(btf.sizeOf(t.data()[3 * i + 1]));
                }
            }
        }
        assertThat(kernel.ptRegs.size()).isEqualTo(168); // Linux's, which the kprobe context is
        assertThat(kernel.ptRegs.off("di")).isEqualTo(112);
    }

    @Test
    void taskStructHasTheFieldsToolsRead() {
        assertThat(kernel.task.fields()).containsKeys("pid", "tgid", "comm", "real_parent", "group_leader", "mm", "cred",
                "__state", "flags", "start_time", "exit_code", "files", "nsproxy");
        assertThat(kernel.task.fields().get("comm").size()).isEqualTo(16);
        // qstr's hash/len sit in an anonymous union of an anonymous struct, as Linux's
        assertThat(kernel.qstr.off("len")).isEqualTo(4);
        assertThat(kernel.qstr.off("hash_len")).isZero();
        assertThat(kernel.qstr.off("name")).isEqualTo(8);
    }

    @Test
    void attachPointsAreThereAsLinuxNamesThem() {
        int tp = btf.find("btf_trace_sched_switch", BtfKind.TYPEDEF);
        assertThat(tp).isPositive();
        BtfType proto = btf.type(btf.type(btf.type(tp).type()).type());
        assertThat(proto.kind()).isEqualTo(BtfKind.FUNC_PROTO);
        assertThat(proto.vlen()).isEqualTo(5); // void *, bool preempt, prev, next, prev_state
        int f = btf.find("__x64_sys_getpid", BtfKind.FUNC);
        assertThat(f).isPositive();
        BtfType fp = btf.type(btf.type(f).type());
        assertThat(fp.vlen()).isEqualTo(1);
        assertThat(btf.string(fp.data()[0])).isEqualTo("regs");
        assertThat(btf.find("pid_type", BtfKind.ENUM)).isPositive();
    }
}
