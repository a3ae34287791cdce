package dev.emu.kernel.loader;

import static dev.emu.abi.elf.Auxv.*;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Prot;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The stack a new program starts with, as Linux builds it (fs/exec.c copy_strings and
 * fs/binfmt_elf.c create_elf_tables), with ASLR off:
 *
 * <pre>
 *   stackTop ->  +--------------------------+
 *                | 8 zero bytes             |  bprm->p starts one pointer below the top
 *                | execfn string            |  copied first, so highest
 *                | envp strings             |  envp[0] lowest (copied last to first)
 *   envStart ->  | argv strings             |  argv[0] lowest
 *   argStart ->  | (align down to 16)       |  arch_align_stack, no random offset
 *                | "x86_64\0"               |  AT_PLATFORM
 *                | 16 random bytes          |  AT_RANDOM
 *                | (align so RSP % 16 == 0) |  STACK_ROUND
 *                | auxv pairs ... AT_NULL   |
 *                | NULL, envp[n-1] .. [0]   |
 *                | NULL, argv[n-1] .. [0]   |
 *   rsp      ->  | argc                     |
 *                +--------------------------+
 * </pre>
 *
 * @param rsp initial stack pointer, 16-byte aligned, pointing at argc (SysV ABI)
 * @param region the part of the stack mapped now, for VMA registration as "[stack]"
 * @param argvAddress address of argv[0]'s pointer
 * @param envpAddress address of envp[0]'s pointer
 * @param auxvAddress address of the first auxv entry
 * @param auxv the auxiliary vector as written, AT_NULL last (mm->saved_auxv, /proc/self/auxv)
 * @param argStart first byte of the argv strings (mm->arg_start, /proc/self/cmdline)
 * @param argEnd one past the last argv string's NUL (mm->arg_end)
 * @param envStart first byte of the envp strings (mm->env_start, /proc/self/environ)
 * @param envEnd one past the last envp string's NUL (mm->env_end)
 */
