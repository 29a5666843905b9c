package dev.agentrt.worker;

import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.generate.Sampler;
import dev.agentrt.harmony.StreamableParser;
import dev.agentrt.kv.KvCache;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/** One sequence of the running batch: its cache, sampler, parser, budget and timing marks. Decode thread only. */
final class DecodingTurn {
    final InferenceRequest request;
    final TurnSink sink;
    final int[] prompt;
    final Instant receivedAt;
    final int maxTokens;
    final Instant deadline;

    KvCache cache;
    int cachedPromptTokens;
    Sampler sampler;
    StreamableParser parser;
    float[] logits;
    Instant prefillStartedAt;
    Instant prefillEndedAt;
    Instant firstTokenAt;
    /** The last sampled token, fed to the engine by the next decode step. */
    int pending;
    int generated;
    private long deltaSequence;
    /** Every token in {@link #cache}, in order: the prompt, then the generated tokens fed back. */
    private int[] cacheTokens;
    private int cacheTokenCount;

    DecodingTurn(InferenceRequest request, int[] prompt, Instant receivedAt, TurnSink sink) {
        this.request = request;
        this.sink = sink;
        this.prompt = prompt;
        this.receivedAt = receivedAt;
        this.maxTokens = request.getLimits().getMaxOutputTokens();
        this.deadline = request.getLimits().getDeadline();
    }

    String conversationId() {
        return request.getConversationId();
    }

    void promptInCache() {
        cacheTokens = Arrays.copyOf(prompt, prompt.length + Math.min(maxTokens, 1024));
        cacheTokenCount = prompt.length;
    }

    void fedBack(int token) {
        if (cacheTokenCount == cacheTokens.length) {
            cacheTokens = Arrays.copyOf(cacheTokens, cacheTokens.length * 2);
        }
        cacheTokens[cacheTokenCount++] = token;
    }

    int[] cacheTokens() {
        return Arrays.copyOf(cacheTokens, cacheTokenCount);
    }

    TokenDelta delta(int token, int messageIndex, Optional<String> channel, Optional<String> recipient, String text,
                     Instant now) {
        return TokenDelta.newBuilder()
            .setConversationId(request.getConversationId())
            .setTurn(request.getTurn())
            .setAttempt(request.getAttempt())
            .setSequence(deltaSequence++)
            .setMessageIndex(messageIndex)
            .setChannel(channel.orElse(null))
            .setRecipient(recipient.orElse(null))
            .setTextDelta(text)
            .setTokenIds(java.util.List.of(token))
            .setEmittedAt(now)
            .build();
    }
}
