package dev.emu.kernel.limits;

/**
 * The guest's memory budget (`emu run --memory`): one per kernel, like the memory cgroup a
 * container runs in. Every allocation the guest can cause is charged here before it is made:
 * committed anonymous memory (brk, writable private mappings, the image, a stack's top), pages
 * of MAP_NORESERVE mappings and of stacks as they are first touched, page tables, each
 * process's engine, each thread, pipe buffers, BPF maps and programs. A charge that does not
 * fit fails, and the caller returns the errno Linux gives (ENOMEM, or the OOM kill for a
 * touched page).
 *
 * <p>Charges that live on the Java heap (pipe buffers, BPF maps and programs) must also fit in
 * {@link #heapLimit()}, a share of the JVM's own maximum heap, so that the guest's limit trips
 * before the JVM's.
 */
public final class MemoryAccountant {
    /** Page tables: x86-64 spends one 8-byte entry per 4 KiB page, 1/512 of what it maps. */
    public static final int PAGE_TABLE_SHIFT = 9;
    /**
     * What one process costs the host beyond its pages: a Unicorn engine (its translation cache,
     * soft TLB and bookkeeping) and the kernel's structures: ~3.5 MiB of RSS per process in a
     * fork bomb of the memlimits test program, rounded up.
     */
    public static final long PROCESS_COST = 4L << 20;
    /**
     * What one thread (task) costs: its saved Unicorn context (5.5 KiB for x86-64) and the
     * kernel's Task, rounded up to Linux's THREAD_SIZE.
     */
    public static final long TASK_COST = 16L << 10;
    /** Linux's THREAD_SIZE on x86-64 (a kernel stack), the unit of threads-max. */
    public static final long THREAD_SIZE = 16L << 10;

    private final long limit;
    private final long heapLimit;
    private long charged;
    private long heapCharged;
    private long peak;

    /**
     * @param limit bytes the guest may use in total
     * @param heapLimit bytes of that which may live on the Java heap
     */
    public MemoryAccountant(long limit, long heapLimit) {
        if (limit <= 0 || heapLimit < 0) {
            throw new IllegalArgumentException("memory limit " + limit + ", heap limit " + heapLimit);
        }
        this.limit = limit;
        this.heapLimit = heapLimit;
    }

    /** An accountant for {@code limit} bytes whose heap share is half of this JVM's maximum heap. */
    public static MemoryAccountant of(long limit) {
        return new MemoryAccountant(limit, Math.min(limit, Runtime.getRuntime().maxMemory() / 2));
    }

    /** Bytes of mapped memory plus its page tables. */
    public static long withPageTables(long bytes) {
        return bytes + (bytes >>> PAGE_TABLE_SHIFT);
    }

    /** Charges {@code bytes} of host memory; false (and nothing charged) when it does not fit. */
    public boolean tryCharge(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative charge " + bytes);
        }
        if (bytes > limit - charged) {
            return false;
        }
        charged += bytes;
        peak = Math.max(peak, charged);
        return true;
    }

    /** Charges {@code bytes} that will live on the Java heap; false when it does not fit. */
    public boolean tryChargeHeap(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative charge " + bytes);
        }
        if (bytes > heapLimit - heapCharged || !tryCharge(bytes)) {
            return false;
        }
        heapCharged += bytes;
        return true;
    }

    /** Returns a charge made with {@link #tryCharge}. */
    public void uncharge(long bytes) {
        if (bytes < 0 || bytes > charged) {
            throw new IllegalStateException("uncharge of " + bytes + " with " + charged + " charged");
        }
        charged -= bytes;
    }

    /** Returns a charge made with {@link #tryChargeHeap}. */
    public void unchargeHeap(long bytes) {
        if (bytes > heapCharged) {
            throw new IllegalStateException("heap uncharge of " + bytes + " with " + heapCharged + " charged");
        }
        heapCharged -= bytes;
        uncharge(bytes);
    }

    /** The guest's limit in bytes (--memory). */
    public long limit() {
        return limit;
    }

    public long heapLimit() {
        return heapLimit;
    }

    /** Bytes charged now. */
    public long charged() {
        return charged;
    }

    /** The most ever charged at once. */
    public long peak() {
        return peak;
    }

    /**
     * kernel.threads-max for this budget, as Linux's set_max_threads sizes it from RAM: at most
     * 1/8 of memory in thread structures of THREAD_SIZE (16 KiB), i.e. one thread per 128 KiB,
     * between MIN_THREADS (20) and FUTEX_TID_MASK. A thread costs emu about {@link #TASK_COST}
     * (measured: ~18 KiB of host RSS per extra thread, 10000 threads alive at once), so this is
     * what Linux would allow on a machine with {@code --memory} of RAM.
     */
    public int maxThreads() {
        return (int) Math.max(20, Math.min(0x3fff_ffff, limit / (8 * THREAD_SIZE)));
    }

    /**
     * The most processes (live and zombie, as a pids cgroup counts them) the guest may have: at
     * most half of the budget in processes' engines ({@link #PROCESS_COST} each), so that a fork
     * bomb stops with EAGAIN before it reaches the memory limit.
     */
    public int maxProcesses() {
        return (int) Math.max(20, Math.min(0x3fff_ffff, limit / 2 / PROCESS_COST));
    }

    @Override
    public String toString() {
        return "MemoryAccountant{" + (charged >> 10) + " KiB of " + (limit >> 10) + " KiB, heap "
                + (heapCharged >> 10) + " KiB of " + (heapLimit >> 10) + " KiB}";
    }
}
