package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.AF_INET;
import static dev.emu.abi.Sockets.AF_INET6;
import static dev.emu.abi.Sockets.AF_UNIX;
import static dev.emu.abi.Sockets.AF_UNSPEC;

import dev.emu.abi.Errno;
import dev.emu.abi.Sockets;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.vfs.Result;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The sockaddr codecs: copying an address in and out of the guest as net/socket.c does
 * (move_addr_to_kernel, move_addr_to_user) and decoding each family's struct with the checks its
 * protocol makes (unix_validate_addr in net/unix/af_unix.c, inet_bind and tcp_v4_connect in
 * net/ipv4, inet6_bind in net/ipv6).
 *
 * <pre>
 *  sockaddr_un   u16 family | char sun_path[108]                         (110 bytes)
 *  sockaddr_in   u16 family | be16 port | be32 addr | 8 zero bytes       (16 bytes)
 *  sockaddr_in6  u16 family | be16 port | be32 flowinfo | 16 addr | u32 scope_id (28 bytes)
 * </pre>
 */
public final class Sockaddrs {
    private Sockaddrs() {}

    /** offsetof(struct sockaddr_un, sun_path). */
    static final int SUN_PATH_OFFSET = 2;
    /** SIN6_LEN_RFC2133: the shortest sockaddr_in6 Linux accepts (no sin6_scope_id). */
    static final int SIN6_LEN_RFC2133 = 24;

    /** move_addr_to_kernel: {@code len} bytes at {@code addr}; EINVAL above sockaddr_storage. */
    public static Result<byte[]> copyIn(AddressSpace mem, long addr, long len) {
        if (len < 0 || len > Sockets.SOCKADDR_STORAGE_SIZE) {
            return Result.err(Errno.EINVAL);
        }
        byte[] raw = new byte[(int) len];
        if (len > 0) {
            mem.read(addr, raw, 0, raw.length);
        }
        return Result.ok(raw);
    }

    /**
     * move_addr_to_user: writes as much of {@code encoded} as the guest's {@code *lenPtr} allows and
     * stores the full length in {@code *lenPtr}; EINVAL when the guest's length is negative.
     */
    public static long copyOut(AddressSpace mem, byte[] encoded, long addr, long lenPtr) {
        int ulen = mem.readInt(lenPtr);
        if (ulen < 0) {
            return Errno.EINVAL.ret();
        }
        int n = Math.min(ulen, encoded.length);
        if (n > 0) {
            mem.write(addr, encoded, 0, n);
        }
        mem.writeInt(lenPtr, encoded.length);
        return 0;
    }

    /** The family field of a raw address (AF_UNSPEC when shorter than the field). */
    public static int family(byte[] raw) {
        return raw.length < 2 ? -1 : (raw[0] & 0xff) | (raw[1] & 0xff) << 8;
    }

    /**
     * unix_validate_addr and unix_mkname: a path name ends at its first NUL (or the address's
     * end); an abstract name is every byte after sun_family. EINVAL for a length outside
     * (offsetof(sun_path), sizeof(sockaddr_un)] or a family other than AF_UNIX.
     */
    public static Result<UnixAddress> unix(byte[] raw) {
        if (raw.length <= SUN_PATH_OFFSET || raw.length > Sockets.SOCKADDR_UN_SIZE || family(raw) != AF_UNIX) {
            return Result.err(Errno.EINVAL);
        }
        if (raw[SUN_PATH_OFFSET] == 0) {
            return Result.ok(new UnixAddress(Arrays.copyOfRange(raw, SUN_PATH_OFFSET, raw.length)));
        }
        int end = SUN_PATH_OFFSET;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return Result.ok(new UnixAddress(Arrays.copyOfRange(raw, SUN_PATH_OFFSET, end)));
    }

    /** unix_getname's struct: the family, then the name (a path name with its NUL). */
    public static byte[] encode(UnixAddress a) {
        int len = SUN_PATH_OFFSET + a.name().length + (a.unnamed() || a.isAbstract() ? 0 : 1);
        byte[] b = new byte[len];
        b[0] = (byte) AF_UNIX;
        System.arraycopy(a.name(), 0, b, SUN_PATH_OFFSET, a.name().length);
        return b;
    }

    /**
     * An AF_INET or AF_INET6 address for a socket of {@code family}: EINVAL when shorter than the
     * family's struct (sockaddr_in6 may omit its scope id), EAFNOSUPPORT for another family —
     * except that an IPv4 socket takes AF_UNSPEC with INADDR_ANY as AF_INET when
     * {@code unspecAny} (inet_bind's "compatibility games").
     */
    public static Result<InetAddress> inet(byte[] raw, int family, boolean unspecAny) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        if (family == AF_INET) {
            if (raw.length < Sockets.SOCKADDR_IN_SIZE) {
                return Result.err(Errno.EINVAL);
            }
            byte[] addr = Arrays.copyOfRange(raw, 4, 8);
            int f = family(raw);
            if (f != AF_INET && !(unspecAny && f == AF_UNSPEC && Arrays.equals(addr, InetAddress.V4_ANY))) {
                return Result.err(Errno.EAFNOSUPPORT);
            }
            return Result.ok(new InetAddress(AF_INET, addr, b.getShort(2) & 0xffff));
        }
        if (raw.length < SIN6_LEN_RFC2133) {
            return Result.err(Errno.EINVAL);
        }
        if (family(raw) != AF_INET6) {
            return Result.err(Errno.EAFNOSUPPORT);
        }
        return Result.ok(new InetAddress(AF_INET6, Arrays.copyOfRange(raw, 8, 24), b.getShort(2) & 0xffff));
    }

    /** struct sockaddr_in or sockaddr_in6 for {@code a}. */
    public static byte[] encode(InetAddress a) {
        ByteBuffer b = ByteBuffer.allocate(a.isV6() ? Sockets.SOCKADDR_IN6_SIZE : Sockets.SOCKADDR_IN_SIZE);
        b.order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) a.family());
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) a.port());
        b.put(a.isV6() ? 8 : 4, a.address());
        return b.array();
    }

    public static byte[] encode(SocketAddress a) {
        return switch (a) {
            case UnixAddress u -> encode(u);
            case InetAddress i -> encode(i);
        };
    }
}
