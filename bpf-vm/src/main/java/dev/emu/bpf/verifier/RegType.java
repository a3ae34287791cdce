package dev.emu.bpf.verifier;

/** Register types the verifier tracks (cf. Linux's enum bpf_reg_type), with Linux's names for the log. */
enum RegType {
    NOT_INIT("?"),
    SCALAR("scalar"),
    PTR_TO_CTX("ctx"),
    PTR_TO_STACK("fp"),
    PTR_TO_MAP_VALUE("map_value"),
    PTR_TO_MAP_VALUE_OR_NULL("map_value_or_null"),
    CONST_PTR_TO_MAP("map_ptr"),
    PTR_TO_MEM("ringbuf_mem"),
    PTR_TO_MEM_OR_NULL("ringbuf_mem_or_null"),
    /** A subprogram from lddw BPF_PSEUDO_FUNC; {@code RegState.off} is its entry instruction. */
    PTR_TO_FUNC("func"),
    PTR_TO_PACKET("pkt"),
    PTR_TO_PACKET_META("pkt_meta"),
    PTR_TO_PACKET_END("pkt_end");

    final String linuxName;

    RegType(String linuxName) {
        this.linuxName = linuxName;
    }

    boolean isPointer() {
        return this != NOT_INIT && this != SCALAR;
    }

    boolean maybeNull() {
        return this == PTR_TO_MAP_VALUE_OR_NULL || this == PTR_TO_MEM_OR_NULL;
    }
}
