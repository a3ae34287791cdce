package dev.emu.bpf.interp;

import dev.emu.abi.bpf.BpfFlags;
import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * The memory a program run may touch: a set of bounded regions, each a {@code byte[]}. Region
 * {@code k} occupies guest addresses {@code [k << 32, (k << 32) + length)}, so resolving an
 * address is one array index by {@code addr >>> 32} plus one bounds check. Region 0 is never
 * mapped, so NULL and small integers fault. Nothing outside these arrays is reachable.
 *
 * <pre>
 *   0x0_xxxxxxxx  unmapped (NULL)
 *   0x1_00000000  stack: 8 frames x 512 bytes; frame f's r10 = 0x1_00001000 - 512 * f
 *   0x2_00000000  context / input memory (if any)
 *   0x3_00000000+ map values and ringbuf samples, added as helpers hand out pointers
 * </pre>
 *
 * Not thread-safe: one per run.
 */
public final class MemoryMap {
    /** Address of region {@code k} is {@code k << REGION_SHIFT}. */
    public static final int REGION_SHIFT = 32;
    /** Index of the stack region. */
    public static final int STACK_REGION = 1;
    /** Size of the stack region: MAX_CALL_FRAMES frames of MAX_BPF_STACK bytes. */
    public static final int STACK_SIZE = BpfFlags.MAX_BPF_STACK * BpfFlags.MAX_CALL_FRAMES;
    /** r10 at a run's start: the top of the stack region. */
    public static final long STACK_TOP = base(STACK_REGION) + STACK_SIZE;
    /** Maximum number of regions in one run. */
    public static final int MAX_REGIONS = 1 << 20;

    /** Region storage by index; entries may be null (unmapped). Engines read this directly. */
    public byte[][] regions = new byte[8][];
    private Object[] owners = new Object[8];
    private int count = 1;
    private final IdentityHashMap<byte[], Integer> index = new IdentityHashMap<>();

    /** Base address of region {@code k}. */
    public static long base(int k) {
        return (long) k << REGION_SHIFT;
    }

    /**
     * Maps a fresh run's first regions, as both engines do: the stack, then the context (an
     * empty region when there is none, so that the numbering stays fixed).
     *
     * @return the context's address (r1 at the start), or 0 when there is no context
     */
    public long mapStackAndContext(byte[] context) {
        map(new byte[STACK_SIZE], null);
        if (context != null && context.length > 0) {
            return map(context, null);
        }
        map(new byte[0], null);
        return 0;
    }

    /**
     * Maps {@code data} as a region (once: mapping the same array again returns the same address).
     *
     * @param owner what the region is (e.g. a ringbuf record), for helpers; may be null
     * @return the region's base address
     */
    public long map(byte[] data, Object owner) {
        Integer k = index.get(data);
        if (k != null) {
            return base(k);
        }
        if (count >= MAX_REGIONS) {
            throw new VmFault("too many memory regions in one run");
        }
        if (count == regions.length) {
            regions = Arrays.copyOf(regions, count * 2);
            owners = Arrays.copyOf(owners, count * 2);
        }
        regions[count] = data;
        owners[count] = owner;
        index.put(data, count);
        return base(count++);
    }

    /** Unmaps the region that starts at {@code addr}, so later accesses through it fault. */
    public void unmap(long addr) {
        int k = (int) (addr >>> REGION_SHIFT);
        if (k > 0 && k < count && regions[k] != null) {
            index.remove(regions[k]);
            regions[k] = null;
            owners[k] = null;
        }
    }

    /** The owner of the region starting exactly at {@code addr}, or null. */
    public Object ownerAt(long addr) {
        long k = addr >>> REGION_SHIFT;
        if ((int) addr != 0 || k <= 0 || k >= count) {
            return null;
        }
        return owners[(int) k];
    }

    /** The region array holding {@code [addr, addr + size)}, or throws {@link VmFault}. */
    public byte[] resolve(long addr, int size) {
        long k = addr >>> REGION_SHIFT;
        long off = addr & 0xffffffffL;
        if (k < count) {
            byte[] m = regions[(int) k];
            if (m != null && off + size <= m.length) {
                return m;
            }
        }
        throw VmFault.access(addr, size);
    }

    /** Copies {@code len} bytes from guest address {@code addr}. */
    public byte[] read(long addr, int len) {
        byte[] m = resolve(addr, len);
        return Arrays.copyOfRange(m, (int) addr, (int) addr + len);
    }

    /** Copies {@code src} to guest address {@code addr}. */
    public void write(long addr, byte[] src, int len) {
        byte[] m = resolve(addr, len);
        System.arraycopy(src, 0, m, (int) addr, len);
    }
}
