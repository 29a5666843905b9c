package dev.agentrt.loop;

import java.time.Instant;
import java.util.List;

/** What the loop asks the outside world to do after an event. Adapters turn these into records. */
public sealed interface Command {

    String conversationId();

    /** Run model turn {@code turn} on {@code prompt} (chain of thought already dropped by the Harmony rule). */
    record RequestInference(String conversationId, int turn, List<LoopMessage> prompt, int maxOutputTokens)
        implements Command {
        public RequestInference {
            prompt = List.copyOf(prompt);
        }
    }

    /** Run one tool call; {@code callId} is stable ({@code conversationId/turn/index}) so redelivery is detectable. */
    record CallTool(String conversationId, String callId, int turn, String recipient, String arguments,
                    String contentType, Instant deadline) implements Command {}

    /** The conversation is over: exactly one per conversation. {@code finalMessage} may be null. */
    record Respond(String conversationId, ConversationStatus status, LoopMessage finalMessage, Usage usage,
                   int turns, String error) implements Command {}

    /** A message was appended to the conversation ({@code sequence} counts from 0 per conversation). */
    record AppendTranscript(String conversationId, int turn, long sequence, LoopMessage message)
        implements Command {}

    /** An event changed nothing (duplicate, late, or for an unknown conversation); for logs and metrics. */
    record Ignored(String conversationId, String reason) implements Command {}
}
