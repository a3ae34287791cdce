package dev.emu.kernel.loader;

import static dev.emu.abi.elf.Auxv.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.testing.FakeAddressSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitialStackTest {
    private static final byte[] RANDOM = {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    private static final long TOP = 0x7ffffffff000L;

    private final FakeAddressSpace as = new FakeAddressSpace();

    private static LoadedImage image(boolean execStack) {
        return new LoadedImage("/bin/prog", 0x401000, 0, 0x400040, 56, 4, 0x407000, execStack,
                Optional.empty(), List.of());
    }

    /** What a libc's _start sees, read back from guest memory starting at RSP. */
    private record Parsed(long argc, List<String> argv, List<String> envp, Map<Long, Long> auxv,
                          long auxvAddress) {}

    private Parsed parse(long rsp) {
        long p = rsp;
        long argc = as.readLong(p);
        p += 8;
        List<String> argv = new ArrayList<>();
        for (long a; (a = as.readLong(p)) != 0; p += 8) {
            argv.add(as.readCString(a));
        }
        p += 8;
        List<String> envp = new ArrayList<>();
        for (long e; (e = as.readLong(p)) != 0; p += 8) {
            envp.add(as.readCString(e));
        }
        p += 8;
        long auxvAddress = p;
        Map<Long, Long> auxv = new LinkedHashMap<>();
        while (true) {
            long type = as.readLong(p);
            long value = as.readLong(p + 8);
            auxv.put(type, value);
            p += 16;
            if (type == AT_NULL) {
                break;
            }
        }
        return new Parsed(argc, argv, envp, auxv, auxvAddress);
    }

    @Test
    void layoutMatchesLinux() {
        StackSpec spec = StackSpec.of(image(false), List.of("/bin/prog", "-v", "héllo"),
                        List.of("HOME=/root", "PATH=/bin"), "./prog", RANDOM)
                .withCredentials(1000, 1001, 100, 101);

        InitialStack stack = InitialStack.build(as, spec);

        assertThat(stack.rsp() % 16).isZero();
        Parsed parsed = parse(stack.rsp());
        assertThat(parsed.argc()).isEqualTo(3);
        assertThat(parsed.argv()).containsExactly("/bin/prog", "-v", "héllo");
        assertThat(parsed.envp()).containsExactly("HOME=/root", "PATH=/bin");
        assertThat(parsed.auxvAddress()).isEqualTo(stack.auxvAddress());
        assertThat(stack.argvAddress()).isEqualTo(stack.rsp() + 8);
        assertThat(stack.envpAddress()).isEqualTo(stack.rsp() + 8 + 4 * 8);

        Map<Long, Long> auxv = parsed.auxv();
        assertThat(auxv.keySet()).containsExactly(
                (long) AT_HWCAP, (long) AT_PAGESZ, (long) AT_CLKTCK, (long) AT_PHDR,
                (long) AT_PHENT, (long) AT_PHNUM, (long) AT_BASE, (long) AT_FLAGS,
                (long) AT_ENTRY, (long) AT_UID, (long) AT_EUID, (long) AT_GID, (long) AT_EGID,
                (long) AT_SECURE, (long) AT_RANDOM, (long) AT_HWCAP2, (long) AT_EXECFN,
                (long) AT_PLATFORM, (long) AT_NULL);
        assertThat(auxv).containsEntry((long) AT_HWCAP, 0x078bfbfdL)
                .containsEntry((long) AT_PAGESZ, 4096L)
                .containsEntry((long) AT_CLKTCK, 100L)
                .containsEntry((long) AT_PHDR, 0x400040L)
                .containsEntry((long) AT_PHENT, 56L)
                .containsEntry((long) AT_PHNUM, 4L)
                .containsEntry((long) AT_BASE, 0L)
                .containsEntry((long) AT_FLAGS, 0L)
                .containsEntry((long) AT_ENTRY, 0x401000L)
                .containsEntry((long) AT_UID, 1000L)
                .containsEntry((long) AT_EUID, 1001L)
                .containsEntry((long) AT_GID, 100L)
                .containsEntry((long) AT_EGID, 101L)
                .containsEntry((long) AT_SECURE, 0L)
                .containsEntry((long) AT_HWCAP2, 0L)
                .containsEntry((long) AT_NULL, 0L);
        assertThat(as.read(auxv.get((long) AT_RANDOM), 16)).isEqualTo(RANDOM);
        assertThat(as.readCString(auxv.get((long) AT_EXECFN))).isEqualTo("./prog");
        assertThat(as.readCString(auxv.get((long) AT_PLATFORM))).isEqualTo("x86_64");
        assertThat(stack.auxv()).extracting(AuxEntry::type)
                .containsExactlyElementsOf(auxv.keySet());
        assertThat(stack.auxv()).extracting(AuxEntry::value)
                .containsExactlyElementsOf(auxv.values());
    }

    @Test
    void stringsSitAtTheTopInLinuxOrder() {
        StackSpec spec = StackSpec.of(image(false), List.of("a", "bc"), List.of("X=1", "Y=22"),
                "/p", RANDOM);

        InitialStack stack = InitialStack.build(as, spec);

        assertThat(as.readLong(TOP - 8)).as("NULL pointer at the very top").isZero();
        long execfn = TOP - 8 - 3;
        Map<Long, Long> auxv = parse(stack.rsp()).auxv();
        assertThat(auxv.get((long) AT_EXECFN)).isEqualTo(execfn);
        assertThat(stack.envEnd()).isEqualTo(execfn);
        assertThat(stack.envStart()).isEqualTo(execfn - "X=1\0Y=22\0".length());
        assertThat(stack.argEnd()).isEqualTo(stack.envStart());
        assertThat(stack.argStart()).isEqualTo(stack.argEnd() - "a\0bc\0".length());
        assertThat(new String(as.read(stack.argStart(), 5))).isEqualTo("a\0bc\0");
        assertThat(new String(as.read(stack.envStart(), 9))).isEqualTo("X=1\0Y=22\0");
        assertThat(as.readLong(stack.argvAddress())).isEqualTo(stack.argStart());
        assertThat(as.readLong(stack.envpAddress())).isEqualTo(stack.envStart());

        long platform = auxv.get((long) AT_PLATFORM);
        assertThat(platform).isEqualTo((stack.argStart() & -16L) - 7);
        assertThat(auxv.get((long) AT_RANDOM)).isEqualTo(platform - 16);
        assertThat(stack.auxvAddress() + stack.auxv().size() * 16L)
                .as("auxv ends at or below AT_RANDOM").isLessThanOrEqualTo(platform - 16);
        assertThat(platform - 16 - (stack.auxvAddress() + stack.auxv().size() * 16L))
                .as("only alignment padding between auxv and the random bytes").isLessThan(16);
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1,0", "1,1", "2,0", "2,1", "3,3", "4,2", "5,7"})
    void rspIsSixteenByteAlignedForAnyCounts(int argc, int envc) {
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < argc; i++) {
            argv.add("arg" + "x".repeat(i));
        }
        List<String> envp = new ArrayList<>();
        for (int i = 0; i < envc; i++) {
            envp.add("E" + i + "=" + "v".repeat(i * 3));
        }

        InitialStack stack = InitialStack.build(as,
                StackSpec.of(image(false), argv, envp, "prog", RANDOM));

        assertThat(stack.rsp() & 15).isZero();
        Parsed parsed = parse(stack.rsp());
        List<String> expectedArgv = argc == 0 ? List.of("") : argv;
        assertThat(parsed.argc()).isEqualTo(expectedArgv.size());
        assertThat(parsed.argv()).isEqualTo(expectedArgv);
        assertThat(parsed.envp()).isEqualTo(envp);
    }

    @Test
    void mapsEightMibReadWriteStackBelowTop() {
        InitialStack stack = InitialStack.build(as,
                StackSpec.of(image(false), List.of("p"), List.of(), "p", RANDOM));

        assertThat(stack.region()).isEqualTo(
                new MappedRegion(TOP - (8 << 20), 8 << 20, Prot.READ | Prot.WRITE, "[stack]"));
        assertThat(as.protAt(TOP - 1)).isEqualTo(Prot.READ | Prot.WRITE);
        assertThat(as.protAt(TOP - (8 << 20))).isEqualTo(Prot.READ | Prot.WRITE);
        assertThat(as.isMapped(TOP)).isFalse();
        assertThat(as.isMapped(TOP - (8 << 20) - 1)).isFalse();
    }

    @Test
    void mapsOnlyTheResidentPartBelowTheArgumentsWhenAsked() {
        InitialStack stack = InitialStack.build(as,
                StackSpec.of(image(false), List.of("p"), List.of("A=1"), "p", RANDOM).withResident(0x20000));

        long start = (stack.rsp() - 0x20000) & -4096L;
        assertThat(stack.region()).isEqualTo(
                new MappedRegion(start, TOP - start, Prot.READ | Prot.WRITE, "[stack]"));
        assertThat(as.isMapped(start)).isTrue();
        assertThat(as.isMapped(start - 1)).isFalse();
        assertThat(as.isMapped(TOP - (8 << 20))).isFalse();
        assertThat(parse(stack.rsp()).envp()).containsExactly("A=1");
    }

    @Test
    void executableStackWhenImageAsksForIt() {
        InitialStack stack = InitialStack.build(as,
                StackSpec.of(image(true), List.of("p"), List.of(), "p", RANDOM));

        assertThat(stack.region().prot()).isEqualTo(Prot.ALL);
        assertThat(as.protAt(TOP - 1)).isEqualTo(Prot.ALL);
    }

    @Test
    void customStackPlacement() {
        StackSpec spec = StackSpec.of(image(false), List.of("p"), List.of(), "p", RANDOM)
                .withStack(0x10000000, 0x100000);

        InitialStack stack = InitialStack.build(as, spec);

        assertThat(stack.region().start()).isEqualTo(0x10000000 - 0x100000);
        assertThat(stack.rsp()).isBetween(0x10000000L - 0x1000, 0x10000000L);
    }

    @Test
    void refusesTooLongArgumentLists() {
        String big = "x".repeat(InitialStack.MAX_ARG_STRLEN);
        assertThatThrownBy(() -> InitialStack.build(as,
                StackSpec.of(image(false), List.of("p", big), List.of(), "p", RANDOM)))
                .isInstanceOf(ArgumentListTooLongException.class)
                .hasMessageContaining("argv[1] is 131073 bytes, longer than MAX_ARG_STRLEN");

        List<String> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add("y".repeat(120_000));
        }
        assertThatThrownBy(() -> InitialStack.build(as,
                StackSpec.of(image(false), List.of("p"), many, "p", RANDOM)))
                .isInstanceOf(ArgumentListTooLongException.class)
                .hasMessageContaining("exceed 2097152 (a quarter of the stack)");
        assertThat(as.mappedPageCount()).as("nothing mapped on failure").isZero();
    }

    @Test
    void refusesBadSpecs() {
        assertThatThrownBy(() -> StackSpec.of(image(false), List.of(), List.of(), "p",
                new byte[8])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InitialStack.build(as,
                StackSpec.of(image(false), List.of("a\0b"), List.of(), "p", RANDOM)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argv[0] contains a NUL");
    }

    @Test
    void randomBytesAreCopiedDefensively() {
        byte[] random = RANDOM.clone();
        StackSpec spec = StackSpec.of(image(false), List.of("p"), List.of(), "p", random);
        random[0] = 99;

        InitialStack stack = InitialStack.build(as, spec);

        long at = parse(stack.rsp()).auxv().get((long) AT_RANDOM);
        assertThat(as.read(at, 16)).isEqualTo(RANDOM);
    }

    @Test
    void endToEndWithLoadedPie() {
        ElfFile elf = ElfFile.parse("/bin/pie", ElfLoaderTest.staticPie(true).build());
        LoadedImage image = ElfLoader.load(elf, as);

        InitialStack stack = InitialStack.build(as,
                StackSpec.of(image, List.of("pie"), List.of("A=b"), "/bin/pie", RANDOM));

        Map<Long, Long> auxv = parse(stack.rsp()).auxv();
        assertThat(auxv.get((long) AT_ENTRY)).isEqualTo(ElfLoader.DEFAULT_PIE_BASE + 0x1040);
        long phdr = auxv.get((long) AT_PHDR);
        assertThat(phdr).isEqualTo(ElfLoader.DEFAULT_PIE_BASE + 0x40);
        assertThat(auxv.get((long) AT_PHNUM)).isEqualTo(6);
        // Walk the program headers the way musl's static TLS setup does.
        boolean foundTls = false;
        for (int i = 0; i < auxv.get((long) AT_PHNUM); i++) {
            if (as.readInt(phdr + i * 56L) == dev.emu.abi.elf.Elf.PT_TLS) {
                foundTls = true;
                assertThat(as.readLong(phdr + i * 56L + 16)).isEqualTo(0x2e00);
            }
        }
        assertThat(foundTls).isTrue();
    }
}
