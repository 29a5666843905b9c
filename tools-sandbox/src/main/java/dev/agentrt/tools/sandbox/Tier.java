package dev.agentrt.tools.sandbox;

/** Isolation tiers of shared/docs/sandbox.md §3.3, ordered here by strength. */
public enum Tier {
    /** No usable isolation: untrusted code is refused (fail closed). */
    D(0, "disabled: no usable isolation, code execution refused"),
    /** No namespaces or cgroups: slot uid + rlimits + Landlock + seccomp + JVM clock. */
    C(1, "unprivileged hardening: slot uid, rlimits, Landlock, seccomp"),
    /** bubblewrap namespaces + per-call cgroup + slot uid + rlimits + seccomp + Landlock. */
    A(2, "namespace sandbox: bubblewrap, per-call cgroup, slot uid, rlimits, seccomp, Landlock"),
    /** A VM or user-space kernel per call (gVisor/Kata runner pods); a deployment, see ops/k8s/sandbox. */
    B(3, "VM / user-space kernel runner pod");

    private final int strength;
    private final String description;

    Tier(int strength, String description) {
        this.strength = strength;
        this.description = description;
    }

    public boolean atLeast(Tier minimum) {
        return strength >= minimum.strength;
    }

    public boolean runsGuests() {
        return this != D;
    }

    public String description() {
        return description;
    }
}
