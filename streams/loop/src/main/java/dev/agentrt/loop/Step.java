package dev.agentrt.loop;

import java.util.List;

/** The result of applying one event: the new state (null only if there never was one) and the commands. */
public record Step(ConversationState state, List<Command> commands) {
    public Step {
        commands = List.copyOf(commands);
    }
}
