package dev.emu.emulator.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The binding to libunicorn (C API of Unicorn 2.0.x/2.1.x) through java.lang.foreign.
 *
 * <p>Which library: {@link #LIBRARY}. Only functions present in both 2.0.1 and 2.1.x are bound
 * here; the 2.1-only controls (virtual TLB, TLB flush) are called from native code
 * ({@link VirtualTlb}). Each method mirrors one C
 * function, throws {@link UnicornException} on a non-zero {@code uc_err} (except the calls whose
 * error is an expected outcome, which return the code), and takes native pointers as
 * {@link MemorySegment}s. Constants were read from the installed 2.0.1 headers
 * ({@code /usr/include/unicorn/unicorn.h}); x86 ones are in {@link X86}.
 */
final class Unicorn {

    // uc_arch / uc_mode (unicorn.h)
    static final int UC_ARCH_X86 = 4;
    static final int UC_MODE_64 = 1 << 3;

    // uc_err (unicorn.h, enum order)
    static final int UC_ERR_OK = 0;
    static final int UC_ERR_NOMEM = 1;
    static final int UC_ERR_MAP = 11;
    static final int UC_ERR_READ_UNMAPPED = 6;
    static final int UC_ERR_WRITE_UNMAPPED = 7;
    static final int UC_ERR_FETCH_UNMAPPED = 8;
    static final int UC_ERR_INSN_INVALID = 10;
    static final int UC_ERR_WRITE_PROT = 12;
    static final int UC_ERR_READ_PROT = 13;
    static final int UC_ERR_FETCH_PROT = 14;
    static final int UC_ERR_EXCEPTION = 21;

    // uc_mem_type (unicorn.h): UC_MEM_READ = 16, then in order
    static final int UC_MEM_READ_UNMAPPED = 19;
    static final int UC_MEM_WRITE_UNMAPPED = 20;
    static final int UC_MEM_FETCH_UNMAPPED = 21;
    static final int UC_MEM_WRITE_PROT = 22;
    static final int UC_MEM_READ_PROT = 23;
    static final int UC_MEM_FETCH_PROT = 24;

    // uc_hook_type (unicorn.h)
    static final int UC_HOOK_INTR = 1;
    static final int UC_HOOK_INSN = 1 << 1;
    static final int UC_HOOK_CODE = 1 << 2;
    static final int UC_HOOK_BLOCK = 1 << 3;
    /** UC_HOOK_TLB_FILL (2.1 only: unicorn.h 2.1.4). */
    static final int UC_HOOK_TLB_FILL = 1 << 17;
    /** UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE (valid accesses). */
    static final int UC_HOOK_MEM_READ_WRITE = (1 << 10) | (1 << 11);
    /** UC_HOOK_MEM_READ_UNMAPPED | WRITE_UNMAPPED | FETCH_UNMAPPED = 112. */
    static final int UC_HOOK_MEM_UNMAPPED = (1 << 4) | (1 << 5) | (1 << 6);
    /** UC_HOOK_MEM_READ_PROT | WRITE_PROT | FETCH_PROT = 896. */
    static final int UC_HOOK_MEM_PROT = (1 << 7) | (1 << 8) | (1 << 9);

    /** uc_mem_region: {uint64 begin; uint64 end (inclusive); uint32 perms} = 24 bytes. */
    static final long MEM_REGION_SIZE = 24;

    /**
     * The one shape of every upcall Unicorn or libemuslice.so makes into Java: {@code long
     * (long, long, long, long, long, long)}. See {@link #CALL} for why one shape serves every C
     * callback type: each receives at most six integer-class arguments (rdi..r9) and returns
     * nothing or a bool/int in rax, so the Java target takes six longs, narrows the ones that are
     * C ints ({@code (int)}), ignores the registers its C type does not pass, and returns 0 or 1.
     */
    static final FunctionDescriptor UPCALL = Shapes.SIX_LONGS;

    static final Linker LINKER = Linker.nativeLinker();

    /** The Unicorn emu is tuned for, fetched by scripts/lib/deps.sh into the per-machine cache. */
    static final String PREFERRED_VERSION = "2.1.4";
    /** uc_version's encoding of 2.1.4: the first version whose fast configuration is verified. */
    static final int FAST_MEMORY_VERSION = 0x02_01_04_00;

    /** Which libunicorn.so.2 is used: a path, or the soname for the system's. */
    static final String LIBRARY = chooseLibrary();
    private static final SymbolLookup LIB = openLibrary();
    static {
        dev.emu.emulator.StartupTrace.mark("libunicorn loaded");
    }

    /*
     * Start-up (docs/performance.md, "startup"): the JVM spins a set of hidden classes for every
     * distinct FunctionDescriptor it links (~8 ms each on a cold JVM, none kept by the AOT
     * cache), so emu links three call shapes, not one handle per C prototype:
     *
     *   CALL           long f(long a1, ..., long a6)   any C function of <= 6 integer-class
     *                                                  arguments (int, pointer, uint64_t)
     *   CALL_CRITICAL  the same, without the thread-state transition, for short calls that never
     *                  call back into Java (register reads and writes: the syscall path)
     *   CALL_HEAP      long f(long uc, long addr, void *bytes, long size), critical with heap
     *                  access (uc_mem_read/uc_mem_write into Java arrays)
     *
     * SAFETY (all three): in the x86_64 System V ABI (and AArch64's AAPCS64) the first six
     * integer-class arguments travel in registers whatever their C width; a callee reads an int
     * parameter's low 32 bits and never the registers past its own parameters, which the caller
     * owns. An int result is the low 32 bits of rax, which the wrappers below narrow with
     * (int); a void function leaves rax unspecified and the wrappers ignore it. None of the
     * functions is variadic (uc_hook_add is, so it is reached through emu_hook_add, which is not).
     */
    private static final MethodHandle CALL = Calls.CALL;
    private static final MethodHandle CALL_CRITICAL = Calls.CALL_CRITICAL;
    private static final MethodHandle CALL_HEAP = Calls.CALL_HEAP;

    /** The descriptors of the shapes (cheap to make; linking them is what costs). */
    static final class Shapes {
        static final FunctionDescriptor SIX_LONGS = FunctionDescriptor.of(JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        static final FunctionDescriptor HEAP = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);

        private Shapes() {}
    }

    /**
     * The three downcall shapes, linked in a holder that needs no library: {@link UnicornPreload}
     * links them on one thread while another loads libunicorn.
     */
    static final class Calls {
        private static final Linker NATIVE = Linker.nativeLinker();
        static final MethodHandle CALL = NATIVE.downcallHandle(Shapes.SIX_LONGS);
        // Calls that never re-enter Java and are short may skip the thread-state transition.
        static final MethodHandle CALL_CRITICAL = NATIVE.downcallHandle(Shapes.SIX_LONGS, Linker.Option.critical(false));
        // SAFETY: uc_mem_read/uc_mem_write only memcpy (no callbacks); callers pass <= 1 MiB of heap.
        static final MethodHandle CALL_HEAP = NATIVE.downcallHandle(Shapes.HEAP, Linker.Option.critical(true));

        private Calls() {}
    }

    // The functions, by address (prototypes: unicorn.h 2.0.1, the same in 2.1).
    private static final MemorySegment OPEN = symbol("uc_open");
    private static final MemorySegment CLOSE = symbol("uc_close");
    private static final MemorySegment ERRNO = symbol("uc_errno");
    private static final MemorySegment STRERROR = symbol("uc_strerror");
    private static final MemorySegment VERSION = symbol("uc_version");
    private static final MemorySegment EMU_START = symbol("uc_emu_start");
    private static final MemorySegment EMU_STOP = symbol("uc_emu_stop");
    private static final MemorySegment REG_READ = symbol("uc_reg_read");
    private static final MemorySegment REG_WRITE = symbol("uc_reg_write");
    private static final MemorySegment REG_READ_BATCH = symbol("uc_reg_read_batch");
    private static final MemorySegment REG_WRITE_BATCH = symbol("uc_reg_write_batch");
    private static final MemorySegment MEM_MAP = symbol("uc_mem_map");
    private static final MemorySegment MEM_MAP_PTR = symbol("uc_mem_map_ptr");
    private static final MemorySegment MEM_UNMAP = symbol("uc_mem_unmap");
    private static final MemorySegment MEM_PROTECT = symbol("uc_mem_protect");
    private static final MemorySegment MEM_READ = symbol("uc_mem_read");
    private static final MemorySegment MEM_WRITE = symbol("uc_mem_write");
    private static final MemorySegment MEM_REGIONS = symbol("uc_mem_regions");
    private static final MemorySegment FREE = symbol("uc_free");
    private static final MemorySegment HOOK_DEL = symbol("uc_hook_del");
    private static final MemorySegment CONTEXT_ALLOC = symbol("uc_context_alloc");
    private static final MemorySegment CONTEXT_SAVE = symbol("uc_context_save");
    private static final MemorySegment CONTEXT_RESTORE = symbol("uc_context_restore");
    private static final MemorySegment CONTEXT_FREE = symbol("uc_context_free");
    private static final MemorySegment CONTEXT_REG_READ = symbol("uc_context_reg_read");
    private static final MemorySegment CONTEXT_REG_WRITE = symbol("uc_context_reg_write");

    static {
        dev.emu.emulator.StartupTrace.mark("libunicorn symbols");
    }

    /** {@code fn(a1, ..., a6)} through {@link #CALL}; unused trailing arguments are 0. */
    static long call(MemorySegment fn, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            return (long) CALL.invokeExact(fn, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long call(MemorySegment fn, long a1) {
        return call(fn, a1, 0, 0, 0, 0, 0);
    }

    static long call(MemorySegment fn, long a1, long a2) {
        return call(fn, a1, a2, 0, 0, 0, 0);
    }

    static long call(MemorySegment fn, long a1, long a2, long a3) {
        return call(fn, a1, a2, a3, 0, 0, 0);
    }

    static long call(MemorySegment fn, long a1, long a2, long a3, long a4) {
        return call(fn, a1, a2, a3, a4, 0, 0);
    }

    /** {@code fn(a1, ..., a4)} through {@link #CALL_CRITICAL}: fn must be short and never call Java. */
    private static long callCritical(MemorySegment fn, long a1, long a2, long a3, long a4) {
        try {
            return (long) CALL_CRITICAL.invokeExact(fn, a1, a2, a3, a4, 0L, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private Unicorn() {}

    /**
     * The library to load, first found of: the system property {@code emu.unicorn.lib}, the
     * environment variable {@code EMU_UNICORN_LIB} (both a path), the per-machine cache that
     * scripts/lib/deps.sh fills with the 2.1.4 wheel's library
     * ({@code $XDG_CACHE_HOME/emu/unicorn-2.1.4/} or {@code ~/.cache/emu/unicorn-2.1.4/}), and
     * the system's {@code libunicorn.so.2} (Debian: libunicorn2, 2.0.1 on Debian 12).
     */
    private static String chooseLibrary() {
        String explicit = System.getProperty("emu.unicorn.lib");
        if (explicit == null || explicit.isEmpty()) {
            explicit = System.getenv("EMU_UNICORN_LIB");
        }
        if (explicit != null && !explicit.isEmpty()) {
            return explicit;
        }
        String cache = System.getenv("XDG_CACHE_HOME");
        Path dir = cache != null && !cache.isEmpty() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        Path cached = dir.resolve("emu").resolve("unicorn-" + PREFERRED_VERSION).resolve("libunicorn.so.2");
        return Files.isRegularFile(cached) ? cached.toString() : "libunicorn.so.2";
    }

    private static SymbolLookup openLibrary() {
        try {
            // SAFETY: loads libunicorn 2 (2.0.1 or 2.1.x), whose C API the descriptors below mirror.
            return LIBRARY.contains("/")
                    ? SymbolLookup.libraryLookup(Path.of(LIBRARY), Arena.global())
                    : SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(LIBRARY + " not found: run scripts/emu once (it fetches Unicorn "
                    + PREFERRED_VERSION + ") or install Unicorn 2 (Debian: apt-get install libunicorn2)", e);
        }
    }

    /** The address of a libunicorn function, for native code that calls it (emu_native_init). */
    static MemorySegment symbol(String name) {
        return LIB.find(name).orElseThrow(() -> new IllegalStateException("libunicorn lacks " + name));
    }

    private static void check(String call, int err) {
        if (err != UC_ERR_OK) {
            throw new UnicornException(call, err, strerror(err));
        }
    }

    /** Wraps a Throwable from invokeExact: the handles declare Throwable but only rethrow. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    static String strerror(int err) {
        long s = call(STRERROR, err);
        // SAFETY: uc_strerror returns a static NUL-terminated string (never freed).
        return MemorySegment.ofAddress(s).reinterpret(1024).getString(0);
    }

    /** uc_version: (major << 24 | minor << 16 | patch << 8 | extra), as "2.0.1". */
    static String version() {
        int v = versionNumber();
        return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff);
    }

    /** uc_version's number: major << 24 | minor << 16 | patch << 8 | extra. */
    static int versionNumber() {
        return (int) call(VERSION, 0, 0);
    }

    /** uc_open(UC_ARCH_X86, UC_MODE_64): a new engine handle. */
    static MemorySegment openX86_64() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("uc_open", (int) call(OPEN, UC_ARCH_X86, UC_MODE_64, out.address()));
            return out.get(ADDRESS, 0);
        }
    }

    static void close(MemorySegment uc) {
        check("uc_close", (int) call(CLOSE, uc.address()));
    }

    static int errno(MemorySegment uc) {
        return (int) call(ERRNO, uc.address());
    }

    /** uc_emu_start; returns the uc_err (guest faults are expected outcomes, not exceptions). */
    static int emuStart(MemorySegment uc, long begin, long until, long timeoutMicros, long count) {
        return (int) call(EMU_START, uc.address(), begin, until, timeoutMicros, count, 0);
    }

    static void emuStop(MemorySegment uc) {
        check("uc_emu_stop", (int) call(EMU_STOP, uc.address()));
    }

    /** uc_reg_read into {@code value} (8 bytes for GPRs, 16 for XMM, 10 for ST). */
    static void regRead(MemorySegment uc, int regId, MemorySegment value) {
        check("uc_reg_read", (int) callCritical(REG_READ, uc.address(), regId, value.address(), 0));
    }

    static void regWrite(MemorySegment uc, int regId, MemorySegment value) {
        check("uc_reg_write", (int) callCritical(REG_WRITE, uc.address(), regId, value.address(), 0));
    }

    /** uc_reg_read_batch: {@code regs} is an int array, {@code vals} an array of pointers. */
    static void regReadBatch(MemorySegment uc, MemorySegment regs, MemorySegment vals, int count) {
        check("uc_reg_read_batch", (int) callCritical(REG_READ_BATCH, uc.address(), regs.address(), vals.address(), count));
    }

    static void regWriteBatch(MemorySegment uc, MemorySegment regs, MemorySegment vals, int count) {
        check("uc_reg_write_batch", (int) callCritical(REG_WRITE_BATCH, uc.address(), regs.address(), vals.address(), count));
    }

    static void memMap(MemorySegment uc, long address, long size, int perms) {
        check("uc_mem_map", (int) call(MEM_MAP, uc.address(), address, size, perms));
    }

    /**
     * uc_mem_map_ptr: maps [address, address + size) onto host memory at {@code hostAddress},
     * which the caller keeps alive until the range is unmapped or the engine closed.
     */
    static void memMapPtr(MemorySegment uc, long address, long size, int perms, long hostAddress) {
        check("uc_mem_map_ptr", (int) call(MEM_MAP_PTR, uc.address(), address, size, perms, hostAddress, 0));
    }

    static void memUnmap(MemorySegment uc, long address, long size) {
        check("uc_mem_unmap", (int) call(MEM_UNMAP, uc.address(), address, size));
    }

    static void memProtect(MemorySegment uc, long address, long size, int perms) {
        check("uc_mem_protect", (int) call(MEM_PROTECT, uc.address(), address, size, perms));
    }

    /**
     * uc_mem_read; returns the uc_err (an unmapped byte is the caller's BadAddressException).
     * {@code bytes} may be a heap segment (the call is critical: a memcpy that never re-enters
     * Java).
     */
    static int memRead(MemorySegment uc, long address, MemorySegment bytes, long size) {
        try {
            return (int) (long) CALL_HEAP.invokeExact(MEM_READ, uc.address(), address, bytes, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** uc_mem_write; returns the uc_err. {@code bytes} may be a heap segment. */
    static int memWrite(MemorySegment uc, long address, MemorySegment bytes, long size) {
        try {
            return (int) (long) CALL_HEAP.invokeExact(MEM_WRITE, uc.address(), address, bytes, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A mapped region: [begin, end] inclusive, with UC_PROT_* perms (same bits as PROT_*). */
    record Region(long begin, long end, int perms) {
        long size() {
            return end - begin + 1;
        }
    }

    /** uc_mem_regions, sorted by address as Unicorn keeps them. */
    static Region[] memRegions(MemorySegment uc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment outRegions = a.allocate(ADDRESS);
            MemorySegment outCount = a.allocate(JAVA_INT);
            check("uc_mem_regions", (int) call(MEM_REGIONS, uc.address(), outRegions.address(), outCount.address()));
            int count = outCount.get(JAVA_INT, 0);
            MemorySegment raw = outRegions.get(ADDRESS, 0);
            try {
                // SAFETY: uc_mem_regions returned a malloc'd array of `count` uc_mem_region structs.
                MemorySegment arr = raw.reinterpret(count * MEM_REGION_SIZE);
                Region[] out = new Region[count];
                for (int i = 0; i < count; i++) {
                    long base = i * MEM_REGION_SIZE;
                    out[i] = new Region(arr.get(JAVA_LONG, base), arr.get(JAVA_LONG, base + 8),
                            arr.get(JAVA_INT, base + 16));
                }
                return out;
            } finally {
                if (!raw.equals(MemorySegment.NULL)) {
                    check("uc_free", (int) call(FREE, raw.address()));
                }
            }
        }
    }

    /**
     * uc_hook_add over all addresses (begin 1 > end 0 means "everywhere"); returns the hook handle.
     *
     * @param insn the instruction id for UC_HOOK_INSN, ignored by other hook types
     */
    static long hookAdd(MemorySegment uc, int type, MemorySegment callback, MemorySegment userData, int insn) {
        return hookAdd(uc, type, callback, userData, 1L, 0L, insn);
    }

    /**
     * uc_hook_add for addresses [begin, end] (inclusive); returns the hook handle. uc_hook_add is
     * variadic (the instruction id for UC_HOOK_INSN is the first variadic argument), so the call
     * goes through emu_hook_add in libemuslice.so, which takes the range and the id in an array.
     */
    static long hookAdd(MemorySegment uc, int type, MemorySegment callback, MemorySegment userData,
                        long begin, long end, int insn) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hh = a.allocate(JAVA_LONG); // uc_hook is size_t
            MemorySegment args = a.allocate(JAVA_LONG, 3);
            args.setAtIndex(JAVA_LONG, 0, begin);
            args.setAtIndex(JAVA_LONG, 1, end);
            args.setAtIndex(JAVA_LONG, 2, insn);
            check("uc_hook_add", (int) call(SliceCounter.HOOK_ADD, uc.address(), hh.address(), type,
                    callback.address(), userData.address(), args.address()));
            return hh.get(JAVA_LONG, 0);
        }
    }

    static void hookDel(MemorySegment uc, long hook) {
        check("uc_hook_del", (int) call(HOOK_DEL, uc.address(), hook));
    }

    static MemorySegment contextAlloc(MemorySegment uc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("uc_context_alloc", (int) call(CONTEXT_ALLOC, uc.address(), out.address()));
            return out.get(ADDRESS, 0);
        }
    }

    static void contextSave(MemorySegment uc, MemorySegment context) {
        check("uc_context_save", (int) call(CONTEXT_SAVE, uc.address(), context.address()));
    }

    static void contextRestore(MemorySegment uc, MemorySegment context) {
        check("uc_context_restore", (int) call(CONTEXT_RESTORE, uc.address(), context.address()));
    }

    static void contextFree(MemorySegment context) {
        check("uc_context_free", (int) call(CONTEXT_FREE, context.address()));
    }

    static void contextRegRead(MemorySegment context, int regId, MemorySegment value) {
        check("uc_context_reg_read", (int) callCritical(CONTEXT_REG_READ, context.address(), regId, value.address(), 0));
    }

    static void contextRegWrite(MemorySegment context, int regId, MemorySegment value) {
        check("uc_context_reg_write", (int) callCritical(CONTEXT_REG_WRITE, context.address(), regId, value.address(), 0));
    }
}
