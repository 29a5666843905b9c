package dev.agentrt.loop;

/** Why the worker stopped decoding a turn. */
public enum StopReason {
    /** {@code <|return|>} or {@code <|endoftext|>}: the model finished. */
    RETURN,
    /** {@code <|call|>}: the model called a tool. */
    CALL,
    /** The turn hit its output-token limit. */
    LENGTH,
    /** The worker stopped the turn because the conversation's deadline passed. */
    DEADLINE,
    /** The worker failed; see the error text. */
    ERROR
}
