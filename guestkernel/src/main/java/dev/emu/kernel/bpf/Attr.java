package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.task.Task;

/**
 * A copy of the caller's {@code union bpf_attr}, read as Linux's __sys_bpf does
 * (kernel/bpf/syscall.c): bytes past what the kernel knows must be zero
 * (bpf_check_uarg_tail_zero → -E2BIG, more than a page → -E2BIG), the rest is copied and
 * zero-extended to {@link BpfAttr#SIZE}. Output fields are written straight back to the guest.
 */
final class Attr {
    private final Task task;
    private final long address;
    private final byte[] bytes = new byte[BpfAttr.SIZE];

    private Attr(Task task, long address) {
        this.task = task;
        this.address = address;
    }

    /**
     * Reads the attr of a bpf() call.
     *
     * @return the attr, or null with {@code error[0]} set to the -errno to return
     * @throws dev.emu.kernel.platform.BadAddressException if the attr is not readable (→ EFAULT)
     */
    static Attr read(Task task, long address, long size, long[] error) {
        long sz = size & 0xffffffffL; // unsigned int size
        if (sz > AddressSpace.PAGE_SIZE) {
            error[0] = Errno.E2BIG.ret();
            return null;
        }
        if (sz > BpfAttr.SIZE) {
            byte[] tail = task.memory().read(address + BpfAttr.SIZE, (int) sz - BpfAttr.SIZE);
            for (byte b : tail) {
                if (b != 0) {
                    error[0] = Errno.E2BIG.ret();
                    return null;
                }
            }
        }
        Attr a = new Attr(task, address);
        int n = (int) Math.min(sz, BpfAttr.SIZE);
        if (n > 0) {
            task.memory().read(address, a.bytes, 0, n);
        }
        return a;
    }

    /** An attr built from bytes (tests). */
    static Attr of(Task task, long address, byte[] content) {
        Attr a = new Attr(task, address);
        System.arraycopy(content, 0, a.bytes, 0, Math.min(content.length, BpfAttr.SIZE));
        return a;
    }

    /** The guest address the attr was read from. */
    long address() {
        return address;
    }

    /** Linux's CHECK_ATTR: true if every byte from {@code end} (just past the command's last field) is zero. */
    boolean tailZeroFrom(int end) {
        for (int i = end; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    int u32(int off) {
        return (bytes[off] & 0xff) | (bytes[off + 1] & 0xff) << 8 | (bytes[off + 2] & 0xff) << 16
                | (bytes[off + 3] & 0xff) << 24;
    }

    long u32Long(int off) {
        return u32(off) & 0xffffffffL;
    }

    long u64(int off) {
        return u32Long(off) | (long) u32(off + 4) << 32;
    }

    /** The {@code len}-byte char array at {@code off}, as bytes. */
    byte[] bytes(int off, int len) {
        return java.util.Arrays.copyOfRange(bytes, off, off + len);
    }

    /** Writes a u32 output field back to the caller's attr. */
    void putU32(int off, int value) {
        task.memory().writeInt(address + off, value);
    }

    /** Writes a u64 output field back to the caller's attr. */
    void putU64(int off, long value) {
        task.memory().writeLong(address + off, value);
    }
}
