package dev.emu.bpf.map;

/**
 * Bob Jenkins' lookup3 hash as Linux's include/linux/jhash.h computes it (jhash; jhash2 over
 * little-endian words gives the same values), so hash-based maps can place elements as Linux does.
 */
final class Jhash {
    private Jhash() {}

    private static final int INITVAL = 0xdeadbeef;

    /** jhash(key[off..off+len), len, initval). */
    static int jhash(byte[] k, int off, int len, int initval) {
        int a = INITVAL + len + initval, b = a, c = a;
        int i = off;
        while (len > 12) {
            a += word(k, i);
            b += word(k, i + 4);
            c += word(k, i + 8);
            // __jhash_mix
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            len -= 12;
            i += 12;
        }
        if (len == 0) {
            return c;
        }
        int[] abc = {a, b, c};
        for (int j = len - 1; j >= 0; j--) {
            abc[j / 4] += (k[i + j] & 0xff) << (8 * (j % 4));
        }
        a = abc[0];
        b = abc[1];
        c = abc[2];
        // __jhash_final
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    private static int word(byte[] k, int i) {
        return (k[i] & 0xff) | (k[i + 1] & 0xff) << 8 | (k[i + 2] & 0xff) << 16 | (k[i + 3] & 0xff) << 24;
    }
}
