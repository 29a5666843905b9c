package dev.agentrt.worker;

/**
 * Sizes of the continuous batch.
 *
 * @param maxBatch   sequences decoded together in one engine step
 * @param maxContext positions of each sequence's KV cache (prompt and output together)
 */
public record DecoderSettings(int maxBatch, int maxContext) {
    /** The default context bound when the model allows more: long enough for agent turns, small enough to cache. */
    public static final int DEFAULT_MAX_CONTEXT = 8192;

    public DecoderSettings {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
        }
        if (maxContext < 2) {
            throw new IllegalArgumentException("max context must be >= 2 tokens, got " + maxContext);
        }
    }
}
