package dev.agentrt.loop;

import dev.agentrt.loop.Command.AppendTranscript;
import dev.agentrt.loop.Command.CallTool;
import dev.agentrt.loop.Command.Ignored;
import dev.agentrt.loop.Command.RequestInference;
import dev.agentrt.loop.Command.Respond;
import dev.agentrt.loop.Event.InferenceCompleted;
import dev.agentrt.loop.Event.Start;
import dev.agentrt.loop.Event.Tick;
import dev.agentrt.loop.Event.ToolCompleted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent loop rules (architecture.md §3) as a pure function: {@code (state, event) → (state, commands)}.
 * No I/O, no clock, no Kafka: the same function runs in Kafka Streams, in Flink and in unit tests.
 *
 * <p>Idempotence: a conversation waits for exactly one thing at a time ({@link Pending}); any result that
 * is not that one (a duplicate, a late answer, a result for an older turn) is ignored. A finished
 * conversation ignores everything, so exactly one {@link Respond} is ever produced.
 */
public final class AgentLoop {

    private AgentLoop() {}

    public static Step apply(ConversationState state, Event event) {
        if (event instanceof Start start) return start(state, start);
        if (state == null) return ignore(null, event, "no such conversation");
        if (state.isFinished()) return ignore(state, event, "conversation already ended with " + state.status());
        return switch (event) {
            case InferenceCompleted r -> inferenceCompleted(state, r);
            case ToolCompleted r -> toolCompleted(state, r);
            case Tick t -> tick(state, t);
            case Start s -> throw new AssertionError("handled above");
        };
    }

    private static Step start(ConversationState existing, Start s) {
        if (existing != null) return ignore(existing, s, "duplicate request");
        String invalid = validate(s);
        var state = new ConversationState(s.conversationId(), ConversationStatus.ACTIVE, List.of(), s.tools(),
            s.limits(), s.at(), 0, Pending.NOTHING, Usage.ZERO, 0, null);
        var next = new Transition(state);
        if (invalid != null) return next.finish(ConversationStatus.INVALID_REQUEST, null, invalid);
        next.append(0, s.messages());
        if (pastDeadline(state, s.at())) return next.finish(ConversationStatus.DEADLINE, null, deadlineText(state));
        return next.requestTurn(1);
    }

    private static String validate(Start s) {
        if (s.rejection() != null) return s.rejection();
        if (s.conversationId() == null || s.conversationId().isBlank()) return "the conversation id is empty";
        if (s.messages().isEmpty()) return "the request has no messages";
        return null;
    }

    private static Step inferenceCompleted(ConversationState state, InferenceCompleted r) {
        if (!(state.pending() instanceof Pending.Inference p) || p.turn() != r.turn()) {
            return ignore(state, r, "result for turn " + r.turn() + " is not awaited (" + describe(state.pending()) + ")");
        }
        var next = new Transition(state);
        next.addUsage(r.usage());
        next.append(r.turn(), r.messages());
        if (r.stopReason() == StopReason.DEADLINE) {
            return next.finish(ConversationStatus.DEADLINE, null, deadlineText(state));
        }
        if (r.stopReason() == StopReason.ERROR || r.error() != null) {
            return next.finish(ConversationStatus.WORKER_ERROR, null,
                "turn " + r.turn() + " failed: " + (r.error() == null ? "worker reported an error" : r.error()));
        }
        LoopMessage last = r.messages().isEmpty() ? null : r.messages().getLast();
        if (r.stopReason() == StopReason.LENGTH) {
            return next.finish(ConversationStatus.TURN_TOKEN_LIMIT, last != null && last.isFinal() ? last : null,
                "turn " + r.turn() + " reached its limit of " + state.limits().maxOutputTokensPerTurn()
                    + " output tokens");
        }
        if (last == null) {
            return next.finish(ConversationStatus.WORKER_ERROR, null, "turn " + r.turn() + " produced no message");
        }
        if (last.isFinal()) return next.finish(ConversationStatus.COMPLETED, last, null);
        if (pastDeadline(state, r.at())) return next.finish(ConversationStatus.DEADLINE, null, deadlineText(state));
        if (next.usage().total() > state.limits().maxTotalTokens()) {
            return next.finish(ConversationStatus.TOKEN_BUDGET, null, "the conversation used " + next.usage().total()
                + " tokens, over its budget of " + state.limits().maxTotalTokens());
        }
        if (last.isToolCall()) {
            if (!ToolNames.isOffered(last.recipient(), state.tools())) {
                return next.finish(ConversationStatus.UNKNOWN_TOOL, null,
                    "the model called '" + last.recipient() + "', which this conversation does not offer");
            }
            String callId = state.conversationId() + "/" + r.turn() + "/" + (r.messages().size() - 1);
            return next.callTool(callId, r.turn(), last, r.at().plus(state.limits().toolTimeout()));
        }
        // Neither an answer nor a call (e.g. only a preamble): let the model go on in a new turn.
        return next.requestTurn(r.turn() + 1);
    }

