package dev.emu.kernel.net;

import dev.emu.kernel.fs.File;
import java.util.List;

/**
 * What sendmsg hands a socket: the bytes, the destination as the guest wrote it (null: the connected peer; each protocol decodes it), the files of
 * an SCM_RIGHTS message (retained by the caller; a socket that queues them takes the references)
 * and the credentials of an SCM_CREDENTIALS message (null: the sender's own).
 */
public record OutgoingMessage(byte[] data, byte[] to, List<File> rights, Credentials creds) {
    public static OutgoingMessage of(byte[] data) {
        return new OutgoingMessage(data, null, List.of(), null);
    }
}
