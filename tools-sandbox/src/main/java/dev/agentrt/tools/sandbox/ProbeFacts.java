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
 * @param runnerPods      tier B was configured and its Kubernetes check passed (API reachable, token
 *                        accepted, RBAC in place). The host probe never sets it: tier B is chosen only
 *                        by configuration ({@link SandboxConfig#kubernetes()})
 */
public record ProbeFacts(boolean root, boolean bubblewrap, CgroupMode cgroups, int landlockAbi,
                         boolean seccomp, String detail, boolean runnerPods) {

    public ProbeFacts {
        if (cgroups == null) {
            throw new IllegalArgumentException("cgroups must not be null");
        }
        detail = detail == null ? "" : detail;
    }

    /** Facts of a host probe (never tier B). */
    public ProbeFacts(boolean root, boolean bubblewrap, CgroupMode cgroups, int landlockAbi, boolean seccomp,
                      String detail) {
        this(root, bubblewrap, cgroups, landlockAbi, seccomp, detail, false);
    }

    /** Facts of the tier-B check: nothing about the host matters, the runner pods are the sandbox. */
    public static ProbeFacts kubernetes(boolean ready, String detail) {
        return new ProbeFacts(false, false, CgroupMode.NONE, 0, false, detail, ready);
    }
}
