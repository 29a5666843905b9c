package dev.agentrt.engine;

import dev.agentrt.generate.Sampler;
import dev.agentrt.kv.KvCache;

/**
 * An engine that can also pick the next token itself (on a GPU: so that only the token id crosses the bus instead of
 * the full-vocabulary logits). The pick follows each sequence's {@link Sampler}: greedy is exact argmax; otherwise
 * the same temperature / top-k / top-p distribution, drawn with the sampler's own random stream
 * ({@link Sampler#nextUniform}), so a seed still fixes the outcome for a given engine.
 */
public interface SamplingEngine extends Engine {
    /** {@link #prefill}, then the next token picked from the last position's logits. */
    int prefillAndSample(KvCache cache, int[] tokens, Sampler sampler);

    /** {@link #decode}, then {@code next[i]} picked for sequence {@code i} by {@code samplers[i]}. */
    void decodeAndSample(KvCache[] caches, int[] tokens, Sampler[] samplers, int[] next);
}
