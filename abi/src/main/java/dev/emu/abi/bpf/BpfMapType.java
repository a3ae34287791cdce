package dev.emu.abi.bpf;

/** Linux map type ids ({@code enum bpf_map_type} in include/uapi/linux/bpf.h). Pure numbers. */
public final class BpfMapType {
    private BpfMapType() {}

    public static final int UNSPEC = 0;
    public static final int HASH = 1;
    public static final int ARRAY = 2;
    public static final int PROG_ARRAY = 3;
    public static final int PERF_EVENT_ARRAY = 4;
    public static final int PERCPU_HASH = 5;
    public static final int PERCPU_ARRAY = 6;
    public static final int STACK_TRACE = 7;
    public static final int CGROUP_ARRAY = 8;
    public static final int LRU_HASH = 9;
    public static final int LRU_PERCPU_HASH = 10;
    public static final int LPM_TRIE = 11;
    public static final int ARRAY_OF_MAPS = 12;
    public static final int HASH_OF_MAPS = 13;
    public static final int QUEUE = 22;
    public static final int STACK = 23;
    public static final int RINGBUF = 27;
    public static final int BLOOM_FILTER = 30;
    public static final int USER_RINGBUF = 31;
}
