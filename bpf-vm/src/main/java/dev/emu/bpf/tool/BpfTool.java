package dev.emu.bpf.tool;

import dev.emu.bpf.asm.AsmException;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.asm.Disassembler;
import dev.emu.bpf.helper.StandaloneEnvironment;
import dev.emu.bpf.interp.ExecutionEngine;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.Interpreter;
import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.isa.InstructionCodec;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.load.MapResolver;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The logic of {@code emu bpf asm|disasm|exec}, as static methods returning an exit status and
 * writing to the given streams (the picocli wiring lives in {@code emulator/}).
 */
public final class BpfTool {
    private BpfTool() {}

    /**
     * {@code emu bpf asm FILE [--hex]}: assembles FILE; writes the program as raw little-endian
     * bytes, or with {@code hex} as one line of space-separated hex bytes (the exec input format).
     *
     * @return 0, or 1 with the error (naming the line) on {@code err}
     */
    public static int asm(Path file, boolean hex, PrintStream out, PrintStream err) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            err.println("emu bpf asm: cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        List<Instruction> insns;
        try {
            insns = Assembler.assemble(text);
        } catch (AsmException e) {
            err.println(file + ":" + e.getMessage());
            return 1;
        }
        byte[] bytes = InstructionCodec.encode(insns);
        if (hex) {
            out.println(toHex(bytes));
        } else {
            out.write(bytes, 0, bytes.length);
        }
        out.flush();
        return 0;
    }

    /**
     * {@code emu bpf disasm FILE}: disassembles FILE, which holds raw instruction bytes or (if it
     * is text of hex digits and whitespace) space-separated hex bytes.
     */
    public static int disasm(Path file, PrintStream out, PrintStream err) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            err.println("emu bpf disasm: cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        String asText = new String(raw, StandardCharsets.ISO_8859_1);
        if (!asText.isBlank() && asText.matches("(?s)[0-9a-fA-F\\s]+") && asText.trim().contains(" ")) {
            try {
                raw = parseHex(asText);
            } catch (IllegalArgumentException e) {
                err.println("emu bpf disasm: " + e.getMessage());
                return 1;
            }
        }
        if (raw.length % InstructionCodec.SLOT_SIZE != 0) {
            err.println("emu bpf disasm: " + file + ": length " + raw.length + " is not a multiple of 8");
            return 1;
        }
        out.print(Disassembler.disassemble(InstructionCodec.decode(raw)));
        out.flush();
        return 0;
    }

