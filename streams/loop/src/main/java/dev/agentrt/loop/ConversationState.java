package dev.agentrt.loop;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the loop knows about one conversation. Immutable; {@link AgentLoop} returns a new one.
 *
 * @param messages       every message so far, chain of thought included (it is dropped only from prompts)
 * @param turn           the last turn requested from a worker (0 before the first)
 * @param transcriptSize messages appended to the transcript so far (the next sequence number)
 */
public record ConversationState(String conversationId, ConversationStatus status, List<LoopMessage> messages,
                                Set<String> tools, Limits limits, Instant startedAt, int turn, Pending pending,
                                Usage usage, long transcriptSize, String error) {

    public ConversationState {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(status, "status");
        messages = List.copyOf(messages);
        tools = Set.copyOf(tools);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(usage, "usage");
    }

    public boolean isFinished() {
        return status.isFinished();
    }
}
