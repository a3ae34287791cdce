package dev.emu.emulator.hostnet;

import dev.emu.abi.Errno;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Locale;

/**
 * The errno behind a host socket failure. The JDK reports the host's errno as its strerror text
 * (sun.nio.ch.Net, NET_ThrowNew), so the text is mapped back; a few failures have their own
 * exception class.
 */
final class HostErrors {
    private HostErrors() {}

    static Errno errno(Exception e) {
        if (e instanceof PortUnreachableException) {
            return Errno.ECONNREFUSED; // the ICMP port unreachable a connected UDP socket got
        }
        if (e instanceof NoRouteToHostException) {
            return Errno.EHOSTUNREACH;
        }
        if (e instanceof AlreadyBoundException) {
            return Errno.EINVAL;
        }
        if (e instanceof AlreadyConnectedException) {
            return Errno.EISCONN;
        }
        if (e instanceof ConnectionPendingException) {
            return Errno.EALREADY;
        }
        if (e instanceof NotYetConnectedException) {
            return Errno.ENOTCONN;
        }
        if (e instanceof UnsupportedAddressTypeException) {
            return Errno.EAFNOSUPPORT;
        }
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("refused")) {
            return Errno.ECONNREFUSED;
        }
        if (m.contains("timed out")) {
            return Errno.ETIMEDOUT;
        }
        if (m.contains("network is unreachable")) {
            return Errno.ENETUNREACH;
        }
        if (m.contains("no route to host")) {
            return Errno.EHOSTUNREACH;
        }
        if (m.contains("already in use")) {
            return Errno.EADDRINUSE;
        }
        if (m.contains("cannot assign requested address")) {
            return Errno.EADDRNOTAVAIL;
        }
        if (m.contains("permission denied")) {
            return Errno.EACCES;
        }
        if (m.contains("reset")) {
            return Errno.ECONNRESET;
        }
        if (m.contains("broken pipe")) {
            return Errno.EPIPE;
        }
        if (m.contains("message too long")) {
            return Errno.EMSGSIZE;
        }
        if (m.contains("too many open files")) {
            return Errno.EMFILE;
        }
        if (m.contains("no buffer space")) {
            return Errno.ENOBUFS;
        }
        if (m.contains("not connected")) {
            return Errno.ENOTCONN;
        }
        if (m.contains("invalid argument")) {
            return Errno.EINVAL;
        }
        if (m.contains("address family not supported") || m.contains("protocol family unavailable")) {
            return Errno.EAFNOSUPPORT;
        }
        if (e instanceof BindException) {
            return Errno.EADDRINUSE;
        }
        if (e instanceof ConnectException) {
            return Errno.ECONNREFUSED;
        }
        return Errno.EIO;
    }

    static long ret(Exception e) {
        return errno(e).ret();
    }
}
