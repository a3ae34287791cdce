package dev.emu.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.BpfProgType;
import dev.emu.bpf.btf.BtfWriter;
import dev.emu.bpf.btf.CoreRelocation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PROG_LOAD's core_relos resolved against the kernel BTF: a socket filter {@code r0 = 4; exit}
 * whose 4 is CO-RE-relocated as offsetof(struct task_struct, pid) returns emu's offset when run.
 */
class CoreRelosTest {
    private final BpfHarness h = new BpfHarness();
    private static final long BTF_AT = BpfHarness.MEM + 0x1000, INSNS = BpfHarness.MEM + 0x2000,
            RELOS = BpfHarness.MEM + 0x2800, FUNC_INFO = BpfHarness.MEM + 0x2c00, LICENSE = BpfHarness.MEM + 0x2e00,
            DATA = BpfHarness.MEM + 0x3000, LOG = BpfHarness.MEM + 0x4000;
    private int funcId, taskId, accessOff, typeAccessOff, firstMemberOff;
    private int missingId;

    private long loadLocalBtf() {
        BtfWriter w = new BtfWriter();
        int i32 = w.addInt("int", 4, BtfWriter.SIGNED);
        taskId = w.addStruct("task_struct", 8, List.of(new BtfWriter.Member("x", i32, 0),
                new BtfWriter.Member("pid", i32, 32)));
        missingId = w.addStruct("no_such_kernel_type", 4, List.of(new BtfWriter.Member("x", i32, 0)));
        int proto = w.addFuncProto(i32, List.of());
        funcId = w.addFunc("prog", proto);
        accessOff = w.addString("0:1"); // the access string: member 1 of task_struct
        typeAccessOff = w.addString("0"); // a type relocation's
        firstMemberOff = w.addString("0:0");
        byte[] blob = w.toBytes();
        h.space.write(BTF_AT, blob);
        ByteBuffer a = BpfHarness.attr().putLong(BpfAttr.BTF, BTF_AT).putInt(BpfAttr.BTF_SIZE, blob.length);
        return h.bpf(BpfCommand.BTF_LOAD, a.array());
    }

    private long load(int btfFd, int type, int kind, int relocCount) {
        return load(btfFd, type, kind, kind >= CoreRelocation.TYPE_ID_LOCAL ? typeAccessOff : accessOff,
                kind == CoreRelocation.FIELD_BYTE_OFFSET ? 4 : 1);
    }

    /** A socket filter {@code r0 = imm; exit} with one relocation on its first instruction. */
    private long load(int btfFd, int type, int kind, int access, int imm) {
        ByteBuffer insns = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xb7).put((byte) 0).putShort((short) 0).putInt(imm) // r0 = imm
                .put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0); // exit
        h.space.write(INSNS, insns.array());
        h.space.write(RELOS, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(type)
                .putInt(access).putInt(kind).array());
        h.space.write(FUNC_INFO, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(funcId).array());
        h.space.write(LICENSE, "GPL\0".getBytes());
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.PROG_TYPE, BpfProgType.SOCKET_FILTER).putInt(BpfAttr.INSN_CNT, 2)
                .putLong(BpfAttr.INSNS, INSNS).putLong(BpfAttr.LICENSE, LICENSE).putInt(BpfAttr.PROG_BTF_FD, btfFd)
                .putInt(BpfAttr.FUNC_INFO_REC_SIZE, 8).putLong(BpfAttr.FUNC_INFO, FUNC_INFO).putInt(BpfAttr.FUNC_INFO_CNT, 1)
                .putInt(BpfAttr.CORE_RELO_CNT, 1).putLong(CoreRelos.CORE_RELOS, RELOS)
                .putInt(CoreRelos.CORE_RELO_REC_SIZE, 16)
                .putInt(BpfAttr.LOG_LEVEL, 1).putInt(BpfAttr.LOG_SIZE, 4096).putLong(BpfAttr.LOG_BUF, LOG);
        return h.bpf(BpfCommand.PROG_LOAD, a.array());
    }

    private long testRun(long fd) {
        h.space.write(DATA, new byte[64]);
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.TEST_PROG_FD, (int) fd).putInt(BpfAttr.TEST_DATA_SIZE_IN, 64)
                .putLong(BpfAttr.TEST_DATA_IN, DATA);
        assertThat(h.bpf(BpfCommand.PROG_TEST_RUN, a.array())).isZero();
        return h.space.readInt(BpfHarness.MEM + BpfAttr.TEST_RETVAL);
    }

    @Test
    void aFieldOffsetIsRelocatedOntoTheKernelsLayout() {
        long btf = loadLocalBtf();
        assertThat(btf).isGreaterThanOrEqualTo(0);
        long prog = load((int) btf, taskId, CoreRelocation.FIELD_BYTE_OFFSET, 1);
        assertThat(prog).as("log: %s serial: %s", new String(h.space.read(LOG, 200)).trim(), h.serialText()).isGreaterThanOrEqualTo(0);
        assertThat(testRun(prog)).isEqualTo(h.kernel.kernelBtf().btf().find("task_struct", dev.emu.bpf.btf.BtfKind.STRUCT) > 0
                ? fieldOffset("task_struct", "pid") : -1);
    }

    @Test
    void aMissingTypeExistsNotAndAMissingFieldPoisonsTheInstruction() {
        long btf = loadLocalBtf();
        long exists = load((int) btf, missingId, CoreRelocation.TYPE_EXISTS, 1);
        assertThat(exists).isGreaterThanOrEqualTo(0);
        assertThat(testRun(exists)).isZero();
        assertThat(testRun(load((int) btf, taskId, CoreRelocation.TYPE_EXISTS, 1))).isEqualTo(1);
        assertThat(load((int) btf, taskId, CoreRelocation.TYPE_EXISTS, typeAccessOff, 5)).as("compiled value is not the local one")
                .isEqualTo(Errno.EINVAL.ret());
        // FIELD_BYTE_OFFSET of no_such_kernel_type.x: the mov becomes call 0xbad2310, which the verifier refuses
        assertThat(load((int) btf, missingId, CoreRelocation.FIELD_BYTE_OFFSET, firstMemberOff, 0))
                .isEqualTo(Errno.EINVAL.ret());
        assertThat(new String(h.space.read(LOG, 200))).startsWith("relo #0: substituting insn #0 w/ invalid insn");
    }

    @Test
    void badRecordsAreRefused() {
        long btf = loadLocalBtf();
        assertThat(load((int) btf, taskId, CoreRelocation.TYPE_MATCHES, 1)).isEqualTo(Errno.EINVAL.ret());
        assertThat(load((int) btf, 9999, CoreRelocation.TYPE_EXISTS, 1)).isEqualTo(Errno.EINVAL.ret());
        assertThat(load(77, taskId, CoreRelocation.FIELD_BYTE_OFFSET, 1)).isEqualTo(Errno.EBADF.ret());
    }

    private long fieldOffset(String struct, String field) {
        dev.emu.bpf.btf.Btf k = h.kernel.kernelBtf().btf();
        dev.emu.bpf.btf.BtfType t = k.type(k.find(struct, dev.emu.bpf.btf.BtfKind.STRUCT));
        for (int i = 0; i < t.vlen(); i++) {
            if (k.string(t.data()[3 * i]).equals(field)) {
                return t.data()[3 * i + 2] / 8;
            }
        }
        throw new AssertionError(field);
    }
}
