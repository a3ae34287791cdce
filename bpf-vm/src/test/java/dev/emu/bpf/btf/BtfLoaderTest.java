package dev.emu.bpf.btf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** BTF_LOAD's checks as btf.c makes them: what is accepted, and the errno and log line of what is not. */
class BtfLoaderTest {
    /** What clang emits for a program with a map, a function and globals, one type of each kind. */
    private static BtfBlob everyKind() {
        BtfBlob b = new BtfBlob();
        int u32 = b.intType("unsigned int", 4, 0);                                   // 1
        int s64 = b.intType("long long", 8, 1);                                      // 2
        int ptr = b.type("", BtfKind.PTR, 0, false, u32);                            // 3
        int arr = b.type("", BtfKind.ARRAY, 0, false, 0, u32, u32, 4);               // 4
        int st = b.type("pair", BtfKind.STRUCT, 2, false, 16, b.name("a"), u32, 0, b.name("b"), s64, 64); // 5
        b.type("color", BtfKind.ENUM, 1, false, 4, b.name("RED"), 0);                // 6
        b.type("later", BtfKind.FWD, 0, false, 0);                                   // 7
        int td = b.type("u32_t", BtfKind.TYPEDEF, 0, false, u32);                     // 8
        int vol = b.type("", BtfKind.VOLATILE, 0, false, td);                        // 9
        int cst = b.type("", BtfKind.CONST, 0, false, vol);                          // 10
        int proto = b.type("", BtfKind.FUNC_PROTO, 1, false, s64, b.name("ctx"), ptr); // 11
        b.type("prog", BtfKind.FUNC, 1, false, proto);                               // 12 (global)
        int var = b.type("limit", BtfKind.VAR, 0, false, cst, 1);                    // 13
        b.type(".rodata", BtfKind.DATASEC, 1, false, 4, var, 0, 4);                  // 14
        b.type("double", BtfKind.FLOAT, 0, false, 8);                                // 15
        b.type("tag", BtfKind.DECL_TAG, 0, false, st, -1);                           // 16
        b.type("user", BtfKind.TYPE_TAG, 0, false, u32);                             // 17
        b.type("big", BtfKind.ENUM64, 1, false, 8, b.name("HUGE"), 0, 1);            // 18
        assertThat(arr).isEqualTo(4);
        return b;
    }

    private static BtfLoadResult.Refused refused(byte[] blob) {
        BtfLoadResult r = BtfLoader.load(blob, true);
        assertThat(r).isInstanceOf(BtfLoadResult.Refused.class);
        return (BtfLoadResult.Refused) r;
    }

    @Test
    void acceptsEveryKindAndResolvesSizes() {
        BtfLoadResult r = BtfLoader.load(everyKind().build(), true);
        assertThat(r).isInstanceOf(BtfLoadResult.Loaded.class);
        Btf btf = ((BtfLoadResult.Loaded) r).btf();
        assertThat(btf.typeCount()).isEqualTo(19);
        assertThat(btf.sizeOf(10)).as("const volatile u32_t").isEqualTo(4);
        assertThat(btf.sizeOf(4)).as("u32[4]").isEqualTo(16);
        assertThat(btf.sizeOf(14)).as(".rodata").isEqualTo(4);
        assertThat(btf.sizeOf(12)).as("a FUNC has no size").isEqualTo(-1);
        assertThat(btf.find("prog", BtfKind.FUNC)).isEqualTo(12);
        assertThat(r.log()).startsWith("magic: 0xeb9f\nversion: 1\nflags: 0x0\nhdr_len: 24\n")
                .contains("[1] INT unsigned int size=4 bits_offset=0 nr_bits=32 encoding=(none)\n")
                .contains("[5] STRUCT pair size=16 vlen=2\n");
    }

    @Test
    void headerErrors() {
        byte[] good = everyKind().build();
        byte[] badMagic = good.clone();
        badMagic[0] = 0;
        assertThat(refused(badMagic)).extracting(BtfLoadResult.Refused::errno).isEqualTo(Errno.EINVAL);
        assertThat(refused(badMagic).log()).endsWith("Invalid magic\n");
        assertThat(refused(everyKind().build(2, 0))).extracting(BtfLoadResult.Refused::errno).isEqualTo(Errno.ENOTSUPP);
        assertThat(refused(everyKind().build(1, 1)).log()).endsWith("Unsupported flags\n");
        assertThat(refused(new byte[4]).log()).isEqualTo("hdr_len not found\n");
        // A header longer than Linux's whose extra bytes are not zero: E2BIG.
        ByteBuffer longer = ByteBuffer.allocate(good.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        longer.put(good, 0, 24).put(new byte[] {1, 0, 0, 0}).put(good, 24, good.length - 24);
        longer.putInt(4, 28);
        assertThat(refused(longer.array()).errno()).isEqualTo(Errno.E2BIG);
        // The string section overlapping the types.
        byte[] overlap = good.clone();
        ByteBuffer.wrap(overlap).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 4);
        assertThat(refused(overlap).log()).endsWith("Section overlap found\n");
        // A string section that does not end with a NUL.
        byte[] unterminated = good.clone();
        unterminated[unterminated.length - 1] = 'x';
        assertThat(refused(unterminated).log()).endsWith("Invalid string section\n");
    }

