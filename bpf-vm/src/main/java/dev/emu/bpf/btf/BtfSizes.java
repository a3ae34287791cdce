package dev.emu.bpf.btf;

import java.util.List;

/**
 * The size of every type id and the type each reaches through its modifiers, computed once and
 * without recursion (btf.c's resolve pass keeps an explicit stack too): chains of typedefs,
 * qualifiers and arrays of any length cost linear time and no Java stack, and a chain that
 * comes back to itself is marked as a loop.
 */
final class BtfSizes {
    /** Sizes: {@code >= 0} bytes; {@link #NONE} no size (void, FUNC, FWD, ...); {@link #LOOP} a loop. */
    static final long NONE = -1, LOOP = -2;
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final long[] size;
    private final int[] skipped;

    private BtfSizes(long[] size, int[] skipped) {
        this.size = size;
        this.skipped = skipped;
    }

    /** {@code types.get(0)} is void (null); referenced ids out of range count as no size. */
    static BtfSizes of(List<BtfType> types) {
        int n = types.size();
        long[] size = new long[n];
        int[] skipped = new int[n];
        java.util.Arrays.fill(size, UNKNOWN);
        size[0] = NONE;
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        for (int start = 1; start < n; start++) {
            if (size[start] != UNKNOWN) {
                continue;
            }
            int sp = 0;
            stack[sp++] = start;
            onStack[start] = true;
            while (sp > 0) {
                int id = stack[sp - 1];
                BtfType t = types.get(id);
                int ref = follows(t);
                if (ref < 0) { // a leaf: its own size
                    size[id] = ownSize(t);
                    skipped[id] = id;
                } else if (ref >= n || ref == 0) {
                    size[id] = NONE;
                    skipped[id] = BtfKind.isModifier(t.kind()) ? 0 : id;
                } else if (size[ref] == UNKNOWN && !onStack[ref]) {
                    stack[sp++] = ref;
                    onStack[ref] = true;
                    continue;
                } else {
                    long r = onStack[ref] ? LOOP : size[ref];
                    if (t.kind() == BtfKind.ARRAY) {
                        long count = Integer.toUnsignedLong(t.data()[2]);
                        size[id] = r < 0 ? r : multiply(r, count);
                        skipped[id] = id;
                    } else {
                        size[id] = r;
                        skipped[id] = r == LOOP ? 0 : skipped[ref];
                    }
                }
                onStack[id] = false;
                sp--;
            }
        }
        return new BtfSizes(size, skipped);
    }

    /** The type a modifier or an array's element refers to; -1 for every other kind. */
    private static int follows(BtfType t) {
        if (BtfKind.isModifier(t.kind())) {
            return t.type();
        }
        return t.kind() == BtfKind.ARRAY ? t.data()[0] : -1;
    }

    private static long ownSize(BtfType t) {
        return switch (t.kind()) {
            case BtfKind.INT, BtfKind.STRUCT, BtfKind.UNION, BtfKind.ENUM, BtfKind.ENUM64, BtfKind.DATASEC,
                 BtfKind.FLOAT -> t.size();
            case BtfKind.PTR -> 8;
            default -> NONE;
        };
    }

    /** elem * count, or NONE past U32_MAX (btf_array_resolve: "Array size overflows U32_MAX"). */
    private static long multiply(long elem, long count) {
        if (count != 0 && elem > 0xffffffffL / count) {
            return NONE;
        }
        return elem * count;
    }

    long size(long id) {
        return id >= 0 && id < size.length ? size[(int) id] : NONE;
    }

    int skip(long id) {
        return id >= 0 && id < skipped.length ? skipped[(int) id] : 0;
    }

    boolean loops(long id) {
        return size(id) == LOOP;
    }
}
