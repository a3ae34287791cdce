package dev.emu.bpf.verifier;

import dev.emu.bpf.map.BpfMap;
import java.util.Map;

/**
 * One register's abstract value (cf. Linux's struct bpf_reg_state). For scalars the bounds and
 * {@code var} describe the value; for pointers they describe the variable part of the offset,
 * added to the fixed {@code off}. Mutable; states copy registers when they fork.
 */
final class RegState {
    static final long M32 = 0xffffffffL;

    RegType type = RegType.NOT_INIT;
    /** Fixed offset of a pointer. */
    int off;
    Tnum var = Tnum.UNKNOWN;
    long smin = Long.MIN_VALUE, smax = Long.MAX_VALUE, umin = 0, umax = -1L;
    /** PTR_TO_STACK: the frame whose stack it points into. */
    int frameNo;
    /** Map of a map value or map pointer. */
    BpfMap map;
    /** PTR_TO_MEM(_OR_NULL): size of the memory. */
    int memSize;
    /** OR_NULL pointers: copies share the id, so one null check refines them all. */
    int id;
    /** Acquired reference (ringbuf reservation) this pointer carries, else 0. */
    int refObjId;
    /** PTR_TO_PACKET(_META): bytes past the pointer a comparison with the end proved readable. */
    int range;

    RegState copy() {
        RegState r = new RegState();
        r.type = type;
        r.off = off;
        r.var = var;
        r.smin = smin;
        r.smax = smax;
        r.umin = umin;
        r.umax = umax;
        r.frameNo = frameNo;
        r.map = map;
        r.memSize = memSize;
        r.id = id;
        r.refObjId = refObjId;
        r.range = range;
        return r;
    }

    static RegState notInit() {
        return new RegState();
    }

    static RegState unknown() {
        RegState r = new RegState();
        r.type = RegType.SCALAR;
        return r;
    }

    static RegState constant(long v) {
        RegState r = new RegState();
        r.type = RegType.SCALAR;
        r.setConst(v);
        return r;
    }

    /** An unknown 32-bit value (upper half zero). */
    static RegState unknown32() {
        RegState r = unknown();
        r.var = Tnum.UNKNOWN.cast32();
        r.umax = M32;
        r.normalize();
        return r;
    }

    static RegState pointer(RegType t) {
        RegState r = new RegState();
        r.type = t;
        r.setConst(0);
        return r;
    }

    void setConst(long v) {
        var = Tnum.of(v);
        smin = smax = v;
        umin = umax = v;
    }

    void setUnknown() {
        type = RegType.SCALAR;
        off = 0;
        var = Tnum.UNKNOWN;
        smin = Long.MIN_VALUE;
        smax = Long.MAX_VALUE;
        umin = 0;
        umax = -1L;
        frameNo = 0;
        map = null;
        memSize = 0;
        id = 0;
        refObjId = 0;
        range = 0;
    }

    void unboundSigned() {
        smin = Long.MIN_VALUE;
        smax = Long.MAX_VALUE;
    }

    void unboundUnsigned() {
        umin = 0;
        umax = -1L;
    }

    boolean isConst() {
        return var.isConst();
    }

    long constValue() {
        return var.value();
    }

    boolean isScalar() {
        return type == RegType.SCALAR;
    }

    /** No possible value: the bounds contradict each other (a dead branch). */
    boolean isEmpty() {
        return smin > smax || Long.compareUnsigned(umin, umax) > 0
                || (var.value() & var.mask()) != 0;
    }

    /** Makes bounds and known bits agree (Linux's reg_bounds_sync). */
    void normalize() {
        for (int k = 0; k < 2; k++) {
            // __update_reg64_bounds
            smin = Math.max(smin, var.value() | (var.mask() & Long.MIN_VALUE));
            smax = Math.min(smax, var.value() | (var.mask() & Long.MAX_VALUE));
            umin = umax(umin, var.value());
            umax = umin(umax, var.value() | var.mask());
            // __reg64_deduce_bounds
            if (smin >= 0 || smax < 0) {
                long lo = umax(smin, umin), hi = umin(smax, umax);
                smin = umin = lo;
                smax = umax = hi;
            } else if (umax >= 0) { // every value below 2^63: signed and unsigned views agree
                smin = umin;
                smax = umax = umin(smax, umax);
            } else if (umin < 0) { // every value at or above 2^63: all negative
                smin = umin = umax(smin, umin);
                smax = umax;
            }
            // __reg_bound_offset
            if (Long.compareUnsigned(umin, umax) <= 0) {
                var = var.intersect(Tnum.range(umin, umax));
            }
        }
    }

