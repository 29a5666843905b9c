package dev.agentrt.tools.sandbox;

/**
 * What the startup probe found on this host. Tests force tier selection by building these
 * directly; {@link SandboxProbe} fills them from the real machine.
 *
 * @param root            the executor runs as root (needed to switch to slot uids and own cgroups)
 * @param bubblewrap      bwrap ran a trivial sandbox with fresh user/pid/net/mount namespaces
 * @param cgroups         which cgroup hierarchy is usable, {@link CgroupMode#NONE} if none is writable
 * @param landlockAbi     the kernel's Landlock ABI, 0 if unavailable
 * @param seccomp         seccomp filters can be installed
 * @param detail          human-readable notes for the log and {@code tools exec} output
 */
public record ProbeFacts(boolean root, boolean bubblewrap, CgroupMode cgroups, int landlockAbi,
                         boolean seccomp, String detail) {

    public ProbeFacts {
        if (cgroups == null) {
            throw new IllegalArgumentException("cgroups must not be null");
        }
        detail = detail == null ? "" : detail;
    }
}
