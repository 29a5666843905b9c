package dev.agentrt.orchestrator;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.loop.Event;
import dev.agentrt.loop.Limits;
import dev.agentrt.loop.LoopMessage;
import dev.agentrt.loop.StopReason;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Input records to loop events. Never throws for a decodable record: problems become rejections or errors. */
final class EventMapper {

    private EventMapper() {}

    static Event.Start start(ConversationRequest r, Instant now) {
        Set<String> tools = offeredTools(r);
        Limits limits;
        try {
            limits = SnapshotMapper.limitsFromAvro(r);
        } catch (IllegalArgumentException e) {
            return new Event.Start(r.getConversationId(), List.of(), tools, Limits.DEFAULTS, now,
                "invalid limits: " + e.getMessage());
        }
        try {
            List<LoopMessage> messages = MessageMapper.toLoop(r.getMessages());
            return new Event.Start(r.getConversationId(), messages, tools, limits, now);
        } catch (MessageMapper.UnsupportedMessage e) {
            return new Event.Start(r.getConversationId(), List.of(), tools, limits, now, e.getMessage());
        }
    }

    /** {@code functions.get_weather} for each function tool; builtin namespaces ({@code python}, {@code browser}) as is. */
    static Set<String> offeredTools(ConversationRequest r) {
        var tools = new LinkedHashSet<String>();
        for (ToolDefinition t : r.getTools()) tools.add(t.getNamespace() + "." + t.getName());
        tools.addAll(r.getBuiltinTools());
        return tools;
    }

    static Event.InferenceCompleted inferenceCompleted(InferenceResult r, Instant now) {
        List<LoopMessage> messages;
        String error = r.getError() == null ? null : r.getError().getErrorClass() + ": " + r.getError().getMessage();
        try {
            messages = MessageMapper.toLoop(r.getMessages());
        } catch (MessageMapper.UnsupportedMessage e) {
            messages = List.of();
            error = "the worker returned a message the loop cannot use: " + e.getMessage();
        }
        StopReason stop = switch (r.getStopReason()) {
            case RETURN -> StopReason.RETURN;
            case CALL -> StopReason.CALL;
            case MAX_OUTPUT_TOKENS -> StopReason.LENGTH;
            case CONTEXT_WINDOW -> {
                if (error == null) error = "the conversation no longer fits the model's context window";
                yield StopReason.ERROR;
            }
            // The worker stops a turn at the conversation's deadline: that is the deadline, not a worker failure.
            case DEADLINE -> StopReason.DEADLINE;
            case CANCELLED, ERROR, UNKNOWN -> {
                if (error == null) error = "the worker stopped the turn: " + r.getStopReason();
                yield StopReason.ERROR;
            }
        };
        if (error != null && stop != StopReason.DEADLINE) stop = StopReason.ERROR;
        return new Event.InferenceCompleted(r.getConversationId(), r.getTurn(), messages, stop,
            SnapshotMapper.usageFromAvro(r.getUsage()), error, now);
    }

    static Event.ToolCompleted toolCompleted(ToolResult r, Instant now) {
        Event.ToolOutcome outcome = switch (r.getStatus()) {
            case OK -> Event.ToolOutcome.OK;
            case TIMEOUT -> Event.ToolOutcome.TIMED_OUT;
            case UNKNOWN_TOOL -> Event.ToolOutcome.UNKNOWN_TOOL;
            case ERROR, CPU_LIMIT, MEMORY_LIMIT, OUTPUT_LIMIT, SANDBOX_UNAVAILABLE, BUSY, BAD_ARGUMENTS ->
                Event.ToolOutcome.FAILED;
        };
        String text = switch (outcome) {
            case OK -> r.getOutput();
            default -> {
                // The model reads this: say what went wrong and keep whatever output there was.
                var sb = new StringBuilder(r.getStatus().name());
                if (r.getError() != null && !r.getError().isBlank()) sb.append(": ").append(r.getError());
                if (!r.getOutput().isBlank()) sb.append("\n").append(r.getOutput());
                yield sb.toString();
            }
        };
        return new Event.ToolCompleted(r.getConversationId(), r.getCallId(), outcome, text, now);
    }
}
