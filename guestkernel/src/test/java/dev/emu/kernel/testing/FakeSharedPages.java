package dev.emu.kernel.testing;

import dev.emu.kernel.platform.SharedPages;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** {@link SharedPages} on the Java heap for kernel tests: one ByteBuffer that every fake mapping aliases. */
public final class FakeSharedPages extends SharedPages {
    private final ByteBuffer bytes;
    private boolean freed;

    public FakeSharedPages(long length) {
        super(length);
        this.bytes = ByteBuffer.allocate(Math.toIntExact(length)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Whether the last reference went. */
    public boolean freed() {
        return freed;
    }

    @Override
    protected void free() {
        freed = true;
    }

    private ByteBuffer live() {
        if (freed) {
            throw new IllegalStateException("shared pages already freed");
        }
        return bytes;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int count) {
        live().get(Math.toIntExact(offset), dst, dstOffset, count);
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int count) {
        live().put(Math.toIntExact(offset), src, srcOffset, count);
    }

    @Override
    public void zero(long offset, long count) {
        write(offset, new byte[Math.toIntExact(count)], 0, Math.toIntExact(count));
    }

    @Override
    public void discard(long offset, long count) {
        zero(offset, count);
    }

    @Override
    public long getLong(long offset) {
        return live().getLong(Math.toIntExact(offset));
    }

    @Override
    public void putLong(long offset, long value) {
        live().putLong(Math.toIntExact(offset), value);
    }

    @Override
    public int getInt(long offset) {
        return live().getInt(Math.toIntExact(offset));
    }

    @Override
    public void putInt(long offset, int value) {
        live().putInt(Math.toIntExact(offset), value);
    }

    @Override
    public ByteBuffer buffer() {
        return live().duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
    }
}
