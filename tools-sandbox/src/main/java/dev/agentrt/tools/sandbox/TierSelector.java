package dev.agentrt.tools.sandbox;

/**
 * Picks the strongest tier the probe facts allow (shared/docs/sandbox.md §3.3). Tier B comes only
 * from configuration: the host probe never reports runner pods.
 */
public final class TierSelector {

    /** Landlock ABI 4 is the first that can deny TCP, which tier C relies on with no net namespace. */
    public static final int TIER_C_MIN_LANDLOCK_ABI = 4;

    private TierSelector() {
    }

    public static Tier select(ProbeFacts facts) {
        if (facts.runnerPods()) {
            // Only ever set when tier B is configured and its Kubernetes check passed.
            return Tier.B;
        }
        if (!facts.root() || !facts.seccomp()) {
            // Slot uids need root to switch to; without seccomp no tier's layering holds.
            return Tier.D;
        }
        if (facts.bubblewrap() && facts.cgroups() != CgroupMode.NONE) {
            return Tier.A;
        }
        if (facts.landlockAbi() >= TIER_C_MIN_LANDLOCK_ABI) {
            return Tier.C;
        }
        return Tier.D;
    }
}
