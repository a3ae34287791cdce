package dev.emu.kernel.net;

import dev.emu.kernel.limits.MemoryAccountant;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A socket's receive queue (sk_receive_queue). Each segment is charged to the guest's memory
 * while queued and to its sender's send buffer (sk_wmem_alloc) until it is read, when the sender
 * is woken (sock_wfree → sk_write_space).
 */
final class ReceiveQueue implements Iterable<Segment> {
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final Network net;
    private long bytes;

    ReceiveQueue(Network net) {
        this.net = net;
    }

    /** Queues {@code s}; false when the guest's memory cannot hold it. */
    boolean add(Segment s) {
        MemoryAccountant m = net.memory();
        if (m != null && !m.tryChargeHeap(s.cost)) {
            return false;
        }
        segments.addLast(s);
        bytes += s.remaining();
        if (s.sender != null) {
            s.sender.wmemAlloc += s.cost;
        }
        return true;
    }

    Segment peek() {
        return segments.peekFirst();
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    int size() {
        return segments.size();
    }

    /** Unread bytes (SIOCINQ for a stream). */
    long bytes() {
        return bytes;
    }

    /** Marks {@code n} bytes of the head segment read; a fully read segment leaves the queue. */
    void consume(Segment s, int n) {
        s.consumed += n;
        bytes -= n;
        if (s.remaining() == 0) {
            remove(s);
        }
    }

    /** Removes a segment (read, or a datagram's unread tail discarded). */
    void remove(Segment s) {
        segments.remove(s);
        bytes -= s.remaining();
        s.consumed = s.data.length;
        if (net.memory() != null) {
            net.memory().unchargeHeap(s.cost);
        }
        if (s.sender != null) {
            s.sender.wmemAlloc -= s.cost;
            s.sender.wakeWaiters();
        }
    }

    /** Drops every segment, closing files in flight (the socket is being released). */
    void purge() {
        while (!segments.isEmpty()) {
            Segment s = segments.peekFirst();
            s.dropRights();
            remove(s);
        }
    }

    @Override
    public Iterator<Segment> iterator() {
        return segments.iterator();
    }
}
