package dev.emu.emulator.hostnet;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.abi.Sockets;
import dev.emu.kernel.net.HostNetwork;
import dev.emu.kernel.net.HostSocket;
import dev.emu.kernel.vfs.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * `emu run --net host`: the kernel's {@link HostNetwork} over the host's own sockets, with Java
 * NIO channels in non-blocking mode and one {@link Selector} the kernel's idle path waits on.
 * Everything runs on the emulation thread.
 */
public final class NioHostNetwork implements HostNetwork, AutoCloseable {
    private final Selector selector;
    private long nextId;

    public NioHostNetwork() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for --net host", e);
        }
    }

    Selector selector() {
        return selector;
    }

    @Override
    public Result<HostSocket> open(int family, int type) {
        if (family != Sockets.AF_INET && family != Sockets.AF_INET6) {
            return Result.err(Errno.EAFNOSUPPORT);
        }
        if (type != Sockets.SOCK_STREAM && type != Sockets.SOCK_DGRAM) {
            return Result.err(Errno.ESOCKTNOSUPPORT);
        }
        try {
            return Result.ok(NioHostSocket.open(this, family, type, nextId++));
        } catch (IOException e) {
            return Result.err(HostErrors.errno(e));
        }
    }

    /** A socket accepted by a listener: its id comes from the same sequence. */
    long nextId() {
        return nextId++;
    }

    @Override
    public List<Ready> await(long timeoutNanos) {
        selector.selectedKeys().clear();
        try {
            if (timeoutNanos <= 0) {
                selector.selectNow();
            } else {
                selector.select(Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
            }
        } catch (IOException e) {
            return List.of();
        }
        List<NioHostSocket> ready = new ArrayList<>();
        for (SelectionKey k : selector.selectedKeys()) {
            if (k.isValid() && k.attachment() instanceof NioHostSocket s) {
                ready.add(s);
            }
        }
        ready.sort(Comparator.comparingLong(NioHostSocket::id)); // the order the sockets were made
        List<Ready> out = new ArrayList<>();
        for (NioHostSocket s : ready) {
            int events = pollEvents(s.key().readyOps());
            if (events != 0) {
                out.add(new Ready(s, events));
            }
        }
        selector.selectedKeys().clear();
        return out;
    }

    /** NIO's ready operations as poll events: something to read or accept, room to write or a connect that ended. */
    static int pollEvents(int ops) {
        int events = 0;
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            events |= PollEvents.POLLIN;
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            events |= PollEvents.POLLOUT;
        }
        return events;
    }

    @Override
    public String description() {
        return "host sockets through Java NIO";
    }

    @Override
    public void close() {
        for (SelectionKey k : selector.keys()) {
            try {
                k.channel().close();
            } catch (IOException ignored) {
                // closing at exit: nothing to report to a guest that is gone
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // as above
        }
    }
}
