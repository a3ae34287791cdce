package dev.emu.bpf.map;

/** Linux's map hashing for code outside this package (the batch commands' bucket order). */
public final class MapHashing {
    private MapHashing() {}

    /** jhash(key, key_size, seed): htab_map_hash. */
    public static int jhash(byte[] key, int seed) {
        return Jhash.jhash(key, 0, key.length, seed);
    }
}
