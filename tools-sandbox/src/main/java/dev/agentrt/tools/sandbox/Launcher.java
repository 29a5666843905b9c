package dev.agentrt.tools.sandbox;

/**
 * Runs one untrusted program in a slot, at the tier this launcher provides. Implementations never
 * run guest code in the executor JVM and never without the isolation their tier promises.
 */
public interface Launcher {

    Tier tier();

    /** Runs the spec in the (already acquired) slot; the result says whether the slot is still clean. */
    LaunchResult run(SandboxSpec spec, Slot slot);

    /** Kills and clears anything a previous executor left in this slot (startup sweep). */
    void sweepStale(Slot slot);

    /** Releases what the launcher set up for the whole instance (not per call). */
    default void close() {
    }
}
