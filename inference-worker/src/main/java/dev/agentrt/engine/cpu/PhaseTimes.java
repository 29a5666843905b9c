package dev.agentrt.engine.cpu;

import java.util.Arrays;

/**
 * Where a {@link CpuEngine}'s forward steps spend their time, per phase, summed over layers: off by default (then
 * every call returns at once); {@link CpuEngine#phaseTimes()} turns it on for benchmarks. Wall-clock nanoseconds,
 * measured on the calling thread around each phase (a phase's pool run included).
 */
public final class PhaseTimes {
    /** The phases of a forward step, in order; {@code OTHER} is whatever the step spends outside the others. */
    public enum Phase {
        /** RMSNorm and the q, k, v projections (BF16). */
        QKV,
        /** RoPE, the KV-cache writes and attention itself. */
        ATTENTION,
        /** The attention output projection (BF16). */
        OUT,
        /** RMSNorm, router projection and top-k. */
        ROUTER,
        /** The routed experts' first projections (MXFP4 or BF16). */
        MLP1,
        /** SwiGLU and the experts' second projections. */
        MLP2,
        /** Final norm and unembedding (BF16). */
        UNEMBEDDING,
        /** Embedding, residual sums and the rest. */
        OTHER
    }

    private final long[] nanos = new long[Phase.values().length];
    private boolean enabled;
    private long stepStart;

    /** Starts (or restarts) the accounting from zero. */
    public void enable() {
        enabled = true;
        reset();
    }

    public void disable() {
        enabled = false;
    }

    public boolean enabled() {
        return enabled;
    }

    public void reset() {
        Arrays.fill(nanos, 0);
    }

    /** Nanoseconds spent so far in {@code phase}. */
    public long nanos(Phase phase) {
        return nanos[phase.ordinal()];
    }

    /** The time now when enabled, else 0. */
    long now() {
        return enabled ? System.nanoTime() : 0;
    }

    /** Adds the time since {@code since} to {@code phase} and returns the time now (0 when disabled). */
    long lap(Phase phase, long since) {
        if (!enabled) {
            return 0;
        }
        long t = System.nanoTime();
        nanos[phase.ordinal()] += t - since;
        return t;
    }

    /** Marks the start of a whole forward step (or logits pass), so that {@link #endStep} can account the rest. */
    void beginStep() {
        if (enabled) {
            stepStart = System.nanoTime() - sumNanos();
        }
    }

    /** Adds to {@code OTHER} the step's time not yet accounted to a phase. */
    void endStep() {
        if (enabled) {
            nanos[Phase.OTHER.ordinal()] += System.nanoTime() - stepStart - sumNanos();
        }
    }

    private long sumNanos() {
        long s = 0;
        for (long n : nanos) {
            s += n;
        }
        return s;
    }
}
