package dev.agentrt.tools.sandbox;

/** Why the JVM killed a guest from outside; the first reason wins. */
public enum KillReason {
    WALL_CLOCK, CPU_BUDGET, OUTPUT_CAP, EXECUTOR_SHUTDOWN
}
