package dev.emu.bpf.btf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CO-RE relocations as relo_core.c resolves them: by name, across layouts, flavours and anonymous members. */
class CoreRelocationTest {
    private static Btf load(BtfWriter w) {
        return ((BtfLoadResult.Loaded) BtfLoader.load(w.toBytes(), false)).btf();
    }

    private final Btf local, target;
    private final int localTask, localOld, localQstr, localEnum, localMissing;

    CoreRelocationTest() {
        BtfWriter l = new BtfWriter();
        int i32 = l.addInt("int", 4, BtfWriter.SIGNED);
        int u32 = l.addInt("unsigned int", 4, 0);
        localTask = l.addStruct("task_struct", 12, List.of(new BtfWriter.Member("pid", i32, 0),
                new BtfWriter.Member("tgid", i32, 32), new BtfWriter.Member("gone", i32, 64)));
        localOld = l.addStruct("task_struct___old", 4, List.of(new BtfWriter.Member("state", i32, 0)));
        localQstr = l.addStruct("qstr", 4, List.of(new BtfWriter.Member("len", u32, 0)));
        Map<String, Integer> e = new LinkedHashMap<>();
        e.put("PIDTYPE_TGID", 0);
        e.put("PIDTYPE_NONE___x", 7);
        localEnum = l.addEnum("pid_type", e, false);
        localMissing = l.addStruct("no_such_type", 4, List.of(new BtfWriter.Member("x", i32, 0)));
        local = load(l);

        BtfWriter t = new BtfWriter();
        int ti32 = t.addInt("int", 4, BtfWriter.SIGNED);
        int tu32 = t.addInt("u32", 4, 0);
        int tlong = t.addInt("long int", 8, BtfWriter.SIGNED);
        t.addStruct("task_struct", 16, List.of(new BtfWriter.Member("x", tlong, 0),
                new BtfWriter.Member("tgid", ti32, 64), new BtfWriter.Member("pid", ti32, 96)));
        int hl = t.addStruct("", 8, List.of(new BtfWriter.Member("hash", tu32, 0), new BtfWriter.Member("len", tu32, 32)));
        int ptr = t.addPtr(ti32);
        t.addStruct("qstr", 16, List.of(new BtfWriter.Member("", hl, 0), new BtfWriter.Member("name", ptr, 64)));
        Map<String, Integer> te = new LinkedHashMap<>();
        te.put("PIDTYPE_PID", 0);
        te.put("PIDTYPE_TGID", 1);
        t.addEnum("pid_type", te, false);
        target = load(t);
    }

    private CoreRelocation.Result r(int type, String access, int kind) {
        CoreRelocation.Result res = CoreRelocation.resolve(local, target, type, access, kind);
        assertThat(res.error()).isNull();
        return res;
    }

    @Test
    void fieldsRelocateByName() {
        CoreRelocation.Result tgid = r(localTask, "0:1", CoreRelocation.FIELD_BYTE_OFFSET);
        assertThat(tgid.local()).isEqualTo(4);
        assertThat(tgid.target()).isEqualTo(8);
        assertThat(r(localTask, "0:0", CoreRelocation.FIELD_BYTE_OFFSET).target()).isEqualTo(12);
        assertThat(r(localTask, "1:0", CoreRelocation.FIELD_BYTE_OFFSET).target()).as("task[1].pid").isEqualTo(28);
        assertThat(r(localTask, "0:0", CoreRelocation.FIELD_BYTE_SIZE).target()).isEqualTo(4);
        assertThat(r(localTask, "0:0", CoreRelocation.FIELD_SIGNED).target()).isEqualTo(1);
        assertThat(r(localTask, "0:0", CoreRelocation.FIELD_RSHIFT_U64).target()).isEqualTo(32);
        assertThat(r(localQstr, "0:0", CoreRelocation.FIELD_BYTE_OFFSET).target()).as("through the anonymous member")
                .isEqualTo(4);
    }

    @Test
    void missingFieldsAndTypesExistNotOrPoison() {
        assertThat(r(localTask, "0:0", CoreRelocation.FIELD_EXISTS).target()).isEqualTo(1);
        CoreRelocation.Result gone = r(localTask, "0:2", CoreRelocation.FIELD_EXISTS);
        assertThat(gone.target()).isZero();
        assertThat(gone.poison()).isFalse();
        assertThat(r(localTask, "0:2", CoreRelocation.FIELD_BYTE_OFFSET).poison()).isTrue();
        assertThat(r(localOld, "0:0", CoreRelocation.FIELD_EXISTS).target()).as("task_struct___old.state").isZero();
        assertThat(r(localMissing, "0", CoreRelocation.TYPE_EXISTS).target()).isZero();
        assertThat(r(localTask, "0", CoreRelocation.TYPE_EXISTS).target()).isEqualTo(1);
        assertThat(r(localTask, "0", CoreRelocation.TYPE_SIZE).target()).isEqualTo(16);
        assertThat(r(localTask, "0", CoreRelocation.TYPE_ID_LOCAL).target()).isEqualTo(localTask);
        int targetTask = target.find("task_struct", BtfKind.STRUCT);
        assertThat(r(localTask, "0", CoreRelocation.TYPE_ID_TARGET).target()).isEqualTo(targetTask);
    }

    @Test
    void enumValuesRelocateByName() {
        CoreRelocation.Result v = r(localEnum, "0", CoreRelocation.ENUMVAL_VALUE);
        assertThat(v.local()).isZero();
        assertThat(v.target()).isEqualTo(1);
        assertThat(r(localEnum, "1", CoreRelocation.ENUMVAL_EXISTS).target()).isZero();
    }

    @Test
    void unsupportedAndMalformedRelocationsAreErrors() {
        assertThat(CoreRelocation.resolve(local, target, localTask, "0", CoreRelocation.TYPE_MATCHES).error()).isNotNull();
        assertThat(CoreRelocation.resolve(local, target, localTask, "0:9", CoreRelocation.FIELD_BYTE_OFFSET).error())
                .contains("out of range");
        assertThat(CoreRelocation.resolve(local, target, localTask, "x", CoreRelocation.FIELD_EXISTS).error()).isNotNull();
        assertThat(CoreRelocation.resolve(local, target, 999, "0", CoreRelocation.TYPE_EXISTS).error()).isNotNull();
        assertThat(CoreRelocation.essential("task_struct___old")).isEqualTo("task_struct");
    }
}
