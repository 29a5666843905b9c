package dev.agentrt.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Test helpers: events and a driver that feeds events and collects commands. */
final class Conversations {

    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    static final String ID = "conv-1";
    static final Set<String> TOOLS = Set.of("functions.get_weather", "functions.calculate", "python", "browser");

    private Conversations() {}

    static Limits limits() {
        return new Limits(8, 256, 100_000, T0.plusSeconds(600), Duration.ofSeconds(30));
    }

    static Event.Start start() {
        return new Event.Start(ID, List.of(LoopMessage.user("What is the weather in Paris?")), TOOLS, limits(), T0);
    }

    static Event.InferenceCompleted toolCallTurn(int turn, String tool, String args) {
        return new Event.InferenceCompleted(ID, turn,
            List.of(LoopMessage.assistant("analysis", "Need the tool."), LoopMessage.toolCall(tool, args)),
            StopReason.CALL, new Usage(100, 0, 20), null, T0.plusSeconds(turn));
    }

    static Event.InferenceCompleted finalTurn(int turn, String answer) {
        return new Event.InferenceCompleted(ID, turn,
            List.of(LoopMessage.assistant("analysis", "I can answer."), LoopMessage.assistant("final", answer)),
            StopReason.RETURN, new Usage(150, 100, 30), null, T0.plusSeconds(turn));
    }

    static Event.ToolCompleted toolOk(int turn, String output) {
        return new Event.ToolCompleted(ID, ID + "/" + turn + "/1", Event.ToolOutcome.OK, output, T0.plusSeconds(turn).plusMillis(500));
    }

    /** Feeds events in order, keeping the state and every command produced. */
    static final class Driver {
        ConversationState state;
        final List<Command> commands = new ArrayList<>();

        Driver feed(Event... events) {
            for (Event e : events) {
                Step step = AgentLoop.apply(state, e);
                state = step.state();
                commands.addAll(step.commands());
            }
            return this;
        }

        <T extends Command> List<T> all(Class<T> type) {
            return commands.stream().filter(type::isInstance).map(type::cast).toList();
        }

        Command.Respond response() {
            var responses = all(Command.Respond.class);
            if (responses.size() != 1) throw new AssertionError("expected exactly one response, got " + responses);
            return responses.getFirst();
        }
    }
}
