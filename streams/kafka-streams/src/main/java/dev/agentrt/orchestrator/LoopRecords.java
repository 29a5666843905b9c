package dev.agentrt.orchestrator;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.loop.Command;
import dev.agentrt.loop.ConversationState;
import dev.agentrt.loop.Event;
import java.time.Instant;

/**
 * The orchestrator's translation between the topic records and the {@link dev.agentrt.loop.AgentLoop}'s events and
 * commands, as public functions: whoever drives the loop in process (e.g. {@code agentrt eval}'s direct mode) builds
 * the very records the orchestrator would, without a broker. Delegates to the mappers the topology uses.
 */
public final class LoopRecords {

    private LoopRecords() {}

    /** A request as the loop's start event (an unusable request becomes a rejection, never an exception). */
    public static Event.Start start(ConversationRequest request, Instant now) {
        return EventMapper.start(request, now);
    }

    /** The worker's request for a model turn the loop asked for. */
    public static InferenceRequest inferenceRequest(Command.RequestInference command, ConversationRequest request,
                                                    Instant now) {
        return CommandMapper.inferenceRequest(command, request, now);
    }

    /** A worker's result as the loop's event. */
    public static Event.InferenceCompleted inferenceCompleted(InferenceResult result, Instant now) {
        return EventMapper.inferenceCompleted(result, now);
    }

    /** The tool executor's call for a tool call the loop asked for. */
    public static ToolCall toolCall(Command.CallTool command, ConversationRequest request, Instant now) {
        return CommandMapper.toolCall(command, request, now);
    }

    /** A tool executor's result as the loop's event (errors become the text the model reads). */
    public static Event.ToolCompleted toolCompleted(ToolResult result, Instant now) {
        return EventMapper.toolCompleted(result, now);
    }

    /** The transcript record of an appended message; {@code before} is the state the event was applied to. */
    public static TranscriptEvent transcript(Command.AppendTranscript command, ConversationState before, Instant now) {
        return CommandMapper.transcript(command, before, now);
    }

    /** The client's response when the loop ends a conversation. */
    public static ConversationResponse response(Command.Respond command, ConversationRequest request,
                                                Instant startedAt, Instant now) {
        return CommandMapper.response(command, request, startedAt, now);
    }
}
