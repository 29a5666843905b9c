package dev.agentrt.worker.testing;

import dev.agentrt.engine.Engine;
import dev.agentrt.engine.SamplingEngine;
import dev.agentrt.generate.Sampler;
import dev.agentrt.generate.StopTokens;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.synth.SynthPreset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TEST ONLY (test code, never a product mode): an engine whose logits make any sampler pick the completion a
 * {@link Script} chooses for the prompt it sees. Each prefill hands the script the whole sequence in the cache (a
 * reused cache keeps its earlier tokens, so the script always sees the full rendered conversation) and starts that
 * completion; every decode step moves it one token on; past its end it emits {@code <|endoftext|>}. Zero model cost:
 * what a turn costs on top of the model is what the rest of the runtime adds. It has the vocabulary and shapes of
 * the {@code tiny-full} checkpoint, so every Harmony token id is valid. Driven by one thread, like any engine.
 */
public final class ScriptedHarmonyEngine implements Engine {

    /** Chooses the completion (o200k_harmony ids) of the next turn from the prompt. */
    @FunctionalInterface
    public interface Script {
        int[] completion(Prompt prompt);
    }

    /** The tokens of a prompt and their text (special tokens as their literal text). */
    public record Prompt(int[] tokens, String text) {
        private static final Pattern TOOL_RESULT = Pattern.compile(
            "<\\|start\\|>(\\S+) to=assistant(?:<\\|channel\\|>[^<]*)?<\\|message\\|>(.*?)<\\|end\\|>", Pattern.DOTALL);
        private static final Pattern USER = Pattern.compile(
            "<\\|start\\|>user<\\|message\\|>(.*?)<\\|end\\|>", Pattern.DOTALL);

        /** A tool's answer as the model reads it: {@code <|start|>TOOL to=assistant...<|message|>OUTPUT<|end|>}. */
        public record ToolOutput(String tool, String output) {}

        /** Every tool answer in the prompt, oldest first. */
        public List<ToolOutput> toolOutputs() {
            var out = new ArrayList<ToolOutput>();
            Matcher m = TOOL_RESULT.matcher(text);
            while (m.find()) out.add(new ToolOutput(m.group(1), m.group(2)));
            return out;
        }

        /** The text of the first user message, or "" when there is none. */
        public String firstUserMessage() {
            Matcher m = USER.matcher(text);
            return m.find() ? m.group(1) : "";
        }
    }

    private static final GptOssConfig CONFIG = SynthPreset.TINY_FULL.config();

    private final Script script;
    private final AtomicLong prefills = new AtomicLong();
    private final AtomicLong decodedTokens = new AtomicLong();
    private volatile int maxDecodeBatch;
    private volatile int decodeCalls;
    private volatile boolean failNextDecode;

    public ScriptedHarmonyEngine(Script script) {
        this.script = Objects.requireNonNull(script, "script");
    }

    /** Fixed completions handed out one per prefill, in order, whatever the prompt. */
    public static ScriptedHarmonyEngine inOrder(int[]... completions) {
        var queue = new java.util.concurrent.ConcurrentLinkedDeque<int[]>(Arrays.asList(completions));
        return new ScriptedHarmonyEngine(prompt -> {
            int[] next = queue.poll();
            if (next == null) throw new IllegalStateException("no scripted completion left for this prefill");
            return next;
        });
    }

    /** The next decode call throws (to test how failures become results). */
    public void failNextDecode() {
        failNextDecode = true;
    }

    /** Largest number of sequences seen in one decode call. */
    public int maxDecodeBatch() {
        return maxDecodeBatch;
    }

    public int decodeCalls() {
        return decodeCalls;
    }

    /** Prefills so far (one per turn). */
    public long prefills() {
        return prefills.get();
    }

    /** Decode steps so far, summed over the sequences of every batch. */
    public long decodedTokens() {
        return decodedTokens.get();
    }

    private static final class Cache implements KvCache {
        final int capacity;
        int[] tokens = new int[256];
        int length;
        int[] completion = new int[0];
        int next;

        Cache(int capacity) {
            this.capacity = capacity;
        }

        @Override public int length() { return length; }
        @Override public int capacity() { return capacity; }
        @Override public void reset() { length = 0; }

