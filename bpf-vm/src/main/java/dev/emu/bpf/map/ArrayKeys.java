package dev.emu.bpf.map;

/**
 * The u32 keys of the array-indexed map types (array, per-CPU array, array of maps, perf event
 * array): the index a key names, and Linux's array_map_get_next_key walk over them.
 */
final class ArrayKeys {
    private ArrayKeys() {}

    /** The little-endian u32 in the key's first four bytes (compare it unsigned). */
    static int index(byte[] key) {
        return (key[0] & 0xff) | (key[1] & 0xff) << 8 | (key[2] & 0xff) << 16 | (key[3] & 0xff) << 24;
    }

    /**
     * array_map_get_next_key: no key, or one past the end, restarts at index 0; otherwise the next
     * index. Writes it to {@code nextKeyOut}; false (ENOENT for the caller) after the last index.
     */
    static boolean nextKey(byte[] key, int maxEntries, byte[] nextKeyOut) {
        int next = 0;
        if (key != null && Integer.compareUnsigned(index(key), maxEntries) < 0) {
            if (index(key) == maxEntries - 1) {
                return false;
            }
            next = index(key) + 1;
        }
        nextKeyOut[0] = (byte) next;
        nextKeyOut[1] = (byte) (next >>> 8);
        nextKeyOut[2] = (byte) (next >>> 16);
        nextKeyOut[3] = (byte) (next >>> 24);
        return true;
    }
}
