package dev.agentrt.tools.sandbox;

import java.time.Duration;
import java.util.List;

/** The boundary the JVM kills and sweeps a guest through: a cgroup (tier A) or a slot uid (tier C). */
interface Containment extends AutoCloseable {

    /** Helper options that put the guest inside this boundary before it execs. */
    List<String> joinOptions();

    /** Kills every process inside, whatever their process tree looks like. */
    void killAll();

    /** Waits until nothing is left; true if empty within the timeout. */
    boolean awaitEmpty(Duration timeout);

    /** CPU used by all processes of the call so far, -1 if this boundary cannot tell. */
    long cpuNanos();

    /** Peak memory of the call, -1 if unknown. */
    long peakMemoryBytes();

    /** Whether the kernel OOM-killed something inside. */
    boolean oomKilled();

    /** Removes the boundary; false if it could not be removed (it is then not clean). */
    @Override
    void close();

    boolean removed();
}
