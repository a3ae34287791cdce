package dev.emu.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.abi.bpf.BpfProgType;
import dev.emu.abi.bpf.EmuBpfExtensions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The bpf() object commands a libbpf program uses besides maps and loads: BTF_LOAD and BTF ids,
 * fds and info, MAP_CREATE with BTF, MAP_FREEZE, PROG_BIND_MAP, the GET_NEXT_ID commands, the
 * info_len rules of OBJ_GET_INFO_BY_FD and PROG_QUERY, each with the errno Linux gives.
 */
class BpfObjectCommandsTest {
    private final BpfHarness h = new BpfHarness();
    private static final long BUF = BpfHarness.MEM + 0x1000;
    private static final long OUT = BpfHarness.MEM + 0x4000;

    /** BTF with [1] int (4 bytes, signed) and [2] long long (8 bytes, signed). */
    private static byte[] btf() {
        byte[] strings = "\0int\0long long\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(24 + 32 + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(32).putInt(32)
                .putInt(strings.length);
        b.putInt(1).putInt(1 << 24).putInt(4).putInt(1 << 24 | 32);
        b.putInt(5).putInt(1 << 24).putInt(8).putInt(1 << 24 | 64);
        b.put(strings);
        return b.array();
    }

    private long loadBtf(byte[] blob, int logLevel, int logSize) {
        h.space.write(BUF, blob);
        ByteBuffer a = BpfHarness.attr().putLong(BpfAttr.BTF, BUF).putInt(BpfAttr.BTF_SIZE, blob.length);
        if (logLevel != 0) {
            a.putLong(BpfAttr.BTF_LOG_BUF, OUT).putInt(BpfAttr.BTF_LOG_SIZE, logSize).putInt(BpfAttr.BTF_LOG_LEVEL, logLevel);
        }
        return h.bpf(BpfCommand.BTF_LOAD, a.array());
    }

    private String log() {
        byte[] b = h.space.read(OUT, 4096);
        int n = 0;
        while (b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    private long createMap(int type, int key, int value, long btfFd, int keyType, int valueType) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.MAP_TYPE, type).putInt(BpfAttr.KEY_SIZE, key)
                .putInt(BpfAttr.VALUE_SIZE, value).putInt(BpfAttr.MAX_ENTRIES, 4)
                .putInt(BpfAttr.BTF_FD, (int) btfFd).putInt(BpfAttr.BTF_KEY_TYPE_ID, keyType)
                .putInt(BpfAttr.BTF_VALUE_TYPE_ID, valueType);
        return h.bpf(BpfCommand.MAP_CREATE, a.array());
    }

