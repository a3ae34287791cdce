package dev.emu.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.MapTypes;
import dev.emu.bpf.verifier.ProgramTypes;
import dev.emu.bpf.verifier.VerifiedProgram;
import dev.emu.bpf.verifier.Verifier;
import dev.emu.bpf.verifier.VerifierResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The map types beyond hash/array/ringbuf: per-CPU, LRU, LPM trie, queue/stack, bloom filter —
 * their creation checks (Linux's errnos), element semantics, and the helpers programs use on them
 * (both engines).
 */
class MapTypesTest {
    private static final int NO_PREALLOC = BpfFlags.BPF_F_NO_PREALLOC, NO_COMMON_LRU = 2;

    static byte[] u32(int v) {
        return MapTest.u32(v);
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    static BpfMap create(int type, int k, int v, int max, int flags) {
        var r = MapTypes.create(type, k, v, max, flags);
        assertThat(r.error()).isNull();
        return r.map();
    }

    static Errno error(int type, int k, int v, int max, int flags) {
        return MapTypes.create(type, k, v, max, flags).error();
    }

    @Test
    void creationChecksAsLinux() {
        assertThat(error(BpfMapType.PERCPU_ARRAY, 4, 32768, 1, 0)).isNull();
        assertThat(error(BpfMapType.PERCPU_ARRAY, 4, 32769, 1, 0)).isEqualTo(Errno.E2BIG);
        assertThat(error(BpfMapType.PERCPU_ARRAY, 4, 8, 1, BpfFlags.BPF_F_MMAPABLE)).isEqualTo(Errno.EINVAL);
        assertThat(error(BpfMapType.PERCPU_HASH, 4, 8, 4, NO_COMMON_LRU)).isEqualTo(Errno.EINVAL);
        assertThat(error(BpfMapType.PERCPU_HASH, 4, 8, 4, NO_PREALLOC)).isNull();
        assertThat(error(BpfMapType.LRU_HASH, 4, 8, 4, NO_PREALLOC)).isEqualTo(Errno.ENOTSUPP);
        assertThat(error(BpfMapType.LRU_HASH, 4, 8, 4, NO_COMMON_LRU)).isNull();
        assertThat(error(BpfMapType.LRU_PERCPU_HASH, 4, 8, 0, 0)).isEqualTo(Errno.EINVAL);
        assertThat(error(BpfMapType.LPM_TRIE, 8, 8, 16, 0)).isEqualTo(Errno.EINVAL); // must not preallocate
        assertThat(error(BpfMapType.LPM_TRIE, 4, 8, 16, NO_PREALLOC)).isEqualTo(Errno.EINVAL);
        assertThat(error(BpfMapType.LPM_TRIE, 261, 8, 16, NO_PREALLOC)).isEqualTo(Errno.EINVAL);
        assertThat(error(BpfMapType.QUEUE, 4, 8, 4, 0)).isEqualTo(Errno.EINVAL);
        assertThat(error(BpfMapType.STACK, 0, 8, 0, 0)).isEqualTo(Errno.EINVAL);
        assertThat(error(BpfMapType.BLOOM_FILTER, 4, 4, 100, 0)).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.BLOOM_FILTER, new MapTypes.CreateAttrs(0, 4, 100, 0, 16, null),
                dev.emu.bpf.map.MemoryCharge.UNLIMITED).error()).isEqualTo(Errno.EINVAL);
        assertThat(MapTypes.create(BpfMapType.HASH, new MapTypes.CreateAttrs(4, 4, 100, 0, 1, null),
                dev.emu.bpf.map.MemoryCharge.UNLIMITED).error()).isEqualTo(Errno.EINVAL); // map_extra
    }

    @Test
    void perCpuValuesAreRoundedUpPerCpu() {
        BpfMap m = create(BpfMapType.PERCPU_HASH, 4, 4, 2, 0);
        assertThat(m.userValueSize()).isEqualTo(8 * BpfMap.POSSIBLE_CPUS);
        assertThat(m.update(u32(1), u64(0x1122334455667788L), BpfFlags.BPF_ANY)).isZero();
        byte[] out = new byte[8];
        assertThat(m.lookup(u32(1), out)).isZero();
        assertThat(out).isEqualTo(u64(0x1122334455667788L)); // the padding too, as bpf_long_memcpy
        assertThat(m.lookupValue(u32(1))).hasSize(8);
        assertThat(m.update(u32(2), u64(1), 0)).isZero();
        assertThat(m.update(u32(3), u64(1), 0)).isEqualTo(-Errno.E2BIG.number);
        assertThat(m.update(u32(1), u64(1), BpfFlags.BPF_F_LOCK)).isEqualTo(-Errno.EINVAL.number);
        BpfMap a = create(BpfMapType.PERCPU_ARRAY, 4, 8, 2, 0);
        assertThat(a.update(u32(1), u64(9), BpfFlags.BPF_NOEXIST)).isEqualTo(-Errno.EEXIST.number);
        assertThat(a.delete(u32(1))).isEqualTo(-Errno.EINVAL.number);
        assertThat(a.lookupAndDelete(u32(1), new byte[8], 0)).isEqualTo(-Errno.ENOTSUPP.number);
    }

    @Test
    void lruEvictsTheLeastRecentlyUsed() {
        BpfMap m = create(BpfMapType.LRU_HASH, 4, 8, 3, 0);
        for (int k = 1; k <= 3; k++) {
            assertThat(m.update(u32(k), u64(k), 0)).isZero();
        }
        m.lookupValue(u32(1)); // a program's lookup marks 1 used
        assertThat(m.update(u32(4), u64(4), 0)).isZero(); // evicts 2
        assertThat(m.lookup(u32(2), new byte[8])).isEqualTo(-Errno.ENOENT.number);
        assertThat(m.lookup(u32(1), new byte[8])).isZero();
        assertThat(m.update(u32(4), u64(5), BpfFlags.BPF_NOEXIST)).isEqualTo(-Errno.EEXIST.number);
        byte[] v = new byte[8];
        assertThat(m.lookupAndDelete(u32(4), v, 0)).isZero();
        assertThat(v).isEqualTo(u64(4));
    }

    private static byte[] lpm(int prefix, int... data) {
        byte[] k = new byte[8];
        System.arraycopy(u32(prefix), 0, k, 0, 4);
        for (int i = 0; i < data.length; i++) {
            k[4 + i] = (byte) data[i];
        }
        return k;
    }

    @Test
    void lpmTrieLongestPrefixAndWalkOrder() {
        BpfMap t = create(BpfMapType.LPM_TRIE, 8, 4, 8, NO_PREALLOC);
        int[][] keys = {{8, 10}, {16, 10, 1}, {24, 10, 1, 2}, {16, 192, 168}, {0}, {32, 10, 1, 2, 3},
            {16, 10, 128}, {9, 10, 128}};
        for (int i = 0; i < keys.length; i++) {
            int[] data = java.util.Arrays.copyOfRange(keys[i], 1, keys[i].length);
            assertThat(t.update(lpm(keys[i][0], data), u32(100 + i), 0)).isZero();
        }
        assertThat(t.update(lpm(12, 172, 16), u32(1), 0)).isEqualTo(-Errno.ENOSPC.number);
        assertThat(t.update(lpm(33, 1), u32(1), 0)).isEqualTo(-Errno.EINVAL.number);
        byte[] v = new byte[4];
        assertThat(t.lookup(lpm(32, 10, 1, 2, 4), v)).isZero();
        assertThat(v).isEqualTo(u32(102));
        assertThat(t.lookup(lpm(32, 10, 129, 0, 0), v)).isZero();
        assertThat(v).isEqualTo(u32(107));
        assertThat(t.lookup(lpm(20, 10, 1, 2, 3), v)).isZero();
        assertThat(v).isEqualTo(u32(101));
        // The host kernel's walk (bpf_maps_diff.c): longer prefixes first, 0 before 1.
        List<String> walk = new ArrayList<>();
        byte[] cur = null, next = new byte[8];
        while (t.getNextKey(cur, next) == 0) {
            walk.add((next[4] & 0xff) + "." + (next[5] & 0xff) + "/" + next[0]);
            cur = next.clone();
        }
        assertThat(walk).containsExactly("10.1/32", "10.1/24", "10.1/16", "10.128/16", "10.128/9", "10.0/8",
                "192.168/16", "0.0/0");
        assertThat(t.delete(lpm(16, 10, 1))).isZero();
        assertThat(t.lookup(lpm(32, 10, 1, 9, 9), v)).isZero();
        assertThat(v).isEqualTo(u32(100));
    }

    @Test
    void queueAndStack() {
        BpfMap q = create(BpfMapType.QUEUE, 0, 8, 2, 0);
        BpfMap s = create(BpfMapType.STACK, 0, 8, 2, 0);
        for (BpfMap m : List.of(q, s)) {
            assertThat(m.push(u64(1), 0)).isZero();
            assertThat(m.push(u64(2), 0)).isZero();
            assertThat(m.push(u64(3), 0)).isEqualTo(-Errno.E2BIG.number);
            assertThat(m.push(u64(4), BpfFlags.BPF_EXIST)).isZero(); // drops the oldest (1)
            assertThat(m.push(u64(4), BpfFlags.BPF_NOEXIST)).isEqualTo(-Errno.EINVAL.number);
        }
        byte[] v = new byte[8];
        assertThat(q.pop(v)).isZero();
        assertThat(v).isEqualTo(u64(2));
        assertThat(s.pop(v)).isZero();
        assertThat(v).isEqualTo(u64(4));
        assertThat(s.peek(v)).isZero();
        assertThat(v).isEqualTo(u64(2));
        assertThat(s.lookupAndDelete(null, v, BpfFlags.BPF_F_LOCK)).isEqualTo(-Errno.EINVAL.number);
        assertThat(s.pop(v)).isZero();
        assertThat(s.pop(v)).isEqualTo(-Errno.ENOENT.number);
        assertThat(q.delete(null)).isEqualTo(-Errno.EINVAL.number);
    }

    @Test
    void bloomFilterHasNoFalseNegativesAndLinuxsFalsePositives() {
        BpfMap b = MapTypes.create(BpfMapType.BLOOM_FILTER, new MapTypes.CreateAttrs(0, 4, 100,
                BpfFlags.BPF_F_ZERO_SEED, 3, null), dev.emu.bpf.map.MemoryCharge.UNLIMITED).map();
        for (int v = 0; v < 100; v += 2) {
            assertThat(b.push(u32(v), 0)).isZero();
        }
        assertThat(b.push(u32(1), BpfFlags.BPF_EXIST)).isEqualTo(-Errno.EINVAL.number);
        int positives = 0;
        for (int v = 0; v < 2000; v++) {
            int r = b.peek(u32(v));
            if (v < 100 && v % 2 == 0) {
                assertThat(r).isZero();
            } else if (r == 0) {
                positives++;
            }
        }
        assertThat(positives).isEqualTo(32); // what the host kernel answers (bpf_maps_diff.c)
    }

    @Test
    void programsUseQueuesAndPerCpuArraysOnBothEngines() throws Exception {
        BpfMap q = create(BpfMapType.QUEUE, 0, 8, 4, 0);
        BpfMap pa = create(BpfMapType.PERCPU_ARRAY, 4, 8, 1, 0);
        VerifierResult r = Verifier.verify(Assembler.assemble("""
                stdw [%r10-8], 41
                lddw %r1, map_fd(1)
                mov %r2, %r10
                add %r2, -8
                mov %r3, 0
                call 87
                lddw %r1, map_fd(1)
                mov %r2, %r10
                add %r2, -16
                call 88
                stw [%r10-20], 0
                lddw %r1, map_fd(2)
                mov %r2, %r10
                add %r2, -20
                call 1
                jeq %r0, 0, out
                ldxdw %r1, [%r0]
                add %r1, 1
                stxdw [%r0], %r1
                out:
                ldxdw %r0, [%r10-16]
                exit
                """), Map.of(1, q, 2, pa)::get, ProgramTypes.rawMemory(16), 1);
        assertThat(r).as("%s", r instanceof VerifierResult.Rejected j ? j.log() : "").isInstanceOf(VerifierResult.Accepted.class);
        VerifiedProgram p = ((VerifierResult.Accepted) r).program();
        for (VerifiedProgram.Engine e : List.of(VerifiedProgram.Engine.INTERPRETER, VerifiedProgram.Engine.JIT)) {
            ExecutionResult res = p.run(new byte[16], new StandaloneEnvironment(), e);
            assertThat(((ExecutionResult.Exit) res).r0()).isEqualTo(41);
        }
        byte[] v = new byte[8];
        assertThat(pa.lookup(u32(0), v)).isZero();
        assertThat(v).isEqualTo(u64(2));
        VerifierResult bad = Verifier.verify(Assembler.assemble("""
                lddw %r1, map_fd(2)
                mov %r2, %r10
                add %r2, -8
                call 88
                mov %r0, 0
                exit
                """), Map.of(1, q, 2, pa)::get, ProgramTypes.rawMemory(16), 1);
        assertThat(((VerifierResult.Rejected) bad).log()).contains("cannot pass map_type 6 into func bpf_map_pop_elem#88");
        assertThat(((VerifierResult.Rejected) bad).errno()).isEqualTo(Errno.EINVAL);
    }

    @Test
    void mapInMapLookupGivesTheInnerMapToPrograms() throws Exception {
        BpfMap inner = create(BpfMapType.ARRAY, 4, 8, 1, 0);
        BpfMap other = create(BpfMapType.ARRAY, 4, 8, 2, 0);
        var r = MapTypes.create(BpfMapType.ARRAY_OF_MAPS, new MapTypes.CreateAttrs(4, 4, 2, 0, 0, inner),
                dev.emu.bpf.map.MemoryCharge.UNLIMITED);
        assertThat(r.error()).isNull();
        var outer = (dev.emu.bpf.map.MapOfMaps) r.map();
        assertThat(outer.fits(other)).isFalse(); // max_entries differs (no BPF_F_INNER_MAP)
        assertThat(MapTypes.create(BpfMapType.ARRAY_OF_MAPS, new MapTypes.CreateAttrs(4, 4, 2, 0, 0, outer),
                dev.emu.bpf.map.MemoryCharge.UNLIMITED).error()).isEqualTo(Errno.EINVAL); // one level only
        int[] released = {0};
        var ref = new dev.emu.bpf.map.MapOfMaps.Inner() {
            public BpfMap map() {
                return inner;
            }

            public int id() {
                return 42;
            }

            public void release() {
                released[0]++;
            }
        };
        assertThat(outer.updateInner(u32(0), ref, BpfFlags.BPF_NOEXIST)).isEqualTo(-Errno.EINVAL.number);
        assertThat(outer.updateInner(u32(0), ref, 0)).isZero();
        byte[] id = new byte[4];
        assertThat(outer.lookup(u32(0), id)).isZero();
        assertThat(id).isEqualTo(u32(42));
        inner.update(u32(0), u64(77), 0);
        String prog = """
                stw [%r10-4], 0
                lddw %r1, map_fd(1)
                mov %r2, %r10
                add %r2, -4
                call 1
                jeq %r0, 0, out
                mov %r1, %r0
                mov %r2, %r10
                add %r2, -4
                call 1
                jeq %r0, 0, out
                ldxdw %r0, [%r0]
                exit
                out:
                mov %r0, 1
                exit
                """;
        VerifierResult vr = Verifier.verify(Assembler.assemble(prog), Map.of(1, (BpfMap) outer)::get,
                ProgramTypes.rawMemory(16), 1);
        assertThat(vr).isInstanceOf(VerifierResult.Accepted.class);
        VerifiedProgram p = ((VerifierResult.Accepted) vr).program();
        for (VerifiedProgram.Engine e : List.of(VerifiedProgram.Engine.INTERPRETER, VerifiedProgram.Engine.JIT)) {
            assertThat(((ExecutionResult.Exit) p.run(new byte[16], new StandaloneEnvironment(), e)).r0()).isEqualTo(77);
        }
        // The inner map pointer is a map, not memory.
        VerifierResult deref = Verifier.verify(Assembler.assemble("""
                stw [%r10-4], 0
                lddw %r1, map_fd(1)
                mov %r2, %r10
                add %r2, -4
                call 1
                jeq %r0, 0, out
                ldxw %r0, [%r0]
                out:
                exit
                """), Map.of(1, (BpfMap) outer)::get, ProgramTypes.rawMemory(16), 1);
        assertThat(((VerifierResult.Rejected) deref).log()).contains("R0 invalid mem access 'map_ptr'");
        assertThat(outer.delete(u32(0))).isZero();
        assertThat(released[0]).isEqualTo(1);
    }
}
