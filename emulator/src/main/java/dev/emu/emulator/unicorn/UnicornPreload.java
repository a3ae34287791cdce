package dev.emu.emulator.unicorn;

import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Start-up (docs/performance.md, "startup"): the one-time costs of the Unicorn platform run on a
 * second thread while {@code emu run} parses its arguments and boots the kernel, which need no
 * engine. They are the {@code dlopen} of libunicorn and libemuslice.so, the static initialisers
 * of {@link Unicorn} and {@link SliceCounter} (FFM links emu's three downcall shapes: hidden
 * classes the AOT cache does not keep), the upcall shape (FFM caches it per descriptor, so the
 * first engine's stubs find it linked), and a first {@code uc_open}/{@code uc_close}, which pages
 * in the library's code and data.
 *
 * <p>Two threads: one loads the libraries, the other links the call shapes (which need no
 * library), so on two CPUs the two halves overlap each other and the kernel's boot.
 *
 * <p>{@link #await} (the {@link UnicornPlatform} constructor) waits for that work and rethrows
 * what it threw, so a missing library fails as it did without the preload. Without {@link #start}
 * nothing runs in the background and the work happens on first use, as before.
 */
public final class UnicornPreload {
    private static Thread thread;
    private static Thread linker;
    private static Throwable failure;

    private UnicornPreload() {}

    /** Starts the background work once; later calls do nothing. */
    public static synchronized void start() {
        if (thread == null) {
            linker = Thread.ofPlatform().daemon().name("emu-ffm-preload").start(UnicornPreload::link);
            thread = Thread.ofPlatform().daemon().name("emu-unicorn-preload").start(UnicornPreload::load);
        }
    }

    /** Waits for the work {@link #start} began, if any, and rethrows its failure. */
    static void await() {
        Thread t;
        Thread l;
        synchronized (UnicornPreload.class) {
            t = thread;
            l = linker;
        }
        if (t == null) {
            return;
        }
        joinUninterruptibly(t);
        joinUninterruptibly(l);
        Throwable f;
        synchronized (UnicornPreload.class) {
            f = failure;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f instanceof RuntimeException r) {
            throw r;
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The libraries, the classes that hold their symbols, a first engine. */
    private static void load() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            lookup.ensureInitialized(SliceCounter.class); // and Unicorn: both libraries
            lookup.ensureInitialized(VirtualTlb.class);
            lookup.ensureInitialized(UnicornAddressSpace.class);
            Unicorn.close(Unicorn.openX86_64());
            dev.emu.emulator.StartupTrace.mark("preload: libraries loaded, an engine opened and closed");
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** The call shapes, which need no library: FFM caches each (descriptor, options) once linked. */
    private static void link() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            lookup.ensureInitialized(Unicorn.Calls.class);
            MethodHandle noop = lookup.findStatic(UnicornPreload.class, "noopUpcall", MethodType.methodType(
                    long.class, long.class, long.class, long.class, long.class, long.class, long.class));
            try (Arena arena = Arena.ofConfined()) {
                // SAFETY: the stub is never called; it only links the upcall shape.
                java.lang.foreign.Linker.nativeLinker().upcallStub(noop, Unicorn.Shapes.SIX_LONGS, arena);
            }
            dev.emu.emulator.StartupTrace.mark("preload: call shapes linked");
        } catch (Throwable t) {
            fail(t);
        }
    }

    private static synchronized void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    @SuppressWarnings("unused") // the target of the warm-up stub
    private static long noopUpcall(long a1, long a2, long a3, long a4, long a5, long a6) {
        return 0;
    }
}
