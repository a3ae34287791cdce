package dev.emu.kernel.net;

import java.util.Arrays;

/**
 * An AF_UNIX address (struct sockaddr_un, net/unix/af_unix.c): unnamed (only the family), a path
 * name in the filesystem, or an abstract name (sun_path starting with a NUL byte; every byte up
 * to the address length is part of it).
 *
 * @param name sun_path as given: for a path, the bytes up to the first NUL; for an abstract
 *             name, the leading NUL and every byte after it; empty when unnamed
 */
public record UnixAddress(byte[] name) implements SocketAddress {
    public static final UnixAddress UNNAMED = new UnixAddress(new byte[0]);

    @Override
    public int family() {
        return dev.emu.abi.Sockets.AF_UNIX;
    }

    public boolean unnamed() {
        return name.length == 0;
    }

    public boolean isAbstract() {
        return name.length > 0 && name[0] == 0;
    }

    /** The path of a path-name address. */
    public String path() {
        return new String(name, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixAddress u && Arrays.equals(name, u.name);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(name);
    }

    @Override
    public String toString() {
        return unnamed() ? "unnamed" : isAbstract() ? "@" + new String(name, 1, name.length - 1) : path();
    }
}