        void append(int[] ids) {
            if (length + ids.length > capacity) {
                throw new IllegalStateException("context overflow: " + (length + ids.length) + " > " + capacity);
            }
            if (length + ids.length > tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, length + ids.length));
            }
            System.arraycopy(ids, 0, tokens, length, ids.length);
            length += ids.length;
        }

        int nextToken() {
            return next < completion.length ? completion[next++] : StopTokens.END_OF_TEXT;
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
        oneHot(lastLogits, prefillNext((Cache) cache, tokens));
    }

    /** Appends the prompt, asks the script for this turn's completion, and answers its first token. */
    private int prefillNext(Cache c, int[] tokens) {
        c.append(tokens);
        int[] sequence = Arrays.copyOf(c.tokens, c.length);
        int[] completion = script.completion(
            new Prompt(sequence, HarmonyEncoding.o200kHarmony().tokenizer().decodeLossy(sequence)));
        if (completion == null || completion.length == 0) {
            throw new IllegalStateException("the script chose no completion for this prompt");
        }
        c.completion = completion.clone();
        c.next = 0;
        prefills.incrementAndGet();
        return c.nextToken();
    }

    @Override
    public void prefillAll(KvCache cache, int[] tokens, float[][] logits) {
        throw new UnsupportedOperationException("the worker does not use prefillAll");
    }

    @Override
    public void decode(KvCache[] caches, int[] tokens, float[][] logits) {
        startDecode(caches.length);
        for (int i = 0; i < caches.length; i++) {
            Cache c = (Cache) caches[i];
            c.append(new int[] {tokens[i]});
            oneHot(logits[i], c.nextToken());
        }
        decodedTokens.addAndGet(caches.length);
    }

    private void startDecode(int batch) {
        decodeCalls++;
        maxDecodeBatch = Math.max(maxDecodeBatch, batch);
        if (failNextDecode) {
            failNextDecode = false;
            throw new IllegalStateException("scripted decode failure");
        }
    }

    /**
     * This engine as a {@link SamplingEngine}: it hands the worker each scripted token itself instead of a logits
     * row for the worker's sampler to scan (201k entries per token, the only real cost the scripted engine had).
     * The scripted token is what any sampler would pick from the row. Same script, caches and counters.
     */
    public SamplingEngine picking() {
        return new Picking();
    }

    private final class Picking implements SamplingEngine {
        @Override public GptOssConfig config() { return CONFIG; }
        @Override public KvCache newCache(int maxContext) { return ScriptedHarmonyEngine.this.newCache(maxContext); }

        @Override
        public void prefill(KvCache cache, int[] tokens, float[] lastLogits) {
            ScriptedHarmonyEngine.this.prefill(cache, tokens, lastLogits);
        }

        @Override
        public void prefillAll(KvCache cache, int[] tokens, float[][] logits) {
            ScriptedHarmonyEngine.this.prefillAll(cache, tokens, logits);
        }

        @Override
        public void decode(KvCache[] caches, int[] tokens, float[][] logits) {
            ScriptedHarmonyEngine.this.decode(caches, tokens, logits);
        }

        @Override
        public int prefillAndSample(KvCache cache, int[] tokens, Sampler sampler) {
            return prefillNext((Cache) cache, tokens);
        }

        @Override
        public void decodeAndSample(KvCache[] caches, int[] tokens, Sampler[] samplers, int[] next) {
            startDecode(caches.length);
            for (int i = 0; i < caches.length; i++) {
                Cache c = (Cache) caches[i];
                c.append(new int[] {tokens[i]});
                next[i] = c.nextToken();
            }
            decodedTokens.addAndGet(caches.length);
        }

        @Override public void close() {}
    }

    /** Rows this engine filled and the hot entry it left in each (callers only read logits rows). */
    private final Map<float[], Integer> hot = new IdentityHashMap<>();

    /**
     * Makes {@code token} the only likely one. A row this engine filled before only moves its hot entry, so a step
     * costs O(1) instead of a pass over the 201k-entry vocabulary: "zero model cost" stays nearly true.
     */
    private void oneHot(float[] logits, int token) {
        Integer previous = hot.get(logits);
        if (previous != null && logits[previous] == 0f) {
            logits[previous] = -1e9f;
        } else {
            Arrays.fill(logits, -1e9f);
            if (hot.size() >= 4096) hot.clear(); // rows the caller dropped; a cleared row is simply filled again
        }
        logits[token] = 0f;
        hot.put(logits, token);
    }

    @Override
    public void close() {}
}
