package dev.agentrt.engine;

import dev.agentrt.kv.KvCache;
import dev.agentrt.model.GptOssConfig;

/**
 * A gpt-oss inference engine: prefill and decode for a batch of independent sequences, each with its own KV cache,
 * returning full-vocabulary logits. Implementations are not thread-safe: one caller drives an engine.
 */
public interface Engine extends AutoCloseable {
    GptOssConfig config();

    /** A new, empty KV cache for one sequence of at most {@code maxContext} positions. */
    KvCache newCache(int maxContext);

    /**
     * Appends {@code tokens} to the sequence of {@code cache} and writes the logits of the last position to
     * {@code lastLogits} (length vocab).
     */
    void prefill(KvCache cache, int[] tokens, float[] lastLogits);

    /** Like {@link #prefill} but writes the logits of every position: {@code logits[i]} for {@code tokens[i]}. */
    void prefillAll(KvCache cache, int[] tokens, float[][] logits);

    /**
     * One decode step for several sequences: appends {@code tokens[i]} to {@code caches[i]} and writes its next-token
     * logits to {@code logits[i]}. The caches must be distinct.
     */
    void decode(KvCache[] caches, int[] tokens, float[][] logits);

    @Override
    void close();
}
