package dev.emu.emulator.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
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

    /** Callback signature of UC_HOOK_INSN for syscall: void (uc_engine *uc, void *user_data). */
    static final FunctionDescriptor HOOK_SYSCALL = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
    /** UC_HOOK_INTR: void (uc_engine *uc, uint32_t intno, void *user_data). */
    static final FunctionDescriptor HOOK_INTR = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS);
    /**
     * UC_HOOK_MEM_*: bool (uc_engine *uc, uc_mem_type type, uint64_t address, int size,
     * int64_t value, void *user_data).
     */
    static final FunctionDescriptor HOOK_MEM =
            FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS);

    static final Linker LINKER = Linker.nativeLinker();

    /** The Unicorn emu is tuned for, fetched by scripts/lib/deps.sh into the per-machine cache. */
    static final String PREFERRED_VERSION = "2.1.4";
    /** uc_version's encoding of 2.1.4: the first version whose fast configuration is verified. */
    static final int FAST_MEMORY_VERSION = 0x02_01_04_00;

    /** Which libunicorn.so.2 is used: a path, or the soname for the system's. */
    static final String LIBRARY = chooseLibrary();
    private static final SymbolLookup LIB = openLibrary();

    // Calls that never re-enter Java and are short may skip the thread-state transition.
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);
    // SAFETY: uc_mem_read/uc_mem_write only memcpy (no callbacks); callers pass <= 1 MiB of heap.
    private static final Linker.Option CRITICAL_HEAP = Linker.Option.critical(true);

    private static final MethodHandle OPEN = handle("uc_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle CLOSE = handle("uc_close", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ERRNO = handle("uc_errno", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle STRERROR = handle("uc_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle VERSION = handle("uc_version", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle EMU_START = handle("uc_emu_start",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle EMU_STOP = handle("uc_emu_stop", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle REG_READ = handle("uc_reg_read",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), CRITICAL);
    private static final MethodHandle REG_WRITE = handle("uc_reg_write",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), CRITICAL);
    private static final MethodHandle REG_READ_BATCH = handle("uc_reg_read_batch",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), CRITICAL);
    private static final MethodHandle REG_WRITE_BATCH = handle("uc_reg_write_batch",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), CRITICAL);
    private static final MethodHandle MEM_MAP = handle("uc_mem_map",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MEM_UNMAP = handle("uc_mem_unmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MEM_PROTECT = handle("uc_mem_protect",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MEM_READ = handle("uc_mem_read",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG), CRITICAL_HEAP);
    private static final MethodHandle MEM_WRITE = handle("uc_mem_write",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG), CRITICAL_HEAP);
    private static final MethodHandle MEM_REGIONS = handle("uc_mem_regions",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FREE = handle("uc_free", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // uc_hook_add is variadic: the 8th argument (the instruction id for UC_HOOK_INSN) is the
    // first variadic one. Other hook types ignore it, so every call passes it.
    private static final MethodHandle HOOK_ADD = handle("uc_hook_add",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG,
                    JAVA_INT),
            Linker.Option.firstVariadicArg(7));
    private static final MethodHandle HOOK_DEL = handle("uc_hook_del", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CONTEXT_ALLOC = handle("uc_context_alloc",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CONTEXT_SAVE = handle("uc_context_save",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CONTEXT_RESTORE = handle("uc_context_restore",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CONTEXT_FREE = handle("uc_context_free", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle CONTEXT_REG_READ = handle("uc_context_reg_read",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), CRITICAL);
    private static final MethodHandle CONTEXT_REG_WRITE = handle("uc_context_reg_write",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), CRITICAL);

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

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment fn = symbol(name);
        // SAFETY: each descriptor was written from the prototype in unicorn.h 2.0.1 (same in 2.1).
        return LINKER.downcallHandle(fn, fd, options);
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
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(err);
            // SAFETY: uc_strerror returns a static NUL-terminated string (never freed).
            return s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** uc_version: (major << 24 | minor << 16 | patch << 8 | extra), as "2.0.1". */
    static String version() {
        int v = versionNumber();
        return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff);
    }

    /** uc_version's number: major << 24 | minor << 16 | patch << 8 | extra. */
    static int versionNumber() {
        try {
            return (int) VERSION.invokeExact(MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** uc_open(UC_ARCH_X86, UC_MODE_64): a new engine handle. */
    static MemorySegment openX86_64() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("uc_open", (int) OPEN.invokeExact(UC_ARCH_X86, UC_MODE_64, out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void close(MemorySegment uc) {
        try {
            check("uc_close", (int) CLOSE.invokeExact(uc));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int errno(MemorySegment uc) {
        try {
            return (int) ERRNO.invokeExact(uc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** uc_emu_start; returns the uc_err (guest faults are expected outcomes, not exceptions). */
    static int emuStart(MemorySegment uc, long begin, long until, long timeoutMicros, long count) {
        try {
            return (int) EMU_START.invokeExact(uc, begin, until, timeoutMicros, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void emuStop(MemorySegment uc) {
        try {
            check("uc_emu_stop", (int) EMU_STOP.invokeExact(uc));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** uc_reg_read into {@code value} (8 bytes for GPRs, 16 for XMM, 10 for ST). */
    static void regRead(MemorySegment uc, int regId, MemorySegment value) {
        try {
            check("uc_reg_read", (int) REG_READ.invokeExact(uc, regId, value));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void regWrite(MemorySegment uc, int regId, MemorySegment value) {
        try {
            check("uc_reg_write", (int) REG_WRITE.invokeExact(uc, regId, value));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** uc_reg_read_batch: {@code regs} is an int array, {@code vals} an array of pointers. */
    static void regReadBatch(MemorySegment uc, MemorySegment regs, MemorySegment vals, int count) {
        try {
            check("uc_reg_read_batch", (int) REG_READ_BATCH.invokeExact(uc, regs, vals, count));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void regWriteBatch(MemorySegment uc, MemorySegment regs, MemorySegment vals, int count) {
        try {
            check("uc_reg_write_batch", (int) REG_WRITE_BATCH.invokeExact(uc, regs, vals, count));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void memMap(MemorySegment uc, long address, long size, int perms) {
        try {
            check("uc_mem_map", (int) MEM_MAP.invokeExact(uc, address, size, perms));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void memUnmap(MemorySegment uc, long address, long size) {
        try {
            check("uc_mem_unmap", (int) MEM_UNMAP.invokeExact(uc, address, size));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void memProtect(MemorySegment uc, long address, long size, int perms) {
        try {
            check("uc_mem_protect", (int) MEM_PROTECT.invokeExact(uc, address, size, perms));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * uc_mem_read; returns the uc_err (an unmapped byte is the caller's BadAddressException).
     * {@code bytes} may be a heap segment (the call is critical: a memcpy that never re-enters
     * Java).
     */
    static int memRead(MemorySegment uc, long address, MemorySegment bytes, long size) {
        try {
            return (int) MEM_READ.invokeExact(uc, address, bytes, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** uc_mem_write; returns the uc_err. {@code bytes} may be a heap segment. */
    static int memWrite(MemorySegment uc, long address, MemorySegment bytes, long size) {
        try {
            return (int) MEM_WRITE.invokeExact(uc, address, bytes, size);
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
            check("uc_mem_regions", (int) MEM_REGIONS.invokeExact(uc, outRegions, outCount));
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
                    check("uc_free", (int) FREE.invokeExact(raw));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
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

    /** uc_hook_add for addresses [begin, end] (inclusive); returns the hook handle. */
    static long hookAdd(MemorySegment uc, int type, MemorySegment callback, MemorySegment userData,
                        long begin, long end, int insn) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hh = a.allocate(JAVA_LONG); // uc_hook is size_t
            check("uc_hook_add", (int) HOOK_ADD.invokeExact(uc, hh, type, callback, userData, begin, end, insn));
            return hh.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void hookDel(MemorySegment uc, long hook) {
        try {
            check("uc_hook_del", (int) HOOK_DEL.invokeExact(uc, hook));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment contextAlloc(MemorySegment uc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("uc_context_alloc", (int) CONTEXT_ALLOC.invokeExact(uc, out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void contextSave(MemorySegment uc, MemorySegment context) {
        try {
            check("uc_context_save", (int) CONTEXT_SAVE.invokeExact(uc, context));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void contextRestore(MemorySegment uc, MemorySegment context) {
        try {
            check("uc_context_restore", (int) CONTEXT_RESTORE.invokeExact(uc, context));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void contextFree(MemorySegment context) {
        try {
            check("uc_context_free", (int) CONTEXT_FREE.invokeExact(context));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void contextRegRead(MemorySegment context, int regId, MemorySegment value) {
        try {
            check("uc_context_reg_read", (int) CONTEXT_REG_READ.invokeExact(context, regId, value));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void contextRegWrite(MemorySegment context, int regId, MemorySegment value) {
        try {
            check("uc_context_reg_write", (int) CONTEXT_REG_WRITE.invokeExact(context, regId, value));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
