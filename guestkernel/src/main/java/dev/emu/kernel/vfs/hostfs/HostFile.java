package dev.emu.kernel.vfs.hostfs;

import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.RegularFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An open host file: its own host channel, so the file stays readable after it is unlinked, as
 * the host kernel keeps it.
 */
final class HostFile extends RegularFile {
    private final FileChannel channel;

    HostFile(Dentry dentry, int flags, FileChannel channel) {
        super(dentry, flags);
        this.channel = channel;
    }

    @Override
    protected long readAt(byte[] dst, int off, int len, long pos) {
        try {
            int n = channel.read(ByteBuffer.wrap(dst, off, len), pos);
            return n < 0 ? 0 : n;
        } catch (IOException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    protected long writeAt(byte[] src, int off, int len, long pos) {
        try {
            ByteBuffer b = ByteBuffer.wrap(src, off, len);
            long at = pos;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
            return len;
        } catch (IOException e) {
            return HostErrors.ret(e);
        }
    }

    @Override
    protected void onRelease() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing the guest could do about it: close(2) already succeeded
        }
    }
}
