package dev.emu.kernel.net;

import dev.emu.kernel.fs.File;
import java.util.List;

/**
 * One queued message (Linux's sk_buff on a receive queue): its bytes, the files an SCM_RIGHTS
 * message carries (retained while in flight), the sender's credentials, the source address of a
 * datagram, and what it costs the sender's send buffer (its truesize).
 */
final class Segment {
    final byte[] data;
    /** Bytes of {@link #data} a stream reader has already consumed. */
    int consumed;
    /** Files in flight; null when the message carries none. Owned by the segment until received. */
    List<File> rights;
    final Credentials creds;
    final SocketAddress from;
    final int cost;
    /** The socket whose send buffer this segment is charged to (sk_wmem_alloc). */
    final SocketFile sender;

    Segment(byte[] data, List<File> rights, Credentials creds, SocketAddress from, SocketFile sender, int cost) {
        this.data = data;
        this.rights = rights == null || rights.isEmpty() ? null : rights;
        this.creds = creds;
        this.from = from;
        this.sender = sender;
        this.cost = cost;
    }

    /** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) and of struct sk_buff, on x86_64. */
    private static final int SHINFO = 320, SKB = 256, PAGE = 4096;
    /** SKB_MAX_HEAD(0) and SKB_MAX_ALLOC: the most a linear skb head holds for a stream, a datagram. */
    private static final int MAX_HEAD = PAGE - SHINFO, MAX_ALLOC = (PAGE << 2) - SHINFO;

    /**
     * An skb's truesize: its kmalloc'ed head (data plus shared info, rounded up to the slab's power
     * of two, at least 512) and the sk_buff, plus whole pages for data kept in page fragments.
     * With it the buffer limits fall where Linux's do: 278 one-byte messages or 44 4 KiB stream
     * writes fill the default 212992-byte send buffer.
     */
    private static int truesize(int linear, int paged) {
        int head = Math.max(512, Integer.highestOneBit(linear + SHINFO - 1) << 1);
        return head + SKB + (paged + PAGE - 1) / PAGE * PAGE;
    }

    /** unix_stream_sendmsg's skb for {@code len} bytes: beyond SKB_MAX_HEAD the data goes in pages. */
    static int streamCost(int len) {
        int paged = len > MAX_HEAD ? Math.min(len, (len - MAX_HEAD + PAGE - 1) / PAGE * PAGE) : 0;
        return truesize(len - paged, paged);
    }

    /** unix_dgram_sendmsg's skb: linear up to SKB_MAX_ALLOC, the rest in pages. */
    static int datagramCost(int len) {
        int paged = len > MAX_ALLOC ? (len - MAX_ALLOC + PAGE - 1) / PAGE * PAGE : 0;
        return truesize(Math.max(0, len - paged), paged);
    }

    int remaining() {
        return data.length - consumed;
    }

    /** Closes the files of a message that is dropped unread (unix_destruct_scm). */
    void dropRights() {
        if (rights != null) {
            rights.forEach(File::release);
            rights = null;
        }
    }
}
