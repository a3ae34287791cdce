package dev.emu.kernel.vfs;

import java.nio.file.Path;

/**
 * A host directory to pass through (`--mount HOST:GUEST[:ro|:rw]`).
 *
 * @param host an existing host directory
 * @param guest the absolute guest path it appears at
 */
public record MountSpec(Path host, String guest, boolean readOnly) {

    /**
     * Parses HOST:GUEST[:ro|:rw] (read-only unless ":rw"); GUEST defaults to HOST when omitted.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public static MountSpec parse(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length > 3 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("--mount expects HOST:GUEST[:ro|:rw], got '" + spec + "'");
        }
        String guest = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : parts[0];
        boolean ro = true;
        if (parts.length == 3) {
            switch (parts[2]) {
                case "ro" -> ro = true;
                case "rw" -> ro = false;
                default -> throw new IllegalArgumentException("--mount: the mode must be 'ro' or 'rw', got '" + parts[2] + "'");
            }
        }
        if (!guest.startsWith("/")) {
            throw new IllegalArgumentException("--mount: the guest path must be absolute, got '" + guest + "'");
        }
        return new MountSpec(Path.of(parts[0]).toAbsolutePath().normalize(), guest, ro);
    }
}
