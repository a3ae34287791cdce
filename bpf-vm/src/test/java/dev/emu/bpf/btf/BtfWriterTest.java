package dev.emu.bpf.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BtfWriter's blobs load back through BtfLoader with the types, names and sizes written. */
class BtfWriterTest {
    @Test
    void aSelfReferencingStructLoadsBack() {
        BtfWriter w = new BtfWriter();
        int i32 = w.addInt("int", 4, BtfWriter.SIGNED);
        int chr = w.addInt("char", 1, 0);
        int node = w.declare("node", false);
        int ptr = w.addPtr(node);
        int arr = w.addArray(chr, i32, 16);
        w.define(node, 32, List.of(new BtfWriter.Member("value", i32, 0), new BtfWriter.Member("next", ptr, 64),
                new BtfWriter.Member("name", arr, 128)));
        int e = w.addEnum("colour", Map.of("RED", 1), false);
        int proto = w.addFuncProto(i32, List.of(new BtfWriter.Param("n", ptr)));
        int f = w.addFunc("walk", proto);
        BtfLoadResult r = BtfLoader.load(w.toBytes(), true);
        assertThat(r).as(r.log()).isInstanceOf(BtfLoadResult.Loaded.class);
        Btf btf = ((BtfLoadResult.Loaded) r).btf();
        assertThat(btf.typeCount()).isEqualTo(f + 1);
        assertThat(btf.find("node", BtfKind.STRUCT)).isEqualTo(node);
        assertThat(btf.sizeOf(node)).isEqualTo(32);
        assertThat(btf.sizeOf(arr)).isEqualTo(16);
        assertThat(btf.type(e).name()).isEqualTo("colour");
        assertThat(btf.type(f).type()).isEqualTo(proto);
        assertThat(r.log()).contains("[" + node + "] STRUCT node size=32 vlen=3");
    }

    @Test
    void stringsAreStoredOnce() {
        BtfWriter a = new BtfWriter();
        a.addInt("int", 4, BtfWriter.SIGNED);
        BtfWriter b = new BtfWriter();
        b.addInt("int", 4, BtfWriter.SIGNED);
        b.addTypedef("int", 1);
        assertThat(b.toBytes().length - a.toBytes().length).isEqualTo(12); // one more type, no new string
    }

    @Test
    void aDeclaredStructMustBeDefined() {
        BtfWriter w = new BtfWriter();
        w.declare("never", false);
        assertThatThrownBy(w::toBytes).isInstanceOf(IllegalStateException.class);
    }
}
