package dev.agentrt.tools.sandbox;

import java.nio.file.Path;

/**
 * One execution slot: a dedicated non-root host uid, a cgroup name and a work directory. At most
 * one call runs in a slot at a time.
 *
 * @param index    0-based slot number
 * @param uid      host uid (and gid) the guest runs as; never root, never shared
 * @param dir      the slot's private directory on tmpfs (mode 0700, owned by uid)
 */
public record Slot(int index, int uid, Path dir) {
    public Slot {
        if (uid <= 0 || uid == 65534) {
            throw new IllegalArgumentException("slot uid must be a dedicated non-root uid: " + uid);
        }
    }

    public String cgroupName() {
        return "slot-" + index;
    }

    /** Bound at /workspace in tier A; the guest's cwd and home. */
    public Path workDir() {
        return dir.resolve("work");
    }

    /** The guest's TMPDIR in tier C (tier A gets a sized tmpfs instead). */
    public Path tmpDir() {
        return dir.resolve("tmp");
    }
}
