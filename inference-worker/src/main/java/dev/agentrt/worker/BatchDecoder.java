package dev.agentrt.worker;

import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.StopReason;
import dev.agentrt.engine.Engine;
import dev.agentrt.engine.SamplingEngine;
import dev.agentrt.generate.Sampler;
import dev.agentrt.generate.StopTokens;
import dev.agentrt.harmony.HarmonyParseException;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.Role;
import dev.agentrt.harmony.StreamableParser;
import dev.agentrt.kv.KvCache;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching over an {@link Engine}. Turns wait in a queue; between decode steps waiting turns join the
 * batch (prefill of the tokens their cache does not hold yet) and finished turns leave it, so every
 * {@link #step()} decodes all running sequences in one {@code engine.decode} call.
 *
 * <p>A turn ends on {@code <|return|>} or {@code <|endoftext|>} (RETURN), {@code <|call|>} (CALL), its output token
 * limit (MAX_OUTPUT_TOKENS), a full cache (CONTEXT_WINDOW) or its deadline (DEADLINE); every failure (invalid
 * request, prompt longer than the context, engine exception, malformed Harmony output) ends it with an error result.
 * Each turn gets exactly one result unless it is {@link #cancel cancelled}. A successful turn's cache goes to the
 * {@link KvCacheAffinity} for the conversation's next turn.
 *
 * <p>Not thread-safe: one thread submits, steps and cancels.
 */
public final class BatchDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(BatchDecoder.class);

    private final Engine engine;
    private final PromptBuilder prompts;
    private final KvCacheAffinity affinity;
    private final DecoderSettings settings;
    private final Clock clock;
    private final TurnResults results;
    private final int vocab;
    private final ArrayDeque<DecodingTurn> waiting = new ArrayDeque<>();
    private final List<DecodingTurn> active = new ArrayList<>();
    private final ArrayDeque<float[]> freeLogitRows = new ArrayDeque<>();
    private long steps;

    public BatchDecoder(Engine engine, PromptBuilder prompts, KvCacheAffinity affinity, DecoderSettings settings,
                        Clock clock, String workerId) {
        this.engine = engine;
        this.prompts = prompts;
        this.affinity = affinity;
        this.settings = settings;
        this.clock = clock;
        this.results = new TurnResults(workerId);
        this.vocab = engine.config().vocabSize();
    }

    /** Queues a turn; a request that cannot be rendered is answered with an error result at once. */
    public void submit(InferenceRequest request, Instant receivedAt, TurnSink sink) {
        int[] prompt;
        try {
            prompt = prompts.promptTokens(request);
        } catch (RuntimeException e) {
            sink.finished(results.rejected(request, receivedAt, e, 0, clock.instant()));
            return;
        }
        submit(request, prompt, receivedAt, sink);
    }

    /** Queues a turn with its prompt already rendered. */
    public void submit(InferenceRequest request, int[] prompt, Instant receivedAt, TurnSink sink) {
        String problem = null;
        if (prompt.length == 0) {
            problem = "the prompt is empty";
        } else if (prompt.length > settings.maxContext()) {
            problem = "the prompt has " + prompt.length + " tokens, more than the context of "
                + settings.maxContext() + " tokens";
        } else if (request.getLimits().getMaxOutputTokens() < 1) {
            problem = "limits.maxOutputTokens must be >= 1, got " + request.getLimits().getMaxOutputTokens();
        }
        if (problem != null) {
            sink.finished(results.rejected(request, receivedAt, new InvalidRequestException(problem), prompt.length,
                clock.instant()));
            return;
        }
        waiting.add(new DecodingTurn(request, prompt, receivedAt, sink));
    }

    /**
     * Admits waiting turns up to the batch size (prefill), then decodes one token for every running sequence in
     * one engine call. Returns false when there was nothing to do.
     */
    public boolean step() {
        admitWaiting();
        if (active.isEmpty()) {
            return false;
        }
        decodeActive();
        steps++;
        return true;
    }

    /** Drops the matching turns, waiting or running, without a result; their caches are not kept. */
    public int cancel(Predicate<TurnSink> which) {
        int n = 0;
        for (Iterator<DecodingTurn> it = waiting.iterator(); it.hasNext(); ) {
            if (which.test(it.next().sink)) {
                it.remove();
                n++;
            }
        }
        for (Iterator<DecodingTurn> it = active.iterator(); it.hasNext(); ) {
            DecodingTurn t = it.next();
            if (which.test(t.sink)) {
                it.remove();
                release(t);
                n++;
            }
        }
        return n;
    }

    public int activeCount() {
        return active.size();
    }

    public int waitingCount() {
        return waiting.size();
    }

    public boolean idle() {
        return active.isEmpty() && waiting.isEmpty();
    }

    /** Decode steps run so far. */
    public long steps() {
        return steps;
    }

    public KvCacheAffinity affinity() {
        return affinity;
    }

    private void admitWaiting() {
        while (active.size() < settings.maxBatch() && !waiting.isEmpty()) {
            DecodingTurn t = waiting.poll();
            int first;
            try {
                first = start(t);
            } catch (RuntimeException e) {
                fail(t, e);
                continue;
            }
            active.add(t);
            try {
                accept(t, first >= 0 ? first : t.sampler.sample(t.logits));
            } catch (RuntimeException e) {
                active.remove(t);
                fail(t, e);
            }
        }
    }

    /**
     * Sampler, parser, cache (reused when the conversation's previous turn left one) and prefill. Returns the first
     * token when the engine picked it itself ({@link SamplingEngine}), else -1 (sample {@code t.logits}).
     */
    private int start(DecodingTurn t) {
        t.prefillStartedAt = clock.instant();
        t.sampler = new Sampler(TurnSampling.of(t.request), vocab);
        t.parser = prompts.encoding().newParser(Role.ASSISTANT, true);
        Optional<KvCacheAffinity.Reuse> reuse = affinity.take(t.conversationId(), t.prompt);
        if (reuse.isPresent()) {
            t.cache = reuse.get().cache();
            t.cachedPromptTokens = reuse.get().cachedTokens();
        } else {
            t.cache = engine.newCache(settings.maxContext());
            t.cachedPromptTokens = 0;
        }
        int[] suffix = java.util.Arrays.copyOfRange(t.prompt, t.cachedPromptTokens, t.prompt.length);
        int first = -1;
        if (engine instanceof SamplingEngine device) {
            first = device.prefillAndSample(t.cache, suffix, t.sampler);
        } else {
            t.logits = freeLogitRows.isEmpty() ? new float[vocab] : freeLogitRows.pop();
            engine.prefill(t.cache, suffix, t.logits);
        }
        t.promptInCache();
        t.prefillEndedAt = clock.instant();
        return first;
    }

    private void decodeActive() {
        int n = active.size();
        KvCache[] caches = new KvCache[n];
        int[] tokens = new int[n];
        float[][] logits = new float[n][];
        Sampler[] samplers = new Sampler[n];
        int[] picked = null;
        for (int i = 0; i < n; i++) {
            DecodingTurn t = active.get(i);
            caches[i] = t.cache;
            tokens[i] = t.pending;
            logits[i] = t.logits;
            samplers[i] = t.sampler;
        }
        try {
            if (engine instanceof SamplingEngine device) {
                picked = new int[n];
                device.decodeAndSample(caches, tokens, samplers, picked);
            } else {
                engine.decode(caches, tokens, logits);
            }
        } catch (RuntimeException e) {
            // One call ran every sequence: none of them can be trusted to go on.
            LOG.warn("engine decode failed for a batch of {}; failing those turns", n, e);
            List<DecodingTurn> batch = new ArrayList<>(active);
            active.clear();
            for (DecodingTurn t : batch) {
                fail(t, e);
            }
            return;
        }
        List<DecodingTurn> batch = new ArrayList<>(active);
        for (int i = 0; i < n; i++) {
            DecodingTurn t = batch.get(i);
            t.fedBack(tokens[i]);
            try {
                accept(t, picked != null ? picked[i] : t.sampler.sample(t.logits));
            } catch (RuntimeException e) {
                active.remove(t);
                fail(t, e);
            }
        }
    }

    /** Handles a sampled token: parser, delta, and whether the turn ends here. */
    private void accept(DecodingTurn t, int token) {
        Instant now = clock.instant();
        if (t.generated++ == 0) {
            t.firstTokenAt = now;
        }
        StreamableParser p = t.parser;
        int messageIndex = p.messages().size();
        Optional<String> channel = p.currentChannel();
        Optional<String> recipient = p.currentRecipient();
        String text = "";
        if (token != StopTokens.END_OF_TEXT) {
            p.process(token);
            if (p.currentChannel().isPresent() || p.currentRecipient().isPresent()) {
                channel = p.currentChannel();
                recipient = p.currentRecipient();
            }
            text = p.lastContentDelta().orElse("");
        }
        t.sink.delta(t.delta(token, messageIndex, channel, recipient, text, now));
        StopReason stop = null;
        if (token == StopTokens.RETURN || token == StopTokens.END_OF_TEXT) {
            stop = StopReason.RETURN;
        } else if (token == StopTokens.CALL) {
            stop = StopReason.CALL;
        } else if (t.generated >= t.maxTokens) {
            stop = StopReason.MAX_OUTPUT_TOKENS;
        } else if (t.cache.length() >= t.cache.capacity()) {
            stop = StopReason.CONTEXT_WINDOW;
        } else if (t.deadline != null && !now.isBefore(t.deadline)) {
            stop = StopReason.DEADLINE;
        }
        if (stop == null) {
            t.pending = token;
            return;
        }
        active.remove(t);
        complete(t, stop);
    }

    private void complete(DecodingTurn t, StopReason stop) {
        StreamableParser p = t.parser;
        boolean actionToken = stop == StopReason.RETURN || stop == StopReason.CALL;
        if (p.state() == StreamableParser.State.HEADER && actionToken) {
            throw new HarmonyParseException("the model ended the turn (" + stop + ") inside a message header");
        }
        // A header cut by the token limit, the context or the deadline has no content yet: only its tokens count.
        if (p.state() == StreamableParser.State.CONTENT) {
            p.processEos(); // keep a message cut by the token limit, the context or the deadline
        }
        List<HarmonyMessage> messages = new ArrayList<>(p.messages().size());
        for (Message m : p.messages()) {
            messages.add(HarmonyMessages.toAvro(m));
        }
        affinity.put(t.conversationId(), t.cache, t.cacheTokens());
        Instant now = clock.instant();
        t.sink.finished(results.completed(t, messages, stop, now));
        releaseRow(t);
    }

    private void fail(DecodingTurn t, Throwable e) {
        boolean retryable = !(e instanceof InvalidRequestException);
        if (!(e instanceof InvalidRequestException || e instanceof HarmonyParseException)) {
            LOG.warn("turn {} of {} failed", t.request.getTurn(), t.conversationId(), e);
        }
        release(t);
        t.sink.finished(results.failed(t, e, retryable, clock.instant()));
    }

    private void release(DecodingTurn t) {
        t.cache = null; // not kept: its content is unknown after a failure, or the turn belongs elsewhere now
        releaseRow(t);
    }

    private void releaseRow(DecodingTurn t) {
        if (t.logits != null && freeLogitRows.size() < settings.maxBatch()) {
            freeLogitRows.push(t.logits);
        }
        t.logits = null;
    }
}
