package dev.agentrt.generate;

import dev.agentrt.engine.Engine;
import dev.agentrt.engine.SamplingEngine;
import dev.agentrt.kv.KvCache;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The decode loop of spec §8.3: prefill the whole prompt, sample from the last position, then feed each sampled
 * token back one at a time. Stops after a stop token (which is emitted) or after {@code maxTokens} tokens.
 */
public final class Generator {
    /** Why generation ended. */
    public enum StopReason { STOP_TOKEN, MAX_TOKENS }

    /** The generated ids (prompt excluded) and why generation ended. */
    public record Result(int[] tokens, StopReason reason) {
    }

    private final Engine engine;
    private final StopTokens stops;

    public Generator(Engine engine, StopTokens stops) {
        this.engine = engine;
        this.stops = stops;
    }

    public Result generate(int[] prompt, int maxTokens, Sampler sampler, IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must contain at least one token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        KvCache cache = engine.newCache(prompt.length + maxTokens);
        if (engine instanceof SamplingEngine device) {
            return generateSampled(device, cache, prompt, maxTokens, sampler, onToken);
        }
        float[] logits = new float[engine.config().vocabSize()];
        KvCache[] caches = {cache};
        int[] next = new int[1];
        float[][] rows = {logits};
        engine.prefill(cache, prompt, logits);
        int[] out = new int[maxTokens];
        for (int n = 0; ; ) {
            int token = sampler.sample(logits);
            out[n++] = token;
            onToken.accept(token);
            if (stops.isStop(token)) {
                return new Result(Arrays.copyOf(out, n), StopReason.STOP_TOKEN);
            }
            if (n == maxTokens) {
                return new Result(out, StopReason.MAX_TOKENS);
            }
            next[0] = token;
            engine.decode(caches, next, rows);
        }
    }

    /** The same loop with the engine picking the tokens (only ids come back). */
    private Result generateSampled(SamplingEngine device, KvCache cache, int[] prompt, int maxTokens, Sampler sampler,
                                   IntConsumer onToken) {
        KvCache[] caches = {cache};
        Sampler[] samplers = {sampler};
        int[] next = new int[1];
        int[] out = new int[maxTokens];
        int token = device.prefillAndSample(cache, prompt, sampler);
        for (int n = 0; ; ) {
            out[n++] = token;
            onToken.accept(token);
            if (stops.isStop(token)) {
                return new Result(Arrays.copyOf(out, n), StopReason.STOP_TOKEN);
            }
            if (n == maxTokens) {
                return new Result(out, StopReason.MAX_TOKENS);
            }
            device.decodeAndSample(caches, new int[] {token}, samplers, next);
            token = next[0];
        }
    }
}
