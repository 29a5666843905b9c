package dev.agentrt.worker;

import dev.agentrt.engine.Engine;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.GptOssConfig;
import java.util.concurrent.atomic.AtomicInteger;

/** TEST ONLY: passes through to a real engine and records the largest decode batch it was given. */
final class CountingEngine implements Engine {
    private final Engine engine;
    final AtomicInteger maxDecodeBatch = new AtomicInteger();
    final AtomicInteger decodeCalls = new AtomicInteger();
    final AtomicInteger prefillTokens = new AtomicInteger();

    CountingEngine(Engine engine) {
        this.engine = engine;
    }

    @Override public GptOssConfig config() { return engine.config(); }
    @Override public KvCache newCache(int maxContext) { return engine.newCache(maxContext); }

    @Override
    public void prefill(KvCache cache, int[] tokens, float[] lastLogits) {
        prefillTokens.addAndGet(tokens.length);
        engine.prefill(cache, tokens, lastLogits);
    }

    @Override
    public void prefillAll(KvCache cache, int[] tokens, float[][] logits) {
        prefillTokens.addAndGet(tokens.length);
        engine.prefillAll(cache, tokens, logits);
    }

    @Override
    public void decode(KvCache[] caches, int[] tokens, float[][] logits) {
        decodeCalls.incrementAndGet();
        maxDecodeBatch.accumulateAndGet(caches.length, Math::max);
        engine.decode(caches, tokens, logits);
    }

    @Override public void close() { engine.close(); }
}
