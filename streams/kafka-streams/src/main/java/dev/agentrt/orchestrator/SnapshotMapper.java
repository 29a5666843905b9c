package dev.agentrt.orchestrator;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationSnapshot;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.PendingInference;
import dev.agentrt.avro.PendingToolCall;
import dev.agentrt.loop.ConversationState;
import dev.agentrt.loop.Limits;
import dev.agentrt.loop.Pending;
import dev.agentrt.loop.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;

/** The loop's {@link ConversationState} plus the original request, to and from the store format. */
final class SnapshotMapper {

    private SnapshotMapper() {}

    /** The store's view of a conversation: the loop state and the request fields prompts are built from. */
    record Stored(ConversationState state, ConversationRequest request, Instant finishedAt, Instant timerDueAt) {}

    static ConversationSnapshot toAvro(Stored s) {
        ConversationState st = s.state();
        ConversationRequest request = ConversationRequest.newBuilder(s.request()).setMessages(List.of()).build();
        return ConversationSnapshot.newBuilder()
            .setConversationId(st.conversationId())
            .setRequest(request)
            .setStatus(st.isFinished() ? statusToAvro(st.status()) : null)
            .setMessages(MessageMapper.toAvro(st.messages()))
            .setOfferedTools(st.tools().stream().sorted().toList())
            .setTurn(st.turn())
            .setPending(pendingToAvro(st.pending()))
            .setUsage(usageToAvro(st.usage()))
            .setTranscriptSize(st.transcriptSize())
            .setError(st.error())
            .setStartedAt(st.startedAt())
            .setFinishedAt(s.finishedAt())
            .setTimerDueAt(s.timerDueAt())
            .build();
    }

    static Stored fromAvro(ConversationSnapshot a) {
        List<dev.agentrt.loop.LoopMessage> messages;
        try {
            messages = MessageMapper.toLoop(a.getMessages());
        } catch (MessageMapper.UnsupportedMessage e) {
            // The orchestrator only ever stores messages it mapped itself; this is a corrupt store.
            throw new IllegalStateException("stored conversation " + a.getConversationId() + " is corrupt: " + e.getMessage(), e);
        }
        var state = new ConversationState(a.getConversationId(),
            a.getStatus() == null ? dev.agentrt.loop.ConversationStatus.ACTIVE : statusFromAvro(a.getStatus()),
            messages, new HashSet<>(a.getOfferedTools()), limitsFromAvro(a.getRequest()), a.getStartedAt(),
            a.getTurn(), pendingFromAvro(a.getPending()), usageFromAvro(a.getUsage()), a.getTranscriptSize(),
            a.getError());
        return new Stored(state, a.getRequest(), a.getFinishedAt(), a.getTimerDueAt());
    }

    /** Throws IllegalArgumentException (with the field named) for nonsense limits. */
    static Limits limitsFromAvro(ConversationRequest r) {
        var l = r.getLimits();
        return new Limits(l.getMaxTurns(), l.getMaxOutputTokensPerTurn(), l.getMaxTotalTokens(), l.getDeadline(),
            Duration.ofMillis(l.getToolTimeoutMs()));
    }

    static dev.agentrt.avro.Usage usageToAvro(Usage u) {
        return new dev.agentrt.avro.Usage(u.promptTokens(), u.cachedPromptTokens(), u.completionTokens());
    }

    static Usage usageFromAvro(dev.agentrt.avro.Usage u) {
        return new Usage(u.getPromptTokens(), u.getCachedPromptTokens(), u.getCompletionTokens());
    }

    static ConversationStatus statusToAvro(dev.agentrt.loop.ConversationStatus s) {
        return switch (s) {
            case ACTIVE -> throw new IllegalArgumentException("an active conversation has no final status");
            case COMPLETED -> ConversationStatus.COMPLETED;
            case MAX_TURNS -> ConversationStatus.MAX_TURNS;
            case TURN_TOKEN_LIMIT -> ConversationStatus.TURN_TOKEN_LIMIT;
            case TOKEN_BUDGET -> ConversationStatus.TOKEN_BUDGET;
            case DEADLINE -> ConversationStatus.DEADLINE;
            case TOOL_TIMEOUT -> ConversationStatus.TOOL_TIMEOUT;
            case UNKNOWN_TOOL -> ConversationStatus.UNKNOWN_TOOL;
            case WORKER_ERROR -> ConversationStatus.WORKER_ERROR;
            case INVALID_REQUEST -> ConversationStatus.INVALID_REQUEST;
        };
    }

    static dev.agentrt.loop.ConversationStatus statusFromAvro(ConversationStatus s) {
        return switch (s) {
            case COMPLETED -> dev.agentrt.loop.ConversationStatus.COMPLETED;
            case MAX_TURNS -> dev.agentrt.loop.ConversationStatus.MAX_TURNS;
            case TURN_TOKEN_LIMIT -> dev.agentrt.loop.ConversationStatus.TURN_TOKEN_LIMIT;
            case TOKEN_BUDGET -> dev.agentrt.loop.ConversationStatus.TOKEN_BUDGET;
            case DEADLINE -> dev.agentrt.loop.ConversationStatus.DEADLINE;
            case TOOL_TIMEOUT -> dev.agentrt.loop.ConversationStatus.TOOL_TIMEOUT;
            case UNKNOWN_TOOL -> dev.agentrt.loop.ConversationStatus.UNKNOWN_TOOL;
            case WORKER_ERROR -> dev.agentrt.loop.ConversationStatus.WORKER_ERROR;
            case INVALID_REQUEST -> dev.agentrt.loop.ConversationStatus.INVALID_REQUEST;
            // A status this build does not know still means "ended": keep it ended.
            case CANCELLED, UNKNOWN -> dev.agentrt.loop.ConversationStatus.WORKER_ERROR;
        };
    }

    private static Object pendingToAvro(Pending p) {
        return switch (p) {
            case Pending.Inference i -> new PendingInference(i.turn());
            case Pending.Tool t -> new PendingToolCall(t.callId(), t.recipient(), t.turn(), t.deadline());
            case Pending.Nothing n -> null;
        };
    }

    private static Pending pendingFromAvro(Object p) {
        if (p instanceof PendingInference i) return new Pending.Inference(i.getTurn());
        if (p instanceof PendingToolCall t) return new Pending.Tool(t.getCallId(), t.getRecipient(), t.getTurn(), t.getDeadline());
        return Pending.NOTHING;
    }
}
