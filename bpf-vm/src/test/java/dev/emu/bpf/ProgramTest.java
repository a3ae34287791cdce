package dev.emu.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.Helpers;
import dev.emu.bpf.helper.RetType;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.Interpreter;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.load.MapResolver;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.MapTypes;
import dev.emu.bpf.map.RingBuf;
import dev.emu.bpf.tool.BpfTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Load checks, helpers and maps seen from programs, and the CLI logic. */
class ProgramTest {
    static LoadResult load(String src, MapResolver r) throws Exception {
        return LoadedProgram.load(Assembler.assemble(src), r);
    }

    static ExecutionResult run(String src, Map<Integer, BpfMap> maps) throws Exception {
        LoadResult lr = load(src, maps::get);
        assertThat(lr).isInstanceOf(LoadResult.Loaded.class);
        return new Interpreter().run(((LoadResult.Loaded) lr).program(), null, new StandaloneEnvironment());
    }

    @Test
    void loadRefusals() throws Exception {
        assertThat(LoadedProgram.load(List.of(), MapResolver.NONE))
                .isEqualTo(new LoadResult.Refused(-1, "empty program", Errno.EINVAL));
        List<Instruction> big = new ArrayList<>(Collections.nCopies(1_000_001, new Instruction(0x95, 0, 0, 0, 0)));
        assertThat(((LoadResult.Refused) LoadedProgram.load(big, MapResolver.NONE)).errno()).isEqualTo(Errno.E2BIG);
        LoadResult.Refused r = (LoadResult.Refused) load("mov %r0, 0\nlddw %r1, map_fd(7)\nexit", MapResolver.NONE);
        assertThat(r.index()).isEqualTo(1);
        assertThat(r.errno()).isEqualTo(Errno.EBADF);
        r = (LoadResult.Refused) load(".insn 0x0000000000000018", MapResolver.NONE);
        assertThat(r.message()).isEqualTo("instruction 0: lddw is missing its second slot");
        r = (LoadResult.Refused) load("lddw %r0, 5", MapResolver.NONE);
        assertThat(r.message()).isEqualTo("instruction 1: last instruction is not an exit or jump");
        r = (LoadResult.Refused) load("mov %r0, 1\n.insn 0x0000000100000018\n.insn 0x0000000000000100\nexit",
                MapResolver.NONE);
        assertThat(r.message()).isEqualTo("instruction 2: invalid second slot of lddw");
        r = (LoadResult.Refused) load(".insn 0x00000000000a00bf\nexit", MapResolver.NONE);
        assertThat(r.message()).contains("instruction 0: invalid offset 10");
        r = (LoadResult.Refused) load("lock xchg [%r1], %r10\nexit", MapResolver.NONE);
        assertThat(r.message()).isEqualTo("instruction 0: frame pointer is read only");
        r = (LoadResult.Refused) load(".insn 0x00000011000001d7\nexit", MapResolver.NONE);
        assertThat(r.message()).isEqualTo("instruction 0: invalid byte swap width 17");
        r = (LoadResult.Refused) load(".insn 0x00000002000000c3\nexit", MapResolver.NONE);
        assertThat(r.message()).isEqualTo("instruction 0: invalid atomic operation 0x2");
    }

    @Test
    void mapHelpersThroughPointers() throws Exception {
        BpfMap hash = MapTypes.create(BpfMapType.HASH, 4, 8, 4, 0).map();
        String src = """
                stw [%r10-4], 7          # key
                stdw [%r10-16], 100      # value
                lddw %r1, map_fd(3)
                mov %r2, %r10
                add %r2, -4
                mov %r3, %r10
                add %r3, -16
                mov %r4, 0
                call 2                   # update
                jne %r0, 0, fail
                lddw %r1, map_fd(3)
                mov %r2, %r10
                add %r2, -4
                call 1                   # lookup -> pointer into the value
                jeq %r0, 0, fail
                mov %r6, %r0
                mov %r1, 5
                lock add [%r6], %r1      # atomics on map values
                ldxdw %r0, [%r6]
                ldxb %r1, [%r6+8]        # one past the value: fault
                exit
                fail:
                mov %r0, -1
                exit
                """;
        ExecutionResult res = run(src, Map.of(3, hash));
        assertThat(res).isInstanceOf(ExecutionResult.Fault.class);
        assertThat(((ExecutionResult.Fault) res).message()).startsWith("instruction 21: out-of-bounds access of 1 byte at address 0x3");
        byte[] out = new byte[8];
        assertThat(hash.lookup(new byte[] {7, 0, 0, 0}, out)).isZero();
        assertThat(out[0]).isEqualTo((byte) 105);
        // delete and missing lookup
        String del = """
                stw [%r10-4], 7
                lddw %r1, map_fd(3)
                mov %r2, %r10
                add %r2, -4
                call 3
                mov %r6, %r0
                lddw %r1, map_fd(3)
                mov %r2, %r10
                add %r2, -4
                call 3
                lsh %r6, 8
                and %r0, 0xff
                or %r0, %r6
                exit
                """;
        assertThat(run(del, Map.of(3, hash))).isEqualTo(new ExecutionResult.Exit((0L << 8) | ((-Errno.ENOENT.number) & 0xff)));
    }