    private long elem(int cmd, long mapFd, int key, long value) {
        h.space.writeInt(BUF, key);
        h.space.writeLong(BUF + 8, value);
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.ELEM_MAP_FD, (int) mapFd).putLong(BpfAttr.ELEM_KEY, BUF)
                .putLong(BpfAttr.ELEM_VALUE, BUF + 8);
        return h.bpf(cmd, a.array());
    }

    private long info(long fd, long len) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.INFO_BPF_FD, (int) fd).putInt(BpfAttr.INFO_LEN, (int) len)
                .putLong(BpfAttr.INFO_PTR, OUT);
        return h.bpf(BpfCommand.OBJ_GET_INFO_BY_FD, a.array());
    }

    /** A socket filter {@code r0 = 0; exit}. */
    private long loadProgram() {
        ByteBuffer insns = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0xb7L).putLong(0x95L);
        h.space.write(BUF, insns.array());
        h.space.write(BUF + 0x100, "GPL\0".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.PROG_TYPE, BpfProgType.SOCKET_FILTER).putInt(BpfAttr.INSN_CNT, 2)
                .putLong(BpfAttr.INSNS, BUF).putLong(BpfAttr.LICENSE, BUF + 0x100);
        return h.bpf(BpfCommand.PROG_LOAD, a.array());
    }

    private long nextId(int cmd, int start) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.START_ID, start);
        long r = h.bpf(cmd, a.array());
        return r < 0 ? r : h.space.readInt(BpfHarness.MEM + BpfAttr.NEXT_ID);
    }

    @Test
    void btfLoadGivesAnFdAnIdAndItsInfo() {
        byte[] blob = btf();
        long fd = loadBtf(blob, 0, 0);
        assertThat(fd).isGreaterThanOrEqualTo(0);
        assertThat(nextId(BpfCommand.BTF_GET_NEXT_ID, 0)).isEqualTo(1);
        assertThat(nextId(BpfCommand.BTF_GET_NEXT_ID, 1)).isEqualTo(Errno.ENOENT.ret());

        ByteBuffer byId = BpfHarness.attr().putInt(BpfAttr.BY_ID_ID, 1);
        long fd2 = h.bpf(BpfCommand.BTF_GET_FD_BY_ID, byId.array());
        assertThat(fd2).isGreaterThan(fd);
        byId.putInt(BpfAttr.BY_ID_ID, 9);
        assertThat(h.bpf(BpfCommand.BTF_GET_FD_BY_ID, byId.array())).isEqualTo(Errno.ENOENT.ret());

        // bpf_btf_info: the blob goes to info.btf when info.btf_size allows; btf_size is its size.
        h.space.write(OUT, new byte[32]);
        h.space.writeLong(OUT + BpfAttr.BTF_INFO_BTF, BUF + 0x800);
        h.space.writeInt(OUT + BpfAttr.BTF_INFO_BTF_SIZE, blob.length);
        assertThat(info(fd2, BpfAttr.BTF_INFO_SIZE)).isZero();
        assertThat(h.space.readInt(OUT + BpfAttr.BTF_INFO_ID)).isEqualTo(1);
        assertThat(h.space.readInt(OUT + BpfAttr.BTF_INFO_BTF_SIZE)).isEqualTo(blob.length);
        assertThat(h.space.read(BUF + 0x800, blob.length)).isEqualTo(blob);
        assertThat(h.space.readInt(OUT + BpfAttr.BTF_INFO_KERNEL_BTF)).isZero();
    }

    @Test
    void btfLoadLogsAsBtfCDoes() {
        assertThat(loadBtf(btf(), 1, 512)).isGreaterThanOrEqualTo(0);
        assertThat(log()).startsWith("magic: 0xeb9f\nversion: 1\n").contains("[2] INT long long size=8");
        byte[] bad = btf();
        bad[0] = 0;
        assertThat(loadBtf(bad, 1, 512)).isEqualTo(Errno.EINVAL.ret());
        assertThat(log()).endsWith("Invalid magic\n");
        assertThat(loadBtf(btf(), 1, 64)).as("log_size < 128").isEqualTo(Errno.EINVAL.ret());
        assertThat(loadBtf(btf(), 1, 130)).as("a log that does not fit").isEqualTo(Errno.ENOSPC.ret());
        assertThat(h.serialText()).contains("BTF_LOAD refused (EINVAL): Invalid magic");
    }

    @Test
    void mapCreateChecksKeyAndValueTypes() {
        long btf = loadBtf(btf(), 0, 0);
        long map = createMap(BpfMapType.HASH, 4, 8, btf, 1, 2);
        assertThat(map).isGreaterThanOrEqualTo(0);
        assertThat(info(map, BpfAttr.MAP_INFO_SIZE)).isZero();
        assertThat(h.space.readInt(OUT + BpfAttr.MAP_INFO_BTF_ID)).isEqualTo(1);
        assertThat(h.space.readInt(OUT + BpfAttr.MAP_INFO_BTF_KEY_TYPE_ID)).isEqualTo(1);
        assertThat(h.space.readInt(OUT + BpfAttr.MAP_INFO_BTF_VALUE_TYPE_ID)).isEqualTo(2);
        long charged = h.kernel.memory().charged();

        assertThat(createMap(BpfMapType.HASH, 4, 8, btf, 2, 2)).as("key type of 8 bytes").isEqualTo(Errno.EINVAL.ret());
        assertThat(createMap(BpfMapType.HASH, 4, 8, btf, 1, 0)).as("key without value").isEqualTo(Errno.EINVAL.ret());
        assertThat(createMap(BpfMapType.HASH, 4, 8, btf, 0, 2)).as("hash without key type").isEqualTo(Errno.EINVAL.ret());
        assertThat(createMap(BpfMapType.ARRAY, 4, 8, btf, 2, 2)).as("array key not i32").isEqualTo(Errno.EINVAL.ret());
        assertThat(createMap(BpfMapType.HASH, 4, 8, map, 1, 2)).as("btf_fd is a map").isEqualTo(Errno.EINVAL.ret());
        assertThat(createMap(BpfMapType.HASH, 4, 8, 50, 1, 2)).as("btf_fd not open").isEqualTo(Errno.EBADF.ret());
        assertThat(h.kernel.memory().charged()).as("refused maps are uncharged").isEqualTo(charged);
    }

    @Test
    void freezeStopsSyscallWritesOnly() {
        long map = createMap(BpfMapType.ARRAY, 4, 8, 0, 0, 0);
        ByteBuffer freeze = BpfHarness.attr().putInt(0, (int) map);
        assertThat(elem(BpfCommand.MAP_UPDATE_ELEM, map, 0, 5)).isZero();
        assertThat(h.bpf(BpfCommand.MAP_FREEZE, freeze.array())).isZero();
        assertThat(elem(BpfCommand.MAP_UPDATE_ELEM, map, 0, 6)).isEqualTo(Errno.EPERM.ret());
        ByteBuffer delete = BpfHarness.attr().putInt(BpfAttr.ELEM_MAP_FD, (int) map).putLong(BpfAttr.ELEM_KEY, BUF);
        assertThat(h.bpf(BpfCommand.MAP_DELETE_ELEM, delete.array())).isEqualTo(Errno.EPERM.ret());
        assertThat(elem(BpfCommand.MAP_LOOKUP_ELEM, map, 0, 0)).isZero();
        assertThat(h.space.readLong(BUF + 8)).isEqualTo(5);
        assertThat(h.bpf(BpfCommand.MAP_FREEZE, freeze.array())).as("frozen twice").isEqualTo(Errno.EPERM.ret());
        long prog = loadProgram();
        assertThat(h.bpf(BpfCommand.MAP_FREEZE, BpfHarness.attr().putInt(0, (int) prog).array()))
                .isEqualTo(Errno.EINVAL.ret());
        assertThat(h.bpf(BpfCommand.MAP_FREEZE, BpfHarness.attr().putInt(0, 99).array())).isEqualTo(Errno.EBADF.ret());
        assertThat(h.bpf(BpfCommand.MAP_FREEZE, BpfHarness.attr().putInt(0, (int) map).putInt(4, 1).array()))
                .as("attr past map_fd").isEqualTo(Errno.EINVAL.ret());
    }

    @Test
    void bindMapAddsToTheProgramsMaps() {
        long map = createMap(BpfMapType.ARRAY, 4, 8, 0, 0, 0);
        long prog = loadProgram();
        ByteBuffer bind = BpfHarness.attr().putInt(BpfAttr.BIND_PROG_FD, (int) prog).putInt(BpfAttr.BIND_MAP_FD, (int) map);
        assertThat(h.bpf(BpfCommand.PROG_BIND_MAP, bind.array())).isZero();
        assertThat(h.bpf(BpfCommand.PROG_BIND_MAP, bind.array())).as("again").isZero();
        h.space.write(OUT, new byte[BpfAttr.PROG_INFO_SIZE]);
        h.space.writeInt(OUT + BpfAttr.PROG_INFO_NR_MAP_IDS, 4);
        h.space.writeLong(OUT + BpfAttr.PROG_INFO_MAP_IDS, BUF + 0x900);
        assertThat(info(prog, BpfAttr.PROG_INFO_SIZE)).isZero();
        assertThat(h.space.readInt(OUT + BpfAttr.PROG_INFO_NR_MAP_IDS)).isEqualTo(1);
        assertThat(h.space.readInt(BUF + 0x900)).isEqualTo(1);
        assertThat(h.space.readInt(OUT + BpfAttr.PROG_INFO_GPL_COMPATIBLE_WORD) & 1).isEqualTo(1);
        assertThat(h.space.readInt(OUT + BpfAttr.PROG_INFO_XLATED_PROG_LEN)).isEqualTo(16);
        bind.putInt(BpfAttr.BIND_FLAGS, 1);
        assertThat(h.bpf(BpfCommand.PROG_BIND_MAP, bind.array())).isEqualTo(Errno.EINVAL.ret());
        bind.putInt(BpfAttr.BIND_FLAGS, 0).putInt(BpfAttr.BIND_MAP_FD, (int) prog);
        assertThat(h.bpf(BpfCommand.PROG_BIND_MAP, bind.array())).isEqualTo(Errno.EINVAL.ret());
        // The program keeps the map alive after its fd is closed.
        h.task.process().fds().close((int) map);
        assertThat(nextId(BpfCommand.MAP_GET_NEXT_ID, 0)).isEqualTo(1);
        h.task.process().fds().close((int) prog);
        assertThat(nextId(BpfCommand.MAP_GET_NEXT_ID, 0)).isEqualTo(Errno.ENOENT.ret());
    }

    @Test
    void nextIdWalksLiveIdsInOrder() {
        createMap(BpfMapType.ARRAY, 4, 8, 0, 0, 0);
        createMap(BpfMapType.ARRAY, 4, 8, 0, 0, 0);
        loadProgram();
        assertThat(nextId(BpfCommand.MAP_GET_NEXT_ID, 0)).isEqualTo(1);
        assertThat(nextId(BpfCommand.MAP_GET_NEXT_ID, 1)).isEqualTo(2);
        assertThat(nextId(BpfCommand.MAP_GET_NEXT_ID, 2)).isEqualTo(Errno.ENOENT.ret());
        assertThat(nextId(BpfCommand.PROG_GET_NEXT_ID, 0)).isEqualTo(1);
        assertThat(nextId(BpfCommand.PROG_GET_NEXT_ID, Integer.MAX_VALUE - 1)).isEqualTo(Errno.EINVAL.ret());
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.START_ID, 0).putInt(8, 1);
        assertThat(h.bpf(BpfCommand.MAP_GET_NEXT_ID, a.array())).as("open_flags").isEqualTo(Errno.EINVAL.ret());
    }

    @Test
    void infoLenFollowsBpfCheckUargTailZero() {
        long map = createMap(BpfMapType.ARRAY, 4, 8, 0, 0, 0);
        h.space.write(OUT, new byte[256]);
        assertThat(info(map, 8)).isZero();
        assertThat(h.space.readInt(BpfHarness.MEM + BpfAttr.INFO_LEN)).isEqualTo(8);
        assertThat(h.space.readInt(OUT + BpfAttr.MAP_INFO_KEY_SIZE)).as("not written").isZero();
        h.space.writeInt(OUT + BpfAttr.MAP_INFO_SIZE + 4, 1);
        assertThat(info(map, BpfAttr.MAP_INFO_SIZE + 8)).isEqualTo(Errno.E2BIG.ret());
        h.space.writeInt(OUT + BpfAttr.MAP_INFO_SIZE + 4, 0);
        assertThat(info(map, BpfAttr.MAP_INFO_SIZE + 8)).isZero();
        assertThat(h.space.readInt(BpfHarness.MEM + BpfAttr.INFO_LEN)).isEqualTo(BpfAttr.MAP_INFO_SIZE);
        assertThat(info(map, 8192)).isEqualTo(Errno.E2BIG.ret());
    }

    @Test
    void progQueryAnswersForTheTimerAndRefusesWhatEmuLacks() {
        ByteBuffer q = BpfHarness.attr().putInt(BpfAttr.QUERY_ATTACH_TYPE, EmuBpfExtensions.BPF_EMU_TIMER)
                .putLong(BpfAttr.QUERY_PROG_IDS, OUT).putInt(BpfAttr.QUERY_PROG_CNT, 4);
        assertThat(h.bpf(BpfCommand.PROG_QUERY, q.array())).isZero();
        assertThat(h.space.readInt(BpfHarness.MEM + BpfAttr.QUERY_PROG_CNT)).isZero();
        q.putInt(BpfAttr.QUERY_ATTACH_TYPE, 0).putInt(BpfAttr.QUERY_TARGET_FD, -1);
        assertThat(h.bpf(BpfCommand.PROG_QUERY, q.array())).as("cgroup ingress").isEqualTo(Errno.EBADF.ret());
        q.putInt(BpfAttr.QUERY_ATTACH_TYPE, 50);
        assertThat(h.bpf(BpfCommand.PROG_QUERY, q.array())).isEqualTo(Errno.EINVAL.ret());
        q.putInt(BpfAttr.QUERY_ATTACH_TYPE, 0).putInt(BpfAttr.QUERY_FLAGS, 2);
        assertThat(h.bpf(BpfCommand.PROG_QUERY, q.array())).as("unknown query flag").isEqualTo(Errno.EINVAL.ret());
    }

    /** One instruction slot: opcode, dst, src, off, imm (struct bpf_insn). */
    private static long insn(int opcode, int dst, int src, int off, int imm) {
        return (opcode & 0xff) | (dst & 0xf) << 8 | (src & 0xf) << 12 | (off & 0xffffL) << 16 | (long) imm << 32;
    }

    /** PROG_LOAD of a socket filter with {@code slots}, fd_array at {@code fdArray} (0: none) and a log. */
    private long load(long fdArray, long... slots) {
        ByteBuffer code = ByteBuffer.allocate(8 * slots.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long sl : slots) {
            code.putLong(sl);
        }
        h.space.write(BUF, code.array());
        h.space.write(BUF + 0x100, "GPL\0".getBytes(StandardCharsets.US_ASCII));
        h.space.write(OUT, new byte[4096]);
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.PROG_TYPE, BpfProgType.SOCKET_FILTER)
                .putInt(BpfAttr.INSN_CNT, slots.length).putLong(BpfAttr.INSNS, BUF).putLong(BpfAttr.LICENSE, BUF + 0x100)
                .putInt(BpfAttr.LOG_LEVEL, 1).putInt(BpfAttr.LOG_SIZE, 4096).putLong(BpfAttr.LOG_BUF, OUT)
                .putLong(BpfAttr.FD_ARRAY, fdArray);
        return h.bpf(BpfCommand.PROG_LOAD, a.array());
    }

    private long testRun(long prog) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.TEST_PROG_FD, (int) prog).putInt(BpfAttr.TEST_DATA_SIZE_IN, 14)
                .putLong(BpfAttr.TEST_DATA_IN, BUF + 0x300);
        long r = h.bpf(BpfCommand.PROG_TEST_RUN, a.array());
        return r < 0 ? r : h.space.readInt(BpfHarness.MEM + BpfAttr.TEST_RETVAL);
    }

    private long createFlagged(int flags) {
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.MAP_TYPE, BpfMapType.ARRAY).putInt(BpfAttr.KEY_SIZE, 4)
                .putInt(BpfAttr.VALUE_SIZE, 8).putInt(BpfAttr.MAX_ENTRIES, 1).putInt(BpfAttr.MAP_FLAGS, flags);
        return h.bpf(BpfCommand.MAP_CREATE, a.array());
    }

    @Test
    void mapsByFdArrayIndex() {
        long map = createFlagged(0);
        elem(BpfCommand.MAP_UPDATE_ELEM, map, 0, 7);
        h.space.writeInt(BUF + 0x200, (int) map);
        long[] prog = {insn(0x18, 1, 6, 0, 0), insn(0, 0, 0, 0, 0), // r1 = &fd_array[0]'s value + 0
            insn(0x79, 0, 1, 0, 0), insn(0x95, 0, 0, 0, 0)};         // r0 = *(u64 *)r1; exit
        assertThat(load(0, prog)).isEqualTo(Errno.EPROTO.ret());
        assertThat(log()).isEqualTo("fd_idx without fd_array is invalid\n");
        long fd = load(BUF + 0x200, prog);
        assertThat(fd).isGreaterThanOrEqualTo(0);
        assertThat(testRun(fd)).isEqualTo(7);
        h.space.writeInt(BUF + 0x200, 99);
        assertThat(load(BUF + 0x200, prog)).as("fd_array[0] is not open").isEqualTo(Errno.EBADF.ret());
    }

    @Test
    void readOnlyProgMapsRefuseWritesAndFrozenOnesAreConstants() {
        long map = createFlagged(1 << 7); // BPF_F_RDONLY_PROG
        assertThat(load(0, insn(0x18, 1, 2, 0, (int) map), insn(0, 0, 0, 0, 0), insn(0xb7, 2, 0, 0, 1),
                insn(0x7b, 1, 2, 0, 0), insn(0xb7, 0, 0, 0, 0), insn(0x95, 0, 0, 0, 0)))
                .isEqualTo(Errno.EACCES.ret());
        assertThat(log()).contains("write into map forbidden, value_size=8 off=0 size=8");

        // if (*(u32 *)value == 0) r0 = 0 else r0 = r5 (uninitialised): only a known 0 makes it safe.
        long[] prog = {insn(0x18, 1, 2, 0, (int) map), insn(0, 0, 0, 0, 0), insn(0x61, 2, 1, 0, 0),
            insn(0xb7, 0, 0, 0, 0), insn(0x15, 2, 0, 1, 0), insn(0xbf, 0, 5, 0, 0), insn(0x95, 0, 0, 0, 0)};
        assertThat(load(0, prog)).as("not frozen: both branches").isEqualTo(Errno.EACCES.ret());
        assertThat(log()).contains("R5 !read_ok");
        assertThat(h.bpf(BpfCommand.MAP_FREEZE, BpfHarness.attr().putInt(0, (int) map).array())).isZero();
        assertThat(load(0, prog)).as("frozen: the value is the constant 0").isGreaterThanOrEqualTo(0);
    }

    /** bpf_loop(5, callback, NULL, 0) where the callback is {@code r0 = ret; exit}. */
    private static long[] loopProgram(int callbackReturns, int src) {
        return new long[] {insn(0xb7, 1, 0, 0, 5), insn(0x18, 2, src, 0, 5), insn(0, 0, 0, 0, 0),
            insn(0xb7, 3, 0, 0, 0), insn(0xb7, 4, 0, 0, 0), insn(0x85, 0, 0, 0, 181), insn(0x95, 0, 0, 0, 0),
            insn(0xb7, 0, 0, 0, callbackReturns), insn(0x95, 0, 0, 0, 0)};
    }

    @Test
    void bpfLoopCallsItsCallbackInTheInterpreter() {
        long fd = load(0, loopProgram(0, 4)); // lddw r2, BPF_PSEUDO_FUNC +5
        assertThat(fd).as(log()).isGreaterThanOrEqualTo(0);
        assertThat(testRun(fd)).as("five calls").isEqualTo(5);
        assertThat(load(0, loopProgram(1, 4))).isGreaterThanOrEqualTo(0);
        assertThat(testRun(load(0, loopProgram(1, 4)))).as("the first call stops it").isEqualTo(1);
        assertThat(load(0, loopProgram(2, 4))).isEqualTo(Errno.EINVAL.ret()); // prepare_func_exit: -EINVAL
        assertThat(log()).contains("At callback return the register R0 has smin=2 smax=2 should have been in [0, 1]");
    }

    @Test
    void traceVprintkFormatsAnArrayOfArguments() {
        byte[] fmt = "%d,%d,%d,%d\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer f = ByteBuffer.wrap(fmt).order(ByteOrder.LITTLE_ENDIAN);
        long lo = f.getLong(0), hi = f.getLong(8);
        long[] prog = {
            insn(0x18, 1, 0, 0, (int) lo), insn(0, 0, 0, 0, (int) (lo >>> 32)), insn(0x7b, 10, 1, -16, 0),
            insn(0x18, 1, 0, 0, (int) hi), insn(0, 0, 0, 0, (int) (hi >>> 32)), insn(0x7b, 10, 1, -8, 0),
            insn(0xb7, 1, 0, 0, 1), insn(0x7b, 10, 1, -48, 0), insn(0xb7, 1, 0, 0, 2), insn(0x7b, 10, 1, -40, 0),
            insn(0xb7, 1, 0, 0, 3), insn(0x7b, 10, 1, -32, 0), insn(0xb7, 1, 0, 0, -4), insn(0x7b, 10, 1, -24, 0),
            insn(0xbf, 1, 10, 0, 0), insn(0x07, 1, 0, 0, -16), insn(0xb7, 2, 0, 0, 16),
            insn(0xbf, 3, 10, 0, 0), insn(0x07, 3, 0, 0, -48), insn(0xb7, 4, 0, 0, 32),
            insn(0x85, 0, 0, 0, 177), insn(0x95, 0, 0, 0, 0)};
        long fd = load(0, prog);
        assertThat(fd).as(log()).isGreaterThanOrEqualTo(0);
        assertThat(testRun(fd)).isEqualTo("1,2,3,-4".length());
        assertThat(h.serialText()).contains("bpf_trace_printk: 1,2,3,-4");
    }

    @Test
    void btfAttachFieldsAndKernelCoreRelosAreRefused() {
        ByteBuffer insns = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0xb7L).putLong(0x95L);
        h.space.write(BUF, insns.array());
        h.space.write(BUF + 0x100, "GPL\0".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.PROG_TYPE, BpfProgType.SOCKET_FILTER).putInt(BpfAttr.INSN_CNT, 2)
                .putLong(BpfAttr.INSNS, BUF).putLong(BpfAttr.LICENSE, BUF + 0x100);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).isGreaterThanOrEqualTo(0);
        a.putInt(BpfAttr.ATTACH_BTF_ID, 5);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).isEqualTo(Errno.EINVAL.ret());
        a.putInt(BpfAttr.ATTACH_BTF_ID, 0).putInt(BpfAttr.ATTACH_PROG_FD, 3);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).isEqualTo(Errno.EINVAL.ret());
        a.putInt(BpfAttr.ATTACH_PROG_FD, 0).putInt(BpfAttr.CORE_RELO_CNT, 1);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).isEqualTo(Errno.EINVAL.ret());
        assertThat(h.serialText()).contains("bpf: PROG_LOAD with core_relos is not supported: EINVAL");
    }

    @Test
    void funcAndLineInfoAreCheckedAsCheckBtfFuncAndLineDo() {
        long btf = loadBtf(btf(), 0, 0);
        ByteBuffer insns = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0xb7L).putLong(0x95L);
        h.space.write(BUF, insns.array());
        h.space.write(BUF + 0x100, "GPL\0".getBytes(StandardCharsets.US_ASCII));
        h.space.writeInt(BUF + 0x200, 0); // func_info[0] = {insn_off 0, type_id 1 (an INT)}
        h.space.writeInt(BUF + 0x204, 1);
        ByteBuffer a = BpfHarness.attr().putInt(BpfAttr.PROG_TYPE, BpfProgType.SOCKET_FILTER).putInt(BpfAttr.INSN_CNT, 2)
                .putLong(BpfAttr.INSNS, BUF).putLong(BpfAttr.LICENSE, BUF + 0x100).putInt(BpfAttr.PROG_BTF_FD, (int) btf)
                .putInt(BpfAttr.FUNC_INFO_REC_SIZE, 8).putLong(BpfAttr.FUNC_INFO, BUF + 0x200).putInt(BpfAttr.FUNC_INFO_CNT, 2)
                .putInt(BpfAttr.LOG_LEVEL, 1).putInt(BpfAttr.LOG_SIZE, 4096).putLong(BpfAttr.LOG_BUF, OUT);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).isEqualTo(Errno.EINVAL.ret());
        assertThat(log()).isEqualTo("number of funcs in func_info doesn't match number of subprogs\n");
        a.putInt(BpfAttr.FUNC_INFO_CNT, 1);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).isEqualTo(Errno.EINVAL.ret());
        assertThat(log()).isEqualTo("invalid type id 1 in func info\n");
        a.putInt(BpfAttr.FUNC_INFO_CNT, 0).putInt(BpfAttr.LINE_INFO_REC_SIZE, 16).putLong(BpfAttr.LINE_INFO, BUF + 0x300)
                .putInt(BpfAttr.LINE_INFO_CNT, Integer.MAX_VALUE);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).as("more records than instructions").isEqualTo(Errno.EINVAL.ret());
        a.putInt(BpfAttr.LINE_INFO_CNT, 1).putInt(BpfAttr.LINE_INFO_REC_SIZE, 20);
        h.space.write(BUF + 0x300, new byte[20]);
        h.space.writeInt(BUF + 0x300 + 16, 7);
        assertThat(h.bpf(BpfCommand.PROG_LOAD, a.array())).as("a non-zero tail").isEqualTo(Errno.E2BIG.ret());
        h.space.writeInt(BUF + 0x300 + 16, 0);
        long prog = h.bpf(BpfCommand.PROG_LOAD, a.array());
        assertThat(prog).isGreaterThanOrEqualTo(0);
        h.space.write(OUT, new byte[BpfAttr.PROG_INFO_SIZE]);
        assertThat(info(prog, BpfAttr.PROG_INFO_SIZE)).isZero();
        assertThat(h.space.readInt(OUT + BpfAttr.PROG_INFO_BTF_ID)).isEqualTo(1);
        assertThat(h.space.readInt(OUT + BpfAttr.PROG_INFO_NR_LINE_INFO)).isEqualTo(1);
        assertThat(h.space.readInt(OUT + BpfAttr.PROG_INFO_LINE_INFO_REC_SIZE)).isEqualTo(16);
    }
}