    @Test
    void typeMetaErrorsNameTheType() {
        BtfBlob kind = new BtfBlob();
        kind.type("x", 20, 0, false, 0);
        assertThat(refused(kind.build()).log()).endsWith("[1] Invalid kind:20\n");

        BtfBlob size = new BtfBlob();
        size.type("odd", BtfKind.INT, 0, false, 3, 24);
        assertThat(refused(size.build()).log()).endsWith("[1] INT odd Unsupported size\n");

        BtfBlob named = new BtfBlob();
        named.intType("int", 4, 1);
        named.type("p", BtfKind.PTR, 0, false, 1);
        assertThat(refused(named.build()).log()).endsWith("[2] PTR p Invalid name\n");

        BtfBlob truncated = new BtfBlob();
        truncated.words(0, BtfKind.STRUCT << 24 | 2, 8);
        assertThat(refused(truncated.build()).log()).endsWith("[1] STRUCT (anon) meta_left:0 meta_needed:24\n");
    }

    @Test
    void referenceErrors() {
        BtfBlob func = new BtfBlob();
        int i = func.intType("int", 4, 1);
        func.type("f", BtfKind.FUNC, 0, false, i);
        assertThat(refused(func.build()).log()).endsWith("[2] FUNC f Invalid type_id\n");

        BtfBlob range = new BtfBlob();
        range.type("", BtfKind.PTR, 0, false, 7);
        assertThat(refused(range.build()).log()).endsWith("[1] PTR (anon) Invalid type_id\n");

        BtfBlob loop = new BtfBlob();
        loop.type("a", BtfKind.TYPEDEF, 0, false, 2);
        loop.type("b", BtfKind.TYPEDEF, 0, false, 1);
        assertThat(refused(loop.build()).log()).endsWith("[1] TYPEDEF a Loop detected\n");

        BtfBlob sec = new BtfBlob();
        int n = sec.intType("int", 4, 1);
        sec.type(".data", BtfKind.DATASEC, 1, false, 4, n, 0, 4);
        assertThat(refused(sec.build()).log()).endsWith("[2] DATASEC .data Not a VAR kind member\n");

        BtfBlob member = new BtfBlob();
        int big = member.intType("long", 8, 1);
        member.type("s", BtfKind.STRUCT, 1, false, 4, member.name("x"), big, 0);
        assertThat(refused(member.build()).log()).endsWith("[2] STRUCT s Member exceeds struct_size\n");
    }

    @Test
    void withoutLoggingTheLogHasOnlyTheError() {
        BtfBlob kind = new BtfBlob();
        kind.type("x", 20, 0, false, 0);
        BtfLoadResult r = BtfLoader.load(kind.build(), false);
        assertThat(r.log()).isEqualTo("[1] Invalid kind:20\n");
    }

    @Test
    void longChainsCostNoStackAndLittleTime() {
        // 100,000 nested arrays and as many typedefs: linear, no recursion (a StackOverflowError
        // here would reach the guest as an internal error).
        BtfBlob b = new BtfBlob();
        int prev = b.intType("char", 1, 0);
        for (int k = 0; k < 100_000; k++) {
            prev = b.type("", BtfKind.ARRAY, 0, false, 0, prev, 1, 1);
        }
        int td = prev;
        for (int k = 0; k < 100_000; k++) {
            td = b.type("t", BtfKind.TYPEDEF, 0, false, td);
        }
        long start = System.nanoTime();
        BtfLoadResult r = BtfLoader.load(b.build(), false);
        assertThat(r).isInstanceOf(BtfLoadResult.Loaded.class);
        assertThat(((BtfLoadResult.Loaded) r).btf().sizeOf(td)).isEqualTo(1);
        assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);

        BtfBlob loop = new BtfBlob();
        loop.intType("int", 4, 1);
        loop.type("", BtfKind.ARRAY, 0, false, 0, 2, 1, 2);
        assertThat(refused(loop.build()).log()).endsWith("[2] ARRAY (anon) Invalid elem\n");
    }

    @Test
    void mutatedBlobsAreLoadedOrRefusedNeverThrown() {
        byte[] good = everyKind().build();
        java.util.Random random = new java.util.Random(15);
        int loaded = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] b = good.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                int at = random.nextInt(b.length);
                b[at] = random.nextInt(3) == 0 ? (byte) 0xff : (byte) random.nextInt(256);
            }
            if (random.nextInt(10) == 0) {
                b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
            }
            BtfLoadResult r = BtfLoader.load(b, random.nextBoolean());
            if (r instanceof BtfLoadResult.Loaded l) {
                loaded++;
                Btf btf = l.btf();
                for (int id = 0; id < btf.typeCount() + 2; id++) {
                    btf.sizeOf(id); // every id answers, loaded or not
                    btf.skipModifiers(id);
                }
            } else {
                assertThat(((BtfLoadResult.Refused) r).errno()).isIn(Errno.EINVAL, Errno.E2BIG, Errno.ENOTSUPP);
            }
        }
        assertThat(loaded).as("some mutations keep the blob valid").isGreaterThan(0);
    }
}