    @Test
    void mapValuePseudoLddw() throws Exception {
        BpfMap arr = MapTypes.create(BpfMapType.ARRAY, 4, 16, 1, 0).map();
        String src = "lddw %r1, map_value(4+8)\nstdw [%r1], 42\nldxdw %r0, [%r1]\nexit";
        assertThat(run(src, Map.of(4, arr))).isEqualTo(new ExecutionResult.Exit(42));
        byte[] v = new byte[16];
        arr.lookup(new byte[4], v);
        assertThat(v[8]).isEqualTo((byte) 42);
        BpfMap big = MapTypes.create(BpfMapType.ARRAY, 4, 16, 2, 0).map();
        assertThat(load(src, Map.of(4, big)::get)).isInstanceOf(LoadResult.Refused.class);
        assertThat(load("lddw %r1, map_value(4+16)\nexit", Map.of(4, arr)::get)).isInstanceOf(LoadResult.Refused.class);
    }

    @Test
    void ringbufFromProgram() throws Exception {
        RingBuf rb = (RingBuf) RingBuf.ofSize(4096).map();
        String src = """
                lddw %r1, map_fd(5)
                mov %r2, 12
                mov %r3, 0
                call 131                 # reserve
                jeq %r0, 0, fail
                mov %r6, %r0
                stw [%r6], 0x64636261
                stdw [%r6+4], 0
                mov %r1, %r6
                mov %r2, 0
                call 132                 # submit
                stdw [%r10-8], 0x7a
                lddw %r1, map_fd(5)
                mov %r2, %r10
                add %r2, -8
                mov %r3, 1
                mov %r4, 0
                call 130                 # output
                jne %r0, 0, fail
                lddw %r1, map_fd(5)
                mov %r2, 3
                call 134                 # query PROD_POS
                exit
                fail:
                mov %r0, -1
                exit
                """;
        assertThat(run(src, Map.of(5, rb))).isEqualTo(new ExecutionResult.Exit(24 + 16));
        assertThat(new String(rb.poll(), StandardCharsets.US_ASCII)).startsWith("abcd");
        assertThat(rb.poll()).containsExactly('z');
        // use after submit faults; submitting twice faults
        String stale = """
                lddw %r1, map_fd(5)
                mov %r2, 8
                mov %r3, 0
                call 131
                jeq %r0, 0, out
                mov %r6, %r0
                mov %r1, %r6
                mov %r2, 0
                call 133
                stdw [%r6], 1
                out:
                exit
                """;
        ExecutionResult res = run(stale, Map.of(5, rb));
        assertThat(((ExecutionResult.Fault) res).pc()).isEqualTo(10);
        assertThat(rb.poll()).isNull(); // discarded
    }

    @Test
    void helperTableIsData() {
        assertThat(Helpers.byId(1).ret()).isEqualTo(RetType.PTR_TO_MAP_VALUE_OR_NULL);
        assertThat(Helpers.byId(131).ret()).isEqualTo(RetType.PTR_TO_ALLOC_MEM_OR_NULL);
        assertThat(Helpers.all()).extracting(h -> h.id())
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 25, 26, 27, 42, 44, 45, 65, 67, 68, 87, 88, 89, 109, 112, 113, 114, 115, 117, 118, 125, 130, 131, 132, 133, 134, 160, 164, 165, 177, 181, 182, 208);
    }

    @Test
    void execSpeaksThePluginProtocol() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // ldxh %r0, [%r1+2]; exit
        int rc = BpfTool.exec("69 10 02 00 00 00 00 00 95 00 00 00 00 00 00 00", "aa bb 11 22 cc dd", true,
                new PrintStream(out), new PrintStream(err));
        assertThat(rc).isZero();
        assertThat(out.toString()).isEqualTo("2211" + System.lineSeparator());
        out.reset();
        rc = BpfTool.exec("b7 00 00 00 ff ff ff ff 95 00 00 00 00 00 00 00", null, true, new PrintStream(out),
                new PrintStream(err));
        assertThat(out.toString().trim()).isEqualTo("ffffffffffffffff");
        rc = BpfTool.exec("b7 00 00 00 00 00 00 00", null, true, new PrintStream(out), new PrintStream(err));
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("instruction 0: last instruction is not an exit or jump");
        err.reset();
        rc = BpfTool.exec("61 10 00 00 00 00 00 00 95 00 00 00 00 00 00 00", null, true, new PrintStream(out),
                new PrintStream(err));
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("instruction 0: out-of-bounds access of 4 bytes at address 0x0");
    }

    @Test
    void asmAndDisasmFiles(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("p.s");
        Files.writeString(src, "mov %r0, 42\nexit\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(BpfTool.asm(src, true, new PrintStream(out), new PrintStream(err))).isZero();
        assertThat(out.toString().trim()).isEqualTo("b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00");
        out.reset();
        assertThat(BpfTool.asm(src, false, new PrintStream(out), new PrintStream(err))).isZero();
        Path bin = dir.resolve("p.bin");
        Files.write(bin, out.toByteArray());
        out.reset();
        assertThat(BpfTool.disasm(bin, new PrintStream(out), new PrintStream(err))).isZero();
        assertThat(out.toString()).isEqualTo("mov %r0, 42\nexit\n");
        Files.writeString(src, "mov %r0, 42\nbogus\n");
        assertThat(BpfTool.asm(src, false, new PrintStream(out), new PrintStream(err))).isEqualTo(1);
        assertThat(err.toString()).contains("line 2: unknown mnemonic 'bogus'");
    }
}
