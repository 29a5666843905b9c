package dev.agentrt.worker;

import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceError;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.InferenceTimings;
import dev.agentrt.avro.StopReason;
import dev.agentrt.avro.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Builds the {@link InferenceResult}s of finished and failed turns. */
final class TurnResults {
    private final String workerId;

    TurnResults(String workerId) {
        this.workerId = workerId;
    }

    InferenceResult completed(DecodingTurn t, List<HarmonyMessage> messages, StopReason reason, Instant now) {
        return base(t.request, now)
            .setMessages(messages)
            .setStopReason(reason)
            .setUsage(usage(t))
            .setTimings(timings(t, now))
            .build();
    }

    InferenceResult failed(DecodingTurn t, Throwable error, boolean retryable, Instant now) {
        return failed(t.request, t.receivedAt, error, retryable, now, usage(t), timings(t, now));
    }

    /** A turn that failed before it could start (invalid request, prompt too long). */
    InferenceResult rejected(InferenceRequest request, Instant receivedAt, Throwable error, int promptTokens, Instant now) {
        var usage = Usage.newBuilder().setPromptTokens(promptTokens).build();
        var timings = InferenceTimings.newBuilder().setTotalMs(ms(receivedAt, now)).build();
        return failed(request, receivedAt, error, false, now, usage, timings);
    }

    private InferenceResult failed(InferenceRequest request, Instant receivedAt, Throwable error, boolean retryable,
                                   Instant now, Usage usage, InferenceTimings timings) {
        String message = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
        return base(request, now)
            .setMessages(List.of())
            .setStopReason(StopReason.ERROR)
            .setUsage(usage)
            .setTimings(timings)
            .setError(new InferenceError(error.getClass().getName(), message, retryable))
            .build();
    }

    private InferenceResult.Builder base(InferenceRequest request, Instant now) {
        return InferenceResult.newBuilder()
            .setRequestId(request.getRequestId())
            .setConversationId(request.getConversationId())
            .setTurn(request.getTurn())
            .setAttempt(request.getAttempt())
            .setWorkerId(workerId)
            .setCompletedAt(now);
    }

    private static Usage usage(DecodingTurn t) {
        return Usage.newBuilder()
            .setPromptTokens(t.prompt.length)
            .setCachedPromptTokens(t.cachedPromptTokens)
            .setCompletionTokens(t.generated)
            .build();
    }

    private static InferenceTimings timings(DecodingTurn t, Instant now) {
        return InferenceTimings.newBuilder()
            .setQueueMs(t.prefillStartedAt == null ? ms(t.receivedAt, now) : ms(t.receivedAt, t.prefillStartedAt))
            .setPrefillMs(t.prefillEndedAt == null ? 0 : ms(t.prefillStartedAt, t.prefillEndedAt))
            .setTimeToFirstTokenMs(t.firstTokenAt == null ? 0 : ms(t.receivedAt, t.firstTokenAt))
            .setDecodeMs(t.prefillEndedAt == null ? 0 : ms(t.prefillEndedAt, now))
            .setTotalMs(ms(t.receivedAt, now))
            .build();
    }

    private static long ms(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis());
    }
}
