package dev.agentrt.harmony;

import java.util.List;
import java.util.Objects;

/** An ordered list of messages. */
public record Conversation(List<Message> messages) {
    public Conversation {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    }

    public static Conversation of(Message... messages) {
        return new Conversation(List.of(messages));
    }

    /** §4.1: some developer message declares a non-empty {@code functions} namespace. */
    public boolean hasFunctionTools() {
        for (Message m : messages) {
            for (Content c : m.content()) {
                if (c instanceof DeveloperContent d && d.hasFunctionTools()) {
                    return true;
                }
            }
        }
        return false;
    }
}
