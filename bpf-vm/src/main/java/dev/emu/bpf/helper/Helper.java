package dev.emu.bpf.helper;

import java.util.List;

/**
 * A helper function as data: Linux id and name, return and argument types (which the verifier
 * reads), and a body that runs it. Bodies trust the verifier for types but never for memory:
 * every pointer goes through the run's {@link dev.emu.bpf.interp.MemoryMap}.
 *
 * @param id Linux helper id ({@link dev.emu.abi.bpf.BpfHelperId})
 * @param name Linux name without the {@code bpf_} prefix
 * @param ret return type
 * @param args argument types, r1 first (at most 5)
 * @param body the implementation
 */
public record Helper(int id, String name, RetType ret, List<ArgType> args, Body body) {

    /** A helper implementation: r1..r5 in, r0 out. */
    @FunctionalInterface
    public interface Body {
        /** Runs the helper; throws {@link dev.emu.bpf.interp.VmFault} for a bad argument. */
        long call(HelperContext ctx, long r1, long r2, long r3, long r4, long r5);
    }
}
