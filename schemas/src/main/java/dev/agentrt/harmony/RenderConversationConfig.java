package dev.agentrt.harmony;

/**
 * Options of the conversation renderers.
 *
 * @param autoDropAnalysis drop analysis (chain-of-thought) messages before the first {@code final} message
 *                         when the last assistant message is {@code final} (harmony-format.md §4.2). The
 *                         Python API defaults to true; the Rust API without a config behaves as false.
 */
public record RenderConversationConfig(boolean autoDropAnalysis) {
    /** Python's default: drop analysis. */
    public static final RenderConversationConfig DEFAULT = new RenderConversationConfig(true);
    /** Rust's {@code None}: keep every message. */
    public static final RenderConversationConfig KEEP_ANALYSIS = new RenderConversationConfig(false);
}
