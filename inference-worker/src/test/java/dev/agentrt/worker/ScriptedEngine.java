package dev.agentrt.worker;

import dev.agentrt.engine.Engine;
import dev.agentrt.generate.StopTokens;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.synth.SynthPreset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * TEST ONLY: an engine whose logits make any sampler pick a fixed completion. Each prefill starts the next scripted
 * completion for that cache; every decode step moves it one token on; past its end it emits {@code <|endoftext|>}.
 * Records the largest decode batch and can be told to fail.
 */
final class ScriptedEngine implements Engine {
    private static final GptOssConfig CONFIG = SynthPreset.TINY_FULL.config();

    private final Deque<int[]> scripts = new ArrayDeque<>();
    private int maxDecodeBatch;
    private int decodeCalls;
    private boolean failDecode;

    ScriptedEngine(int[]... completions) {
        scripts.addAll(Arrays.asList(completions));
    }

    void failNextDecode() {
        failDecode = true;
    }

    int maxDecodeBatch() {
        return maxDecodeBatch;
    }

    int decodeCalls() {
        return decodeCalls;
    }

    private static final class Cache implements KvCache {
        final int capacity;
        int length;
        int[] script = new int[0];
        int next;

        Cache(int capacity) {
            this.capacity = capacity;
        }

        @Override public int length() { return length; }
        @Override public int capacity() { return capacity; }
        @Override public void reset() { length = 0; }

        void append(int n) {
            if (length + n > capacity) {
                throw new IllegalStateException("context overflow: " + (length + n) + " > " + capacity);
            }
            length += n;
        }

        int nextToken() {
            return next < script.length ? script[next++] : StopTokens.END_OF_TEXT;
        }
    }

    @Override
    public GptOssConfig config() {
        return CONFIG;
    }

    @Override
    public KvCache newCache(int maxContext) {
        return new Cache(maxContext);
    }

    @Override
    public void prefill(KvCache cache, int[] tokens, float[] lastLogits) {
        Cache c = (Cache) cache;
        c.append(tokens.length);
        if (scripts.isEmpty()) {
            throw new IllegalStateException("no scripted completion left for this prefill");
        }
        c.script = scripts.poll();
        c.next = 0;
        oneHot(lastLogits, c.nextToken());
    }

    @Override
    public void prefillAll(KvCache cache, int[] tokens, float[][] logits) {
        throw new UnsupportedOperationException("the worker does not use prefillAll");
    }

    @Override
    public void decode(KvCache[] caches, int[] tokens, float[][] logits) {
        decodeCalls++;
        maxDecodeBatch = Math.max(maxDecodeBatch, caches.length);
        if (failDecode) {
            failDecode = false;
            throw new IllegalStateException("scripted decode failure");
        }
        for (int i = 0; i < caches.length; i++) {
            Cache c = (Cache) caches[i];
            c.append(1);
            oneHot(logits[i], c.nextToken());
        }
    }

    private static void oneHot(float[] logits, int token) {
        Arrays.fill(logits, -1e9f);
        logits[token] = 0f;
    }

    @Override
    public void close() {}
}