    /**
     * {@code emu bpf exec [--interpret] [MEM]}: the bpf_conformance plugin protocol. The program is
     * one line of space-separated hex bytes (8 per instruction); {@code memHex}, if not null, is
     * the input memory as space-separated hex bytes; r1 points at it and r2 holds its length. On
     * success prints r0 as lowercase hex without prefix and returns 0; on a refused or faulting
     * program prints the reason on {@code err} and returns 1.
     *
     * @param interpret select the interpreter (default: the JIT)
     */
    public static int exec(String programHexLine, String memHex, boolean interpret, PrintStream out, PrintStream err) {
        byte[] prog;
        byte[] mem;
        try {
            prog = parseHex(programHexLine == null ? "" : programHexLine);
            mem = memHex == null ? new byte[0] : parseHex(memHex);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (prog.length % InstructionCodec.SLOT_SIZE != 0) {
            err.println("program length " + prog.length + " is not a multiple of 8");
            return 1;
        }
        LoadResult lr = LoadedProgram.load(InstructionCodec.decode(prog), MapResolver.NONE);
        if (lr instanceof LoadResult.Refused refused) {
            err.println("program refused: " + refused.message());
            return 1;
        }
        LoadedProgram p = ((LoadResult.Loaded) lr).program();
        ExecutionEngine engine = interpret ? new Interpreter() : new dev.emu.bpf.jit.JitEngine();
        ExecutionResult res = engine.run(p, mem, new StandaloneEnvironment());
        return switch (res) {
            case ExecutionResult.Exit e -> {
                out.println(Long.toHexString(e.r0()));
                out.flush();
                yield 0;
            }
            case ExecutionResult.Fault f -> {
                err.println("program fault: " + f.message());
                yield 1;
            }
        };
    }

    /**
     * {@code emu bpf verify FILE}: verifies FILE (assembly text, or raw instruction bytes) as a
     * program of {@code type}; {@code maps} declares the maps its lddw map_fd(N) refer to, as
     * {@code "fd:type:key_size:value_size:max_entries"} with type array, hash, ringbuf, percpu_array,
     * percpu_hash, lru_hash, lru_percpu_hash, lpm_trie, queue, stack or bloom_filter (e.g.
     * {@code "1:array:4:8:16"}, {@code "3:ringbuf:0:0:4096"}). Prints the verifier log (level
     * {@code logLevel}) on {@code out}, the reason on {@code err} if refused.
     *
     * @return 0 accepted, 1 refused (or unreadable input)
     */
    public static int verify(Path file, dev.emu.bpf.verifier.ProgramType type, List<String> maps, int logLevel,
            PrintStream out, PrintStream err) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            err.println("emu bpf verify: cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        List<Instruction> insns;
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        boolean binary = raw.length % InstructionCodec.SLOT_SIZE == 0 && text.chars().anyMatch(c -> c == 0);
        try {
            insns = binary ? InstructionCodec.decode(raw) : Assembler.assemble(text);
        } catch (AsmException e) {
            err.println(file + ":" + e.getMessage());
            return 1;
        }
        java.util.Map<Integer, dev.emu.bpf.map.BpfMap> fds = new java.util.HashMap<>();
        for (String spec : maps) {
            String[] f = spec.split(":");
            try {
                int mapType = switch (f[1]) {
                    case "array" -> dev.emu.abi.bpf.BpfMapType.ARRAY;
                    case "hash" -> dev.emu.abi.bpf.BpfMapType.HASH;
                    case "ringbuf" -> dev.emu.abi.bpf.BpfMapType.RINGBUF;
                    case "percpu_array" -> dev.emu.abi.bpf.BpfMapType.PERCPU_ARRAY;
                    case "percpu_hash" -> dev.emu.abi.bpf.BpfMapType.PERCPU_HASH;
                    case "lru_hash" -> dev.emu.abi.bpf.BpfMapType.LRU_HASH;
                    case "lru_percpu_hash" -> dev.emu.abi.bpf.BpfMapType.LRU_PERCPU_HASH;
                    case "lpm_trie" -> dev.emu.abi.bpf.BpfMapType.LPM_TRIE;
                    case "queue" -> dev.emu.abi.bpf.BpfMapType.QUEUE;
                    case "stack" -> dev.emu.abi.bpf.BpfMapType.STACK;
                    case "bloom_filter" -> dev.emu.abi.bpf.BpfMapType.BLOOM_FILTER;
                    default -> throw new IllegalArgumentException("unknown map type " + f[1]);
                };
                // An LPM trie must be created with BPF_F_NO_PREALLOC (trie_alloc).
                int mapFlags = mapType == dev.emu.abi.bpf.BpfMapType.LPM_TRIE ? dev.emu.abi.bpf.BpfFlags.BPF_F_NO_PREALLOC : 0;
                dev.emu.bpf.map.MapCreateResult mr = dev.emu.bpf.map.MapTypes.create(mapType, Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]), Integer.parseInt(f[4]), mapFlags);
                if (!mr.isOk()) {
                    err.println("emu bpf verify: map " + spec + ": " + mr.error());
                    return 1;
                }
                fds.put(Integer.parseInt(f[0]), mr.map());
            } catch (RuntimeException e) {
                err.println("emu bpf verify: bad map spec '" + spec + "' (want fd:type:key:value:entries): " + e.getMessage());
                return 1;
            }
        }
        dev.emu.bpf.verifier.VerifierResult r = dev.emu.bpf.verifier.Verifier.verify(insns, fds::get, type, logLevel);
        switch (r) {
            case dev.emu.bpf.verifier.VerifierResult.Accepted a -> {
                out.print(a.log());
                out.flush();
                return 0;
            }
            case dev.emu.bpf.verifier.VerifierResult.Rejected j -> {
                out.print(j.log());
                out.flush();
                err.println("program refused (" + j.errno() + "): " + j.message());
                return 1;
            }
        }
    }

    /** Parses whitespace-separated hex bytes ("b7 00 01 00"); each token one byte. */
    public static byte[] parseHex(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return new byte[0];
        }
        String[] tok = t.split("\\s+");
        byte[] out = new byte[tok.length];
        for (int i = 0; i < tok.length; i++) {
            String b = tok[i].startsWith("0x") ? tok[i].substring(2) : tok[i];
            if (b.isEmpty() || b.length() > 2) {
                throw new IllegalArgumentException("bad hex byte '" + tok[i] + "'");
            }
            try {
                out[i] = (byte) Integer.parseInt(b, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad hex byte '" + tok[i] + "'");
            }
        }
        return out;
    }

    /** Formats bytes as lowercase space-separated hex. */
    public static String toHex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", bytes[i] & 0xff));
        }
        return sb.toString();
    }
}
