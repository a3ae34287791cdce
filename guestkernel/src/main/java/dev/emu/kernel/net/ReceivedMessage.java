package dev.emu.kernel.net;

import dev.emu.kernel.fs.File;
import java.util.List;

/**
 * What a socket's receive gives back: a status (a negative errno or RESTART, else 0), the bytes
 * read, the full length of a datagram (greater than {@code data.length} when it was truncated:
 * MSG_TRUNC), the sender's address, files received (owned by the caller, who installs or releases
 * them) and the sender's credentials when the receiver asked for them (SO_PASSCRED).
 */
public record ReceivedMessage(long status, byte[] data, int fullLength, SocketAddress from, List<File> rights,
                              Credentials creds) {
    static ReceivedMessage error(long status) {
        return new ReceivedMessage(status, new byte[0], 0, null, List.of(), null);
    }

    public boolean failed() {
        return status < 0;
    }

    /** Closes received files nobody will install (read(2), or no room for SCM_RIGHTS). */
    public void dropRights() {
        rights.forEach(File::release);
    }
}
