package dev.agentrt.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The bounds a conversation runs within; crossing any of them ends it with an explicit status.
 *
 * @param maxTurns                model turns allowed (each inference request is one turn)
 * @param maxOutputTokensPerTurn  completion tokens one turn may produce (the worker enforces it;
 *                                a turn that stops on it ends the conversation)
 * @param maxTotalTokens          budget over the whole conversation: prompt + completion tokens of every turn
 * @param deadline                wall-clock instant after which the conversation ends; null = none
 * @param toolTimeout             how long one tool call may take before the conversation ends
 */
public record Limits(int maxTurns, int maxOutputTokensPerTurn, long maxTotalTokens,
                     Instant deadline, Duration toolTimeout) {

    public static final Limits DEFAULTS = new Limits(16, 2048, 200_000, null, Duration.ofSeconds(60));

    public Limits {
        if (maxTurns < 1) throw new IllegalArgumentException("maxTurns must be >= 1, was " + maxTurns);
        if (maxOutputTokensPerTurn < 1)
            throw new IllegalArgumentException("maxOutputTokensPerTurn must be >= 1, was " + maxOutputTokensPerTurn);
        if (maxTotalTokens < 1) throw new IllegalArgumentException("maxTotalTokens must be >= 1, was " + maxTotalTokens);
        Objects.requireNonNull(toolTimeout, "toolTimeout");
        if (toolTimeout.isNegative() || toolTimeout.isZero())
            throw new IllegalArgumentException("toolTimeout must be positive, was " + toolTimeout);
    }
}