    private static Step toolCompleted(ConversationState state, ToolCompleted r) {
        if (!(state.pending() instanceof Pending.Tool p) || !p.callId().equals(r.callId())) {
            return ignore(state, r, "result for call " + r.callId() + " is not awaited (" + describe(state.pending()) + ")");
        }
        var next = new Transition(state);
        switch (r.outcome()) {
            case TIMED_OUT -> {
                return next.finish(ConversationStatus.TOOL_TIMEOUT, null,
                    "tool " + p.recipient() + " did not answer call " + p.callId() + " in time");
            }
            case UNKNOWN_TOOL -> {
                return next.finish(ConversationStatus.UNKNOWN_TOOL, null,
                    "no tool executor route for '" + p.recipient() + "'");
            }
            case OK, FAILED -> {
                String text = r.outcome() == Event.ToolOutcome.OK ? r.output() : "Error: " + r.output();
                next.append(p.turn(), List.of(LoopMessage.toolResult(p.recipient(), text)));
            }
        }
        if (pastDeadline(state, r.at())) return next.finish(ConversationStatus.DEADLINE, null, deadlineText(state));
        return next.requestTurn(p.turn() + 1);
    }

    private static Step tick(ConversationState state, Tick t) {
        if (pastDeadline(state, t.at())) {
            return new Transition(state).finish(ConversationStatus.DEADLINE, null, deadlineText(state));
        }
        if (state.pending() instanceof Pending.Tool p && t.at().isAfter(p.deadline())) {
            return new Transition(state).finish(ConversationStatus.TOOL_TIMEOUT, null,
                "tool " + p.recipient() + " did not answer call " + p.callId() + " within "
                    + state.limits().toolTimeout().toMillis() + " ms");
        }
        return new Step(state, List.of());
    }

    private static boolean pastDeadline(ConversationState state, Instant now) {
        return state.limits().deadline() != null && now.isAfter(state.limits().deadline());
    }

    private static String deadlineText(ConversationState state) {
        return "the conversation passed its deadline " + state.limits().deadline();
    }

    private static String describe(Pending pending) {
        return switch (pending) {
            case Pending.Inference i -> "awaiting turn " + i.turn();
            case Pending.Tool t -> "awaiting call " + t.callId();
            case Pending.Nothing n -> "awaiting nothing";
        };
    }

    private static Step ignore(ConversationState state, Event event, String reason) {
        return new Step(state, List.of(new Ignored(event.conversationId(), reason)));
    }

    /** Accumulates one event's changes; each terminal method returns the finished {@link Step}. */
    private static final class Transition {
        private final ConversationState before;
        private final List<LoopMessage> messages;
        private final List<Command> commands = new ArrayList<>();
        private Usage usage;
        private long transcriptSize;

        Transition(ConversationState before) {
            this.before = before;
            this.messages = new ArrayList<>(before.messages());
            this.usage = before.usage();
            this.transcriptSize = before.transcriptSize();
        }

        Usage usage() {
            return usage;
        }

        void addUsage(Usage u) {
            usage = usage.plus(u);
        }

        void append(int turn, List<LoopMessage> appended) {
            for (LoopMessage m : appended) {
                messages.add(m);
                commands.add(new AppendTranscript(before.conversationId(), turn, transcriptSize++, m));
            }
        }

        Step requestTurn(int turn) {
            if (turn > before.limits().maxTurns()) {
                return finish(ConversationStatus.MAX_TURNS, null,
                    "the conversation reached its limit of " + before.limits().maxTurns() + " turns");
            }
            commands.add(new RequestInference(before.conversationId(), turn, PromptView.of(messages),
                before.limits().maxOutputTokensPerTurn()));
            return done(ConversationStatus.ACTIVE, turn, new Pending.Inference(turn), null);
        }

        Step callTool(String callId, int turn, LoopMessage call, Instant deadline) {
            commands.add(new CallTool(before.conversationId(), callId, turn, call.recipient(), call.text(),
                call.contentType(), deadline));
            return done(ConversationStatus.ACTIVE, turn, new Pending.Tool(callId, call.recipient(), turn, deadline), null);
        }

        Step finish(ConversationStatus status, LoopMessage finalMessage, String error) {
            commands.add(new Respond(before.conversationId(), status, finalMessage, usage, before.turn(), error));
            return done(status, before.turn(), Pending.NOTHING, error);
        }

        private Step done(ConversationStatus status, int turn, Pending pending, String error) {
            var after = new ConversationState(before.conversationId(), status, messages, before.tools(),
                before.limits(), before.startedAt(), turn, pending, usage, transcriptSize, error);
            return new Step(after, commands);
        }
    }
}