public record InitialStack(long rsp, MappedRegion region, long argvAddress, long envpAddress,
                           long auxvAddress, List<AuxEntry> auxv, long argStart, long argEnd,
                           long envStart, long envEnd) {

    /** MAX_ARG_STRLEN (include/uapi/linux/binfmts.h): the longest single string, with NUL. */
    public static final int MAX_ARG_STRLEN = 32 * AddressSpace.PAGE_SIZE;
    /** The AT_PLATFORM string on x86-64 (ELF_PLATFORM, utsname machine). */
    public static final String PLATFORM = "x86_64";
    /** USER_HZ, for AT_CLKTCK. */
    public static final int CLOCK_TICKS = 100;

    public InitialStack {
        auxv = List.copyOf(auxv);
    }

    /**
     * Maps the stack in {@code as} and writes strings, AT_RANDOM bytes, auxv, envp, argv and argc.
     *
     * <p>The auxv has Linux's x86-64 order without ARCH_DLINFO's entries: there is no vDSO
     * (AT_SYSINFO_EHDR), and AT_MINSIGSTKSZ is left out so libc uses its built-in MINSIGSTKSZ.
     *
     * @throws ArgumentListTooLongException (E2BIG) if a string exceeds {@link #MAX_ARG_STRLEN}
     *     or the strings and pointers exceed a quarter of the stack, as Linux's bprm_stack_limits
     */
    public static InitialStack build(AddressSpace as, StackSpec spec) {
        List<byte[]> argv = encode(spec.argv().isEmpty() ? List.of("") : spec.argv(), "argv");
        List<byte[]> envp = encode(spec.envp(), "envp");
        byte[] execfn = encode(List.of(spec.execfn()), "execfn").getFirst();
        long strings = execfn.length;
        for (byte[] s : argv) {
            strings += s.length;
        }
        for (byte[] s : envp) {
            strings += s.length;
        }
        long pointers = (long) (argv.size() + envp.size()) * Long.BYTES;
        if (strings + pointers > spec.stackSize() / 4) {
            throw new ArgumentListTooLongException("argument list too long: " + strings
                    + " bytes of strings and " + pointers + " bytes of pointers exceed "
                    + spec.stackSize() / 4 + " (a quarter of the stack)");
        }

        // fs/exec.c and create_elf_tables place everything from the top down; the addresses are
        // computed first so that only the part of the stack in use is mapped.
        long top = spec.stackTop();
        long bottom = top - spec.stackSize();
        long execfnAddress = top - Long.BYTES - execfn.length;
        long envEnd = execfnAddress;
        long envStart = envEnd - total(envp);
        long argEnd = envStart;
        long argStart = argEnd - total(argv);
        byte[] platform = (PLATFORM + "\0").getBytes(StandardCharsets.US_ASCII);
        long platformAddress = (argStart & -16L) - platform.length;
        long randomAddress = platformAddress - 16;
        long p = randomAddress;

        LoadedImage image = spec.image();
        List<AuxEntry> auxv = List.of(
                new AuxEntry(AT_HWCAP, spec.hwcap()),
                new AuxEntry(AT_PAGESZ, AddressSpace.PAGE_SIZE),
                new AuxEntry(AT_CLKTCK, CLOCK_TICKS),
                new AuxEntry(AT_PHDR, image.phdrAddress()),
                new AuxEntry(AT_PHENT, image.phent()),
                new AuxEntry(AT_PHNUM, image.phnum()),
                new AuxEntry(AT_BASE, spec.interpreterBase()),
                new AuxEntry(AT_FLAGS, 0),
                new AuxEntry(AT_ENTRY, image.entry()),
                new AuxEntry(AT_UID, Integer.toUnsignedLong(spec.uid())),
                new AuxEntry(AT_EUID, Integer.toUnsignedLong(spec.euid())),
                new AuxEntry(AT_GID, Integer.toUnsignedLong(spec.gid())),
                new AuxEntry(AT_EGID, Integer.toUnsignedLong(spec.egid())),
                new AuxEntry(AT_SECURE, 0),
                new AuxEntry(AT_RANDOM, randomAddress),
                new AuxEntry(AT_HWCAP2, 0),
                new AuxEntry(AT_EXECFN, execfnAddress),
                new AuxEntry(AT_PLATFORM, platformAddress),
                new AuxEntry(AT_NULL, 0));

        // STACK_ADD then STACK_ROUND: room for auxv and the argc/argv/envp words, then align
        // down so that RSP (where argc goes) is 16-byte aligned.
        long words = 1 + (argv.size() + 1) + (envp.size() + 1);
        long rsp = (p - auxv.size() * 16L - words * Long.BYTES) & -16L;

        long mapped = Math.max(bottom, (rsp - spec.residentSize()) & -(long) AddressSpace.PAGE_SIZE);
        int prot = Prot.READ | Prot.WRITE | (spec.image().executableStack() ? Prot.EXEC : 0);
        as.map(mapped, top - mapped, prot);
        MappedRegion region = new MappedRegion(mapped, top - mapped, prot, "[stack]");
        as.write(execfnAddress, execfn);
        long[] envPointers = writeStrings(as, envStart, envp);
        long[] argPointers = writeStrings(as, argStart, argv);
        as.write(platformAddress, platform);
        as.write(randomAddress, spec.random());

        ByteBuffer table = ByteBuffer.allocate((int) (words * Long.BYTES + auxv.size() * 16L))
                .order(ByteOrder.LITTLE_ENDIAN);
        table.putLong(argv.size());
        for (long a : argPointers) {
            table.putLong(a);
        }
        table.putLong(0);
        for (long e : envPointers) {
            table.putLong(e);
        }
        table.putLong(0);
        for (AuxEntry e : auxv) {
            table.putLong(e.type()).putLong(e.value());
        }
        as.write(rsp, table.array());

        long argvAddress = rsp + Long.BYTES;
        long envpAddress = argvAddress + (argv.size() + 1L) * Long.BYTES;
        long auxvAddress = envpAddress + (envp.size() + 1L) * Long.BYTES;
        return new InitialStack(rsp, region, argvAddress, envpAddress, auxvAddress, auxv,
                argStart, argEnd, envStart, envEnd);
    }

    private static List<byte[]> encode(List<String> strings, String what) {
        List<byte[]> out = new ArrayList<>(strings.size());
        for (int i = 0; i < strings.size(); i++) {
            String s = strings.get(i);
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(what + "[" + i + "] contains a NUL character");
            }
            byte[] b = (s + "\0").getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_ARG_STRLEN) {
                throw new ArgumentListTooLongException(what + "[" + i + "] is " + b.length
                        + " bytes, longer than MAX_ARG_STRLEN (" + MAX_ARG_STRLEN + ")");
            }
            out.add(b);
        }
        return out;
    }

    private static long total(List<byte[]> strings) {
        long n = 0;
        for (byte[] s : strings) {
            n += s.length;
        }
        return n;
    }

    /** Writes NUL-terminated strings one after another from {@code start}; returns their addresses. */
    private static long[] writeStrings(AddressSpace as, long start, List<byte[]> strings) {
        long[] addresses = new long[strings.size()];
        long p = start;
        for (int i = 0; i < strings.size(); i++) {
            addresses[i] = p;
            as.write(p, strings.get(i));
            p += strings.get(i).length;
        }
        return addresses;
    }
}