    static long umax(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static long umin(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    /** Bounds of {@code cur} lie within ours (Linux's range_within + tnum_in). */
    boolean rangeWithin(RegState cur) {
        return smin <= cur.smin && smax >= cur.smax && Long.compareUnsigned(umin, cur.umin) <= 0
                && Long.compareUnsigned(umax, cur.umax) >= 0 && var.contains(cur.var);
    }

    /**
     * Linux's regsafe: every behaviour of {@code cur} was already explored from this (old) state.
     * {@code idmap} maps old ids to cur ids consistently.
     */
    boolean covers(RegState cur, Map<Integer, Integer> idmap) {
        if (type == RegType.NOT_INIT) {
            return true;
        }
        if (cur.type != type) {
            return false;
        }
        if (type == RegType.SCALAR) {
            return rangeWithin(cur);
        }
        return off == cur.off && frameNo == cur.frameNo && map == cur.map && memSize == cur.memSize
                && rangeWithin(cur) && sameId(id, cur.id, idmap) && sameId(refObjId, cur.refObjId, idmap)
                && range <= cur.range;
    }

    static boolean sameId(int old, int cur, Map<Integer, Integer> idmap) {
        if (old == 0 || cur == 0) {
            return old == cur;
        }
        Integer m = idmap.putIfAbsent(old, cur);
        return m == null || m == cur;
    }

    /** Linux's notation: {@code 0}, {@code scalar(umax=255,var_off=(0x0; 0xff))}, {@code fp-8}, {@code ctx()}. */
    @Override
    public String toString() {
        switch (type) {
            case NOT_INIT:
                return "?";
            case SCALAR:
                if (isConst()) {
                    return Long.toString(var.value());
                }
                return "scalar(" + bounds() + ")";
            case PTR_TO_STACK:
                if (isConst()) {
                    return "fp" + (off == 0 ? "0" : Integer.toString(off)) + (frameNo != 0 ? "(frame=" + frameNo + ")" : "");
                }
                return "fp(off=" + off + "," + bounds() + ")";
            default:
                StringBuilder sb = new StringBuilder(type.linuxName).append('(');
                String sep = "";
                if (id != 0) {
                    sb.append("id=").append(id);
                    sep = ",";
                }
                if (refObjId != 0) {
                    sb.append(sep).append("ref_obj_id=").append(refObjId);
                    sep = ",";
                }
                if (type == RegType.PTR_TO_CTX) {
                    if (off != 0) {
                        sb.append(sep).append("off=").append(off);
                    }
                } else {
                    sb.append(sep).append("off=").append(off);
                    sep = ",";
                }
                if (map != null) {
                    sb.append(sep).append("ks=").append(map.keySize()).append(",vs=").append(map.valueSize());
                }
                if (type == RegType.PTR_TO_PACKET || type == RegType.PTR_TO_PACKET_META) {
                    sb.append(sep).append("r=").append(range);
                }
                if (type == RegType.PTR_TO_MEM || type == RegType.PTR_TO_MEM_OR_NULL) {
                    sb.append(sep).append("sz=").append(memSize);
                }
                if (!isConst() || var.value() != 0) {
                    sb.append(',').append(bounds());
                }
                return sb.append(')').toString();
        }
    }

    private String bounds() {
        StringBuilder sb = new StringBuilder();
        String sep = "";
        if (smin != Long.MIN_VALUE && smin != umin) {
            sb.append("smin=").append(smin);
            sep = ",";
        }
        if (smax != Long.MAX_VALUE && smax != umax) {
            sb.append(sep).append("smax=").append(smax);
            sep = ",";
        }
        if (umin != 0) {
            sb.append(sep).append("umin=").append(Long.toUnsignedString(umin));
            sep = ",";
        }
        if (umax != -1L) {
            sb.append(sep).append("umax=").append(Long.toUnsignedString(umax));
            sep = ",";
        }
        if (var.mask() != -1L) {
            sb.append(sep).append("var_off=").append(var);
        }
        return sb.toString();
    }
}
