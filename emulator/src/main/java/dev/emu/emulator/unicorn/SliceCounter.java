package dev.emu.emulator.unicorn;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.VarHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The block counter and budget of one platform, shared by all its engines, and the native
 * UC_HOOK_BLOCK callback that maintains them (emulator/src/main/c/emu_slice.c).
 *
 * <pre>
 *   struct emu_slice {            offset
 *       int64_t blocks;           0   total blocks executed by every engine (workDone)
 *       int64_t budget;           8   blocks left in the current run() slice
 *       int32_t exhausted;        16  set by the hook when it stopped the engine
 *       int32_t stop_requested;   20  set from another thread to interrupt
 *   };
 * </pre>
 */
final class SliceCounter {
    private static final long BLOCKS = 0;
    private static final long BUDGET = 8;
    private static final long EXHAUSTED = 16;
    private static final long STOP_REQUESTED = 20;
    private static final long SIZE = 24;

    private static final String RESOURCE = "/native/libemuslice.so";
    private static final VarHandle INT_HANDLE = JAVA_INT.varHandle();

    private static final SymbolLookup LIB = loadLibrary();

    static {
        // libemuslice.so calls libunicorn through these pointers (it is not linked against it),
        // so the hooks use the library Java loaded (Unicorn.LIBRARY).
        // SAFETY: void emu_native_init(void *uc_emu_stop, void *uc_ctl, void *uc_hook_add),
        // emu_slice.c; the pointers are functions of the libunicorn that stays loaded for the
        // JVM's lifetime.
        Unicorn.call(symbol("emu_native_init"), Unicorn.symbol("uc_emu_stop").address(),
                Unicorn.symbol("uc_ctl").address(), Unicorn.symbol("uc_hook_add").address());
    }
    /** Address of emu_hook_add: uc_hook_add with its range and instruction id in an array. */
    static final MemorySegment HOOK_ADD = symbol("emu_hook_add");
    /** Address of emu_slice_block_hook in libemuslice.so. */
    static final MemorySegment BLOCK_HOOK = symbol("emu_slice_block_hook");
    /** Address of emu_slice_sync_pc_hook: a memory hook that never matches (precise fault RIP). */
    static final MemorySegment SYNC_PC_HOOK = symbol("emu_slice_sync_pc_hook");

    private final MemorySegment state;

    SliceCounter() {
        // Freed when the platform and all its address spaces (which hold this object while
        // their engines point at the struct) are unreachable.
        state = Arena.ofAuto().allocate(SIZE, 8);
    }

    /** The struct's address, the hook's user_data. */
    MemorySegment address() {
        return state;
    }

    /** The address of the budget field, which the TLB-fill hook zeroes to end a slice early. */
    MemorySegment budgetAddress() {
        return state.asSlice(BUDGET, 8);
    }

    /** Blocks left in the current slice. */
    long budget() {
        return state.get(JAVA_LONG, BUDGET);
    }

    /** Ends the current slice before the next block (the emulation thread only). */
    void endSliceAtNextBlock() {
        state.set(JAVA_LONG, BUDGET, 0);
    }

    long blocks() {
        return state.get(JAVA_LONG, BLOCKS);
    }

    /** Starts a slice: sets the budget and clears the exhausted flag. */
    void startSlice(long budget) {
        state.set(JAVA_LONG, BUDGET, budget);
        state.set(JAVA_INT, EXHAUSTED, 0);
    }

    boolean exhausted() {
        return state.get(JAVA_INT, EXHAUSTED) != 0;
    }

    /** Asks the hook to stop at the next block; safe from any thread. Sticky. */
    void requestStop() {
        INT_HANDLE.setVolatile(state, STOP_REQUESTED, 1);
    }

    boolean stopRequested() {
        return (int) INT_HANDLE.getVolatile(state, STOP_REQUESTED) != 0;
    }

    void clearStopRequest() {
        INT_HANDLE.setVolatile(state, STOP_REQUESTED, 0);
    }

    static MemorySegment symbol(String name) {
        return LIB.find(name).orElseThrow(() -> new IllegalStateException("libemuslice.so lacks " + name));
    }

    /**
     * Opens libemuslice.so from the classpath: directly when it is a file (target/classes), else
     * the copy the build leaves beside the jar (target/native, saving an extraction on every
     * start), else extracted from the jar to a temporary file.
     */
    private static SymbolLookup loadLibrary() {
        URL url = SliceCounter.class.getResource(RESOURCE);
        if (url == null) {
            throw new IllegalStateException("native library " + RESOURCE + " is not on the classpath: "
                    + "build it with `make -C emulator/src/main/c OUT=emulator/target/native`");
        }
        Path path;
        try {
            Path besideJar = besideJar();
            if ("file".equals(url.getProtocol())) {
                path = Path.of(url.toURI());
            } else if (besideJar != null) {
                path = besideJar;
            } else {
                path = Files.createTempFile("libemuslice", ".so");
                path.toFile().deleteOnExit();
                try (InputStream in = url.openStream()) {
                    Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + RESOURCE, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        // SAFETY: our own emu_slice.c, built by emulator/src/main/c/Makefile for this layout.
        return SymbolLookup.libraryLookup(path, Arena.global());
    }

    /** native/libemuslice.so next to the jar this class came from, if it is there and not older than the jar. */
    private static Path besideJar() {
        try {
            var source = SliceCounter.class.getProtectionDomain().getCodeSource();
            if (source == null || !source.getLocation().getPath().endsWith(".jar")) {
                return null;
            }
            Path jar = Path.of(source.getLocation().toURI());
            Path lib = jar.resolveSibling("native").resolve("libemuslice.so");
            return Files.isRegularFile(lib)
                    && Files.getLastModifiedTime(lib).compareTo(Files.getLastModifiedTime(jar)) <= 0 ? lib : null;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
