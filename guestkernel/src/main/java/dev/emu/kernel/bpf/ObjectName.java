package dev.emu.kernel.bpf;

import java.nio.charset.StandardCharsets;

/** bpf_obj_name_cpy (kernel/bpf/syscall.c): the 16-byte map_name / prog_name fields. */
final class ObjectName {
    private ObjectName() {}

    /**
     * The name in {@code raw} (BPF_OBJ_NAME_LEN bytes), or null if it is invalid: no NUL inside
     * the 16 bytes, or a character other than [A-Za-z0-9_.].
     */
    static String parse(byte[] raw) {
        StringBuilder sb = new StringBuilder();
        for (byte b : raw) {
            if (b == 0) {
                return sb.toString();
            }
            char c = (char) (b & 0xff);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_' && c != '.') {
                return null;
            }
            sb.append(c);
        }
        return null;
    }

    /** The name as the NUL-padded 16-byte field of bpf_map_info / bpf_prog_info. */
    static byte[] toField(String name) {
        byte[] out = new byte[16];
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, 0, Math.min(b.length, 15));
        return out;
    }
}
