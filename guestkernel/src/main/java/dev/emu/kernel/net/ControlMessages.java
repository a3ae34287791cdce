package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Ancillary data (net/core/scm.c): SCM_RIGHTS and SCM_CREDENTIALS parsed from a sendmsg's control
 * buffer (__scm_send) and written into a recvmsg's (put_cmsg, scm_detach_fds).
 *
 * <pre>
 *  struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; }   16 bytes, then the data;
 *  the next header starts at CMSG_ALIGN(cmsg_len), a multiple of 8.
 * </pre>
 */
final class ControlMessages {
    private ControlMessages() {}

    static final int HEADER = 16;

    static int align(long n) {
        return (int) ((n + 7) & ~7L);
    }

    /** What a sendmsg's control buffer asks for; the files are retained (the caller releases them). */
    record Parsed(List<File> rights, Credentials creds) {
        void release() {
            rights.forEach(File::release);
        }
    }

    /**
     * __scm_send: EINVAL for a malformed header or an option the family does not take (every
     * SOL_SOCKET message but SCM_RIGHTS and SCM_CREDENTIALS on AF_UNIX), EBADF for a file that is
     * not open, ESRCH for credentials naming no process; other levels are ignored.
     */
    static Result<Parsed> parse(Task t, SocketFile socket, byte[] control) {
        List<File> rights = new ArrayList<>();
        Credentials creds = null;
        ByteBuffer b = ByteBuffer.wrap(control).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        Errno err = null;
        while (control.length - at >= HEADER) {
            long len = b.getLong(at);
            if (len < HEADER || len > control.length - at) {
                err = Errno.EINVAL;
                break;
            }
            int level = b.getInt(at + 8), type = b.getInt(at + 12);
            if (level == SOL_SOCKET) {
                if (socket.family() != AF_UNIX || (type != SCM_RIGHTS && type != SCM_CREDENTIALS)) {
                    err = Errno.EINVAL;
                    break;
                }
                if (type == SCM_RIGHTS) {
                    int n = (int) ((len - HEADER) / 4);
                    if (rights.size() + n > SCM_MAX_FD) {
                        err = Errno.EINVAL;
                        break;
                    }
                    for (int i = 0; i < n && err == null; i++) {
                        File f = t.process().fds().get(b.getInt(at + HEADER + 4 * i));
                        if (f == null) {
                            err = Errno.EBADF;
                        } else {
                            rights.add(f.retain());
                        }
                    }
                    if (err != null) {
                        break;
                    }
                } else {
                    if (len != HEADER + 12) {
                        err = Errno.EINVAL;
                        break;
                    }
                    int pid = b.getInt(at + HEADER);
                    if (t.kernel() != null && t.kernel().process(pid) == null) {
                        err = Errno.ESRCH;
                        break;
                    }
                    creds = new Credentials(pid, b.getInt(at + HEADER + 4), b.getInt(at + HEADER + 8));
                }
            }
            at += align(len);
        }
        if (err != null) {
            rights.forEach(File::release);
            return Result.err(err);
        }
        return Result.ok(new Parsed(rights, creds));
    }

    /** The control buffer a recvmsg fills, and the MSG_CTRUNC that overflowing it sets. */
    static final class Writer {
        private final Task task;
        private final long base;
        private final long capacity;
        private long used;
        boolean truncated;

        Writer(Task task, long base, long capacity) {
            this.task = task;
            this.base = base;
            this.capacity = capacity;
        }

        long used() {
            return used;
        }

        private long room() {
            return capacity - used;
        }

        /** put_cmsg: a header and data, cut to what fits (MSG_CTRUNC). */
        void put(int level, int type, byte[] data) {
            if (room() < HEADER) {
                truncated = true;
                return;
            }
            long cmlen = HEADER + data.length;
            if (room() < cmlen) {
                truncated = true;
                cmlen = room();
            }
            ByteBuffer h = ByteBuffer.allocate((int) cmlen).order(ByteOrder.LITTLE_ENDIAN);
            h.putLong(cmlen).putInt(level).putInt(type).put(data, 0, (int) cmlen - HEADER);
            task.memory().write(base + used, h.array(), 0, (int) cmlen);
            used += Math.min(room(), align(HEADER + data.length));
        }

        /**
         * scm_detach_fds: installs as many received files as the buffer has room for (O_CLOEXEC
         * with MSG_CMSG_CLOEXEC) and releases the rest; MSG_CTRUNC when some did not fit.
         */
        void putRights(List<File> files, boolean cloexec) {
            long max = room() > HEADER ? (room() - HEADER) / 4 : 0;
            List<Integer> fds = new ArrayList<>();
            int i = 0;
            for (; i < files.size() && i < max; i++) {
                int fd = task.process().fds().install(files.get(i), 0, cloexec);
                if (fd < 0) {
                    break;
                }
                fds.add(fd);
            }
            for (int j = i; j < files.size(); j++) {
                files.get(j).release();
            }
            if (i > 0) {
                int cmlen = HEADER + 4 * i;
                ByteBuffer h = ByteBuffer.allocate(cmlen).order(ByteOrder.LITTLE_ENDIAN);
                h.putLong(cmlen).putInt(SOL_SOCKET).putInt(SCM_RIGHTS);
                fds.forEach(h::putInt);
                task.memory().write(base + used, h.array(), 0, cmlen);
                used += Math.min(room(), align(cmlen));
            }
            if (i < files.size() || (!files.isEmpty() && max <= 0)) {
                truncated = true;
            }
        }
    }
}
