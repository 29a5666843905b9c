package dev.agentrt.tools;

/** Outcome class of a tool call, as the model and the loop see it. */
public enum ToolStatus {
    OK, ERROR, TIMEOUT, CPU_LIMIT, MEMORY_LIMIT, OUTPUT_LIMIT, SANDBOX_UNAVAILABLE, BUSY, BAD_ARGUMENTS, UNKNOWN_TOOL;

    /** Whether the same call may succeed if simply sent again later. */
    public boolean retriable() {
        return this == BUSY;
    }
}
