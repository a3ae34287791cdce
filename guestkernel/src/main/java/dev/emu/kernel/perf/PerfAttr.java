package dev.emu.kernel.perf;

import static dev.emu.abi.perf.PerfEventAttr.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A struct perf_event_attr copied from the guest (kernel/events/core.c perf_copy_attr): the
 * size rules (0 means PERF_ATTR_SIZE_VER0; smaller, larger than a page, or a larger struct with
 * non-zero bytes past the kernel's is E2BIG with the kernel's size written back into
 * {@code attr->size}) and the reserved-bit checks. Immutable.
 */
public record PerfAttr(int type, int size, long config, long samplePeriod, long sampleType, long readFormat,
                       long flags, int wakeupEvents, long config1, long config2, int clockid) {

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    /** True for a sampling event: a period or a frequency (attr.sample_period is a union with sample_freq). */
    public boolean sampling() {
        return samplePeriod != 0;
    }

    /**
     * Reads the attr at {@code addr}.
     *
     * @return the attr, or null with {@code err[0]} set to -EFAULT, -E2BIG or -EINVAL
     */
    static PerfAttr read(Task t, long addr, long[] err) {
        int size = t.memory().readInt(addr + SIZE); // get_user(size, &uattr->size); a fault is EFAULT
        if (size == 0) {
            size = SIZE_VER0;
        }
        if (size < SIZE_VER0 || size > 4096) {
            return tooBig(t, addr, err);
        }
        byte[] raw = new byte[Math.max(size, SIZE_LATEST)];
        t.memory().read(addr, raw, 0, size);
        for (int i = SIZE_LATEST; i < size; i++) { // copy_struct_from_user: the tail must be zero
            if (raw[i] != 0) {
                return tooBig(t, addr, err);
            }
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long flags = b.getLong(FLAGS);
        long sampleType = b.getLong(SAMPLE_TYPE);
        long readFormat = b.getLong(READ_FORMAT);
        if ((flags & RESERVED_1) != 0 || b.getShort(RESERVED_2) != 0 || (b.getInt(AUX_ACTION) & ~7) != 0
                || (sampleType & -SAMPLE_MAX) != 0 || (readFormat & -FORMAT_MAX) != 0) {
            err[0] = Errno.EINVAL.ret();
            return null;
        }
        if ((flags & INHERIT) == 0 && (flags & INHERIT_THREAD) != 0
                || (flags & REMOVE_ON_EXEC) != 0 && (flags & ENABLE_ON_EXEC) != 0
                || (flags & SIGTRAP) != 0 && (flags & REMOVE_ON_EXEC) == 0) {
            err[0] = Errno.EINVAL.ret();
            return null;
        }
        return new PerfAttr(b.getInt(TYPE), size, b.getLong(CONFIG), b.getLong(SAMPLE_PERIOD), sampleType, readFormat,
                flags, b.getInt(WAKEUP_EVENTS), b.getLong(CONFIG1), b.getLong(CONFIG2), b.getInt(CLOCKID));
    }

    /** err_size: put_user(sizeof(*attr), &uattr->size), then E2BIG. */
    private static PerfAttr tooBig(Task t, long addr, long[] err) {
        try {
            t.memory().writeInt(addr + SIZE, SIZE_LATEST);
        } catch (BadAddressException ignored) {
            // put_user's result is ignored there too
        }
        err[0] = Errno.E2BIG.ret();
        return null;
    }
}
