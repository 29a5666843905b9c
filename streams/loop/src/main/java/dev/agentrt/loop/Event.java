package dev.agentrt.loop;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Everything that can happen to a conversation. {@code at} is the processing time the adapter saw. */
public sealed interface Event {

    String conversationId();

    Instant at();

    /**
     * A client submitted a conversation. {@code tools} are the recipients the model may call.
     * {@code rejection} is non-null when the adapter could not make sense of the request (it ends the
     * conversation with INVALID_REQUEST and that text, so the client always gets an answer).
     */
    record Start(String conversationId, List<LoopMessage> messages, Set<String> tools, Limits limits,
                 Instant at, String rejection) implements Event {

        public Start(String conversationId, List<LoopMessage> messages, Set<String> tools, Limits limits, Instant at) {
            this(conversationId, messages, tools, limits, at, null);
        }

        public Start {
            messages = List.copyOf(messages);
            tools = Set.copyOf(tools);
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A worker finished turn {@code turn}. {@code error} is set (and messages may be empty) when it failed. */
    record InferenceCompleted(String conversationId, int turn, List<LoopMessage> messages, StopReason stopReason,
                              Usage usage, String error, Instant at) implements Event {
        public InferenceCompleted {
            messages = List.copyOf(messages);
            Objects.requireNonNull(stopReason, "stopReason");
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(at, "at");
        }
    }

    /** The tool executor answered call {@code callId}. */
    record ToolCompleted(String conversationId, String callId, ToolOutcome outcome, String output, Instant at)
        implements Event {
        public ToolCompleted {
            Objects.requireNonNull(callId, "callId");
            Objects.requireNonNull(outcome, "outcome");
            output = output == null ? "" : output;
            Objects.requireNonNull(at, "at");
        }
    }

    /** Wall-clock time passed (a punctuator or timer): deadlines are checked. */
    record Tick(String conversationId, Instant at) implements Event {}

    /** How a tool call went, as far as the loop cares. */
    enum ToolOutcome {
        /** The tool answered; the output goes back to the model. */
        OK,
        /** The tool ran and failed (bad arguments, limit, crash); the error text goes back to the model. */
        FAILED,
        /** The tool did not answer in time: ends the conversation. */
        TIMED_OUT,
        /** The executor knows no such tool: ends the conversation. */
        UNKNOWN_TOOL
    }
}
