package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * sendto, recvfrom, sendmsg and recvmsg (net/socket.c: __sys_sendto, __sys_recvfrom,
 * ___sys_sendmsg, ___sys_recvmsg).
 *
 * <pre>
 *  struct msghdr { void *name; u32 namelen; (pad) struct iovec *iov; size_t iovlen;
 *                  void *control; size_t controllen; int flags; }          56 bytes
 * </pre>
 *
 * <p>One call moves at most {@link #MAX_COPY} bytes through the host: more than any socket
 * buffer holds (2 × wmem_max), so a stream send of more is a short count and a datagram of more
 * is EMSGSIZE either way.
 */
public final class SysSocketMessages {
    private SysSocketMessages() {}

    static final int MAX_COPY = 1 << 20;
    static final int MAX_RW_COUNT = Integer.MAX_VALUE & ~4095;
    static final int UIO_MAXIOV = 1024;
    static final int MSGHDR_SIZE = 56;
    /** net.core.optmem_max (Linux 6.9+): the largest control buffer sendmsg copies in. */
    static final int OPTMEM_MAX = 131072;

    /** Sendto implements Linux syscall sendto(2). */
    public static long sendto(Task t, long fd, long buf, long len, long flags, long addr, long addrlen) {
        len = Long.compareUnsigned(len, MAX_RW_COUNT) > 0 ? MAX_RW_COUNT : len;
        if (!UserMemory.accessOk(buf, len)) {
            return Errno.EFAULT.ret();
        }
        Result<SocketFile> s = SysSocket.lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        byte[] to = null;
        if (addr != 0) {
            Result<byte[]> raw = Sockaddrs.copyIn(t.memory(), addr, (int) addrlen);
            if (raw.failed()) {
                return raw.ret();
            }
            to = raw.value().length == 0 ? null : raw.value();
        }
        byte[] data = gather(t.memory(), new long[] {buf, len});
        if (data == null) {
            return Errno.EFAULT.ret();
        }
        return s.value().send(t, new OutgoingMessage(data, to, List.of(), null), (int) flags);
    }

    /** Recvfrom implements Linux syscall recvfrom(2). */
    public static long recvfrom(Task t, long fd, long buf, long len, long flags, long addr, long addrlen) {
        len = Long.compareUnsigned(len, MAX_RW_COUNT) > 0 ? MAX_RW_COUNT : len;
        if (!UserMemory.accessOk(buf, len)) {
            return Errno.EFAULT.ret();
        }
        Result<SocketFile> s = SysSocket.lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        ReceivedMessage m = s.value().recv(t, (int) Math.min(len, MAX_COPY), (int) flags);
        if (m.failed()) {
            return m.status();
        }
        m.dropRights(); // recvfrom has no control buffer: the files are closed
        scatter(t.memory(), new long[] {buf, len}, m.data());
        if (addr != 0) {
            long r = Sockaddrs.copyOut(t.memory(), m.from() == null ? new byte[0] : Sockaddrs.encode(m.from()), addr, addrlen);
            if (r < 0) {
                return r;
            }
        }
        return result(s.value(), m, (int) flags);
    }

    /** What recv returns: the bytes read, or a datagram's full length with MSG_TRUNC. */
    private static long result(SocketFile s, ReceivedMessage m, int flags) {
        boolean records = s.type() != SOCK_STREAM;
        return (flags & MSG_TRUNC) != 0 && records ? m.fullLength() : m.data().length;
    }

    /** Sendmsg implements Linux syscall sendmsg(2). */
    public static long sendmsg(Task t, long fd, long msg, long flags, long a3, long a4, long a5) {
        Result<SocketFile> s = SysSocket.lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        AddressSpace mem = t.memory();
        ByteBuffer h = readMsghdr(mem, msg);
        long name = h.getLong(0);
        int namelen = name == 0 ? 0 : h.getInt(8);
        if (namelen < 0) {
            return Errno.EINVAL.ret();
        }
        Result<long[]> iov = importIovec(mem, h.getLong(16), h.getLong(24));
        if (iov.failed()) {
            return iov.ret();
        }
        byte[] to = null;
        if (namelen > 0) {
            to = new byte[Math.min(namelen, SOCKADDR_STORAGE_SIZE)];
            mem.read(name, to, 0, to.length);
        }
        long control = h.getLong(32), controllen = h.getLong(40);
        if (Long.compareUnsigned(controllen, Integer.MAX_VALUE) > 0) {
            return Errno.ENOBUFS.ret();
        }
        if (controllen > OPTMEM_MAX) {
            return Errno.ENOBUFS.ret(); // sock_kmalloc refuses more than net.core.optmem_max
        }
        byte[] cbuf = new byte[(int) controllen];
        if (cbuf.length > 0) {
            mem.read(control, cbuf, 0, cbuf.length);
        }
        byte[] data = gather(mem, iov.value());
        if (data == null) {
            return Errno.EFAULT.ret();
        }
        Result<ControlMessages.Parsed> cm = ControlMessages.parse(t, s.value(), cbuf);
        if (cm.failed()) {
            return cm.ret();
        }
        try {
            return s.value().send(t, new OutgoingMessage(data, to, cm.value().rights(), cm.value().creds()), (int) flags);
        } finally {
            cm.value().release(); // a queued message took its own references
        }
    }

    /** Recvmsg implements Linux syscall recvmsg(2). */
    public static long recvmsg(Task t, long fd, long msg, long flags, long a3, long a4, long a5) {
        Result<SocketFile> s = SysSocket.lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        AddressSpace mem = t.memory();
        ByteBuffer h = readMsghdr(mem, msg);
        long name = h.getLong(0);
        if (name != 0 && h.getInt(8) < 0) {
            return Errno.EINVAL.ret();
        }
        Result<long[]> iov = importIovec(mem, h.getLong(16), h.getLong(24));
        if (iov.failed()) {
            return iov.ret();
        }
        long total = 0;
        for (int i = 1; i < iov.value().length; i += 2) {
            total += iov.value()[i];
        }
        ReceivedMessage m = s.value().recv(t, (int) Math.min(total, MAX_COPY), (int) flags);
        if (m.failed()) {
            return m.status();
        }
        int outFlags = (int) flags & MSG_CMSG_CLOEXEC;
        if (m.fullLength() > m.data().length && s.value().type() != SOCK_STREAM) {
            outFlags |= MSG_TRUNC;
        }
        try {
            scatter(mem, iov.value(), m.data());
            if (name != 0) {
                Sockaddrs.copyOut(mem, m.from() == null ? new byte[0] : Sockaddrs.encode(m.from()), name, msg + 8);
            }
            ControlMessages.Writer w = new ControlMessages.Writer(t, h.getLong(32), h.getLong(40));
            if (m.creds() != null) {
                w.put(SOL_SOCKET, SCM_CREDENTIALS, m.creds().toBytes());
            }
            if (!m.rights().isEmpty()) {
                w.putRights(m.rights(), (flags & MSG_CMSG_CLOEXEC) != 0);
            }
            if (w.truncated) {
                outFlags |= MSG_CTRUNC;
            }
            mem.writeLong(msg + 40, w.used());
            mem.writeInt(msg + 48, outFlags);
        } catch (BadAddressException e) {
            return Errno.EFAULT.ret();
        }
        return result(s.value(), m, (int) flags);
    }

    /**
     * read(2) and readv(2) of a socket (sock_read_iter): one recvmsg over the segments, so a
     * datagram is read whole and a stream read is not cut at the copy chunk.
     */
    public static long readv(Task t, SocketFile s, long[] iov) {
        long total = 0;
        for (int i = 1; i < iov.length; i += 2) {
            total += iov[i];
        }
        ReceivedMessage m = s.recv(t, (int) Math.min(total, MAX_COPY), 0);
        if (m.failed()) {
            return m.status();
        }
        m.dropRights();
        scatter(t.memory(), iov, m.data());
        return m.data().length;
    }

    /** write(2) and writev(2) of a socket (sock_write_iter): one sendmsg, a datagram kept whole. */
    public static long writev(Task t, SocketFile s, long[] iov) {
        byte[] data = gather(t.memory(), iov);
        if (data == null) {
            return Errno.EFAULT.ret();
        }
        return s.send(t, OutgoingMessage.of(data), 0);
    }

    /** sizeof(struct mmsghdr): a msghdr and the unsigned int msg_len the kernel fills, padded. */
    static final int MMSGHDR_SIZE = 64;
    static final int MSG_WAITFORONE = 0x10000;

    /**
     * Sendmmsg implements Linux syscall sendmmsg(2) (__sys_sendmmsg): each entry as sendmsg, its
     * msg_len filled in; an error ends the batch and is returned only when nothing was sent.
     */
    public static long sendmmsg(Task t, long fd, long mmsg, long vlen, long flags, long a4, long a5) {
        Result<SocketFile> s = SysSocket.lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        return eachEntry(t, mmsg, vlen, (entry, i) -> sendmsg(t, fd, entry, flags, 0, 0, 0));
    }

    /**
     * Recvmmsg implements Linux syscall recvmmsg(2) (do_recvmmsg): the first datagram as recvmsg
     * (blocking unless MSG_DONTWAIT), then those already queued, as with MSG_WAITFORONE. The
     * timeout is validated; like Linux's, it would only be looked at between datagrams.
     */
    public static long recvmmsg(Task t, long fd, long mmsg, long vlen, long flags, long timeout, long a5) {
        Result<SocketFile> s = SysSocket.lookup(t, fd);
        if (s.failed()) {
            return s.ret();
        }
        if (timeout != 0) {
            long nsec = t.memory().readLong(timeout + 8);
            if (t.memory().readLong(timeout) < 0 || nsec < 0 || nsec >= 1_000_000_000L) {
                return Errno.EINVAL.ret();
            }
        }
        return eachEntry(t, mmsg, vlen,
                (entry, i) -> recvmsg(t, fd, entry, i == 0 ? flags : flags | MSG_DONTWAIT, 0, 0, 0));
    }

    /** One sendmsg or recvmsg on the mmsghdr at {@code entry}, the {@code index}-th of the batch. */
    private interface EntryCall {
        long call(long entry, int index);
    }

    /**
     * The batch loop of sendmmsg and recvmmsg: up to UIO_MAXIOV entries, each one's msg_len filled
     * in; an error (a bad entry is EFAULT) ends the batch and is returned only for the first entry.
     */
    private static long eachEntry(Task t, long mmsg, long vlen, EntryCall op) {
        long n = Math.min(vlen, UIO_MAXIOV);
        int done = 0;
        for (; done < n; done++) {
            long entry = mmsg + (long) MMSGHDR_SIZE * done;
            long r;
            try {
                r = op.call(entry, done);
            } catch (BadAddressException e) {
                r = Errno.EFAULT.ret();
            }
            if (r < 0) {
                return done == 0 ? r : done;
            }
            t.memory().writeInt(entry + MSGHDR_SIZE, (int) r);
        }
        return done;
    }

    private static ByteBuffer readMsghdr(AddressSpace mem, long msg) {
        byte[] raw = new byte[MSGHDR_SIZE];
        mem.read(msg, raw, 0, raw.length);
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * import_iovec: {base, len} pairs; EMSGSIZE beyond UIO_MAXIOV, EINVAL for a negative length,
     * EFAULT for a segment outside user space; the total capped at MAX_RW_COUNT.
     */
    static Result<long[]> importIovec(AddressSpace mem, long iov, long count) {
        if (Long.compareUnsigned(count, UIO_MAXIOV) > 0) {
            return Result.err(Errno.EMSGSIZE);
        }
        byte[] raw = new byte[(int) count * 16];
        if (raw.length > 0) {
            mem.read(iov, raw, 0, raw.length);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[(int) count * 2];
        long total = 0;
        for (int i = 0; i < count; i++) {
            long base = b.getLong(16 * i), len = b.getLong(16 * i + 8);
            if (len < 0) {
                return Result.err(Errno.EINVAL);
            }
            if (!UserMemory.accessOk(base, len)) {
                return Result.err(Errno.EFAULT);
            }
            len = Math.min(len, MAX_RW_COUNT - total);
            total += len;
            v[2 * i] = base;
            v[2 * i + 1] = len;
        }
        return Result.ok(v);
    }

    /** The bytes of the segments, at most {@link #MAX_COPY}; null when a segment cannot be read (EFAULT). */
    static byte[] gather(AddressSpace mem, long[] iov) {
        long total = 0;
        for (int i = 1; i < iov.length; i += 2) {
            total += iov[i];
        }
        byte[] data = new byte[(int) Math.min(total, MAX_COPY)];
        int at = 0;
        for (int i = 0; i < iov.length && at < data.length; i += 2) {
            int n = (int) Math.min(iov[i + 1], data.length - at);
            if (UserMemory.copyFromUser(mem, iov[i], data, at, n) < n) {
                return null;
            }
            at += n;
        }
        return data;
    }

    /** Writes {@code data} over the segments in order. */
    static void scatter(AddressSpace mem, long[] iov, byte[] data) {
        int at = 0;
        for (int i = 0; i < iov.length && at < data.length; i += 2) {
            int n = (int) Math.min(iov[i + 1], data.length - at);
            if (n > 0) {
                mem.write(iov[i], data, at, n);
            }
            at += n;
        }
    }
}
