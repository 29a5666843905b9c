package dev.agentrt.loop;

/** How a conversation ended (or that it has not yet). */
public enum ConversationStatus {
    ACTIVE,
    COMPLETED,
    MAX_TURNS,
    TURN_TOKEN_LIMIT,
    TOKEN_BUDGET,
    DEADLINE,
    TOOL_TIMEOUT,
    UNKNOWN_TOOL,
    WORKER_ERROR,
    INVALID_REQUEST;

    public boolean isFinished() {
        return this != ACTIVE;
    }
}
