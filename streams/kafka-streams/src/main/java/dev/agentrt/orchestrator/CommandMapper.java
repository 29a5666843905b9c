package dev.agentrt.orchestrator;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.avro.TranscriptEventKind;
import dev.agentrt.avro.TurnLimits;
import dev.agentrt.loop.Command;
import dev.agentrt.loop.ConversationState;
import dev.agentrt.loop.Pending;
import dev.agentrt.loop.Role;
import java.time.Instant;

/** Loop commands to output records. Plain functions: the topology only routes what these return. */
final class CommandMapper {

    private CommandMapper() {}

    static InferenceRequest inferenceRequest(Command.RequestInference c, ConversationRequest request, Instant now) {
        return InferenceRequest.newBuilder()
            .setRequestId(c.conversationId() + "/" + c.turn())
            .setConversationId(c.conversationId())
            .setTenant(request.getTenant())
            .setTurn(c.turn())
            .setAttempt(1)
            .setModel(request.getModel())
            .setReasoningEffort(request.getReasoningEffort())
            .setInstructions(request.getInstructions())
            .setTools(request.getTools())
            .setBuiltinTools(request.getBuiltinTools())
            .setMessages(MessageMapper.toAvro(c.prompt()))
            .setSampling(request.getSampling())
            .setLimits(new TurnLimits(c.maxOutputTokens(), request.getLimits().getDeadline()))
            .setCreatedAt(now)
            .build();
    }

    static ToolCall toolCall(Command.CallTool c, ConversationRequest request, Instant now) {
        int index = Integer.parseInt(c.callId().substring(c.callId().lastIndexOf('/') + 1));
        return ToolCall.newBuilder()
            .setCallId(c.callId())
            .setConversationId(c.conversationId())
            .setTenant(request.getTenant())
            .setTurn(c.turn())
            .setIndex(index)
            .setRecipient(c.recipient())
            .setChannel("commentary")
            .setArguments(c.arguments())
            .setContentType(c.contentType())
            .setDeadline(c.deadline())
            .setCreatedAt(now)
            .build();
    }

    static ConversationResponse response(Command.Respond c, ConversationRequest request, Instant startedAt, Instant now) {
        return ConversationResponse.newBuilder()
            .setConversationId(c.conversationId())
            .setTenant(request.getTenant())
            .setStatus(SnapshotMapper.statusToAvro(c.status()))
            .setFinalMessage(c.finalMessage() == null ? null : MessageMapper.toAvro(c.finalMessage()))
            .setUsage(SnapshotMapper.usageToAvro(c.usage()))
            .setTurns(c.turns())
            .setError(c.error())
            .setStartedAt(startedAt)
            .setCompletedAt(now)
            .setClientMetadata(request.getClientMetadata())
            .build();
    }

    /** {@code before} is the state the event was applied to: a tool message answers its pending call. */
    static TranscriptEvent transcript(Command.AppendTranscript c, ConversationState before, Instant now) {
        TranscriptEventKind kind;
        String callId = null;
        if (c.turn() == 0) {
            kind = TranscriptEventKind.REQUEST_MESSAGE;
        } else if (c.message().role() == Role.TOOL) {
            kind = TranscriptEventKind.TOOL_RESULT;
            if (before != null && before.pending() instanceof Pending.Tool t) callId = t.callId();
        } else {
            kind = TranscriptEventKind.MODEL_MESSAGE;
        }
        return TranscriptEvent.newBuilder()
            .setConversationId(c.conversationId())
            .setTurn(c.turn())
            .setSequence(c.sequence())
            .setKind(kind)
            .setMessage(MessageMapper.toAvro(c.message()))
            .setCallId(callId)
            .setAppendedAt(now)
            .build();
    }
}
