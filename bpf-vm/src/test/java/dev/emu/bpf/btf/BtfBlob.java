package dev.emu.bpf.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds BTF blobs for tests: types as raw u32 words, names interned into the string section. */
final class BtfBlob {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    int count;

    BtfBlob() {
        strings.write(0);
    }

    /** The name's offset in the string section (0 for ""). */
    int name(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        int off = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        strings.write(0);
        return off;
    }

    /** Appends a type: name, kind, vlen, kind_flag, size_or_type and its trailing words; returns its id. */
    int type(String name, int kind, int vlen, boolean kflag, int sizeOrType, int... data) {
        words(name(name), (kflag ? 1 << 31 : 0) | kind << 24 | vlen, sizeOrType);
        words(data);
        return ++count;
    }

    void words(int... w) {
        ByteBuffer b = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : w) {
            b.putInt(x);
        }
        types.writeBytes(b.array());
    }

    int intType(String name, int size, int encoding) {
        return type(name, BtfKind.INT, 0, false, size, encoding << 24 | size * 8);
    }

    byte[] build() {
        return build(1, 0);
    }

    /** The blob with {@code version} and {@code flags} in its header. */
    byte[] build(int version, int flags) {
        byte[] t = types.toByteArray(), s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) version).put((byte) flags).putInt(24)
                .putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
        b.put(t).put(s);
        return b.array();
    }
}
