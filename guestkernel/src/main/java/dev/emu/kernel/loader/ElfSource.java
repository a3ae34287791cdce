package dev.emu.kernel.loader;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where an executable's bytes come from: an open file read at the offsets the ELF headers name
 * (what fs/binfmt_elf.c does with kernel_read), or bytes already in memory (tests). The loader
 * reads the header, the program headers, PT_INTERP's string and the segments' file bytes, never
 * the whole file, so neither a huge file nor one that never ends (/dev/zero) costs host memory.
 */
public interface ElfSource {
    /** The file's size in bytes. */
    long size() throws IOException;

    /** Reads exactly {@code len} bytes at {@code offset} into {@code dst}; EOFException if the file is shorter. */
    void read(long offset, byte[] dst, int off, int len) throws IOException;

    /** {@code len} bytes at {@code offset}. */
    default byte[] read(long offset, int len) throws IOException {
        byte[] b = new byte[len];
        read(offset, b, 0, len);
        return b;
    }

    /** A source over bytes in memory; not copied. */
    static ElfSource of(byte[] bytes) {
        return new ElfSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void read(long offset, byte[] dst, int off, int len) throws EOFException {
                if (offset < 0 || offset > bytes.length - (long) len) {
                    throw new EOFException("read of " + len + " bytes at " + offset + " past the end (" + bytes.length + ")");
                }
                System.arraycopy(bytes, (int) offset, dst, off, len);
            }
        };
    }

    /** A source over an open file (positional reads; the channel's position is not used). */
    static ElfSource of(FileChannel channel) {
        return new ElfSource() {
            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public void read(long offset, byte[] dst, int off, int len) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(dst, off, len);
                long at = offset;
                while (b.hasRemaining()) {
                    int n = channel.read(b, at);
                    if (n < 0) {
                        throw new EOFException("the file ended at " + at + " while reading " + len + " bytes at " + offset);
                    }
                    at += n;
                }
            }
        };
    }
}
