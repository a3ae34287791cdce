package dev.emu.bpf.verifier;

/**
 * How a program may access one context field, after the access rules of Linux's per-type
 * {@code is_valid_access} (net/core/filter.c: bpf_skb_is_valid_access, xdp_is_valid_access).
 */
public enum FieldAccess {
    /** Any access inside the field, any size (emu's own contexts). */
    PLAIN,
    /**
     * A scalar field: loads aligned ({@code off % size == 0}) of a power-of-two size up to the
     * field's (bpf_ctx_narrow_access_ok); stores, where writable, of exactly the field.
     */
    NARROW,
    /** Exactly the whole field, loads and (where writable) stores. */
    WHOLE,
    /** A byte array such as {@code __sk_buff.cb}: aligned accesses anywhere inside it. */
    BUFFER,
    /** {@code data}: a 4-byte load that yields a packet pointer (PTR_TO_PACKET). */
    PACKET,
    /** {@code data_end}: a 4-byte load that yields PTR_TO_PACKET_END. */
    PACKET_END,
    /** {@code data_meta}: a 4-byte load that yields PTR_TO_PACKET_META. */
    PACKET_META;

    /** True for the fields whose loads yield packet pointers (rewritten to 8-byte loads after verification). */
    public boolean isPacketPointer() {
        return this == PACKET || this == PACKET_END || this == PACKET_META;
    }
}
