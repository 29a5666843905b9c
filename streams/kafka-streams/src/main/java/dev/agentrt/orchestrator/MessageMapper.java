package dev.agentrt.orchestrator;

import dev.agentrt.avro.Author;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.TextContent;
import dev.agentrt.loop.LoopMessage;
import dev.agentrt.loop.Role;
import java.util.ArrayList;
import java.util.List;

/** Harmony messages on the wire ({@link HarmonyMessage}) to and from the loop's {@link LoopMessage}. */
final class MessageMapper {

    private MessageMapper() {}

    /** Thrown for a message the loop cannot carry; the request is then rejected with this text. */
    static final class UnsupportedMessage extends Exception {
        UnsupportedMessage(String message) {
            super(message);
        }
    }

    static LoopMessage toLoop(HarmonyMessage m, int index) throws UnsupportedMessage {
        var text = new StringBuilder();
        for (Object item : m.getContent()) {
            if (item instanceof TextContent t) {
                text.append(t.getText());
            } else {
                // System and developer content are built by the worker from the request's fields
                // (effort, instructions, tools); carrying a second copy in the history would conflict.
                throw new UnsupportedMessage("messages[" + index + "] holds " + item.getClass().getSimpleName()
                    + "; put instructions, tools and reasoning effort in the request's fields, not in messages");
            }
        }
        Role role = switch (m.getAuthor().getRole()) {
            case SYSTEM -> Role.SYSTEM;
            case DEVELOPER -> Role.DEVELOPER;
            case USER -> Role.USER;
            case ASSISTANT -> Role.ASSISTANT;
            case TOOL -> Role.TOOL;
            case UNKNOWN -> throw new UnsupportedMessage("messages[" + index + "] has an unknown author role");
        };
        return new LoopMessage(role, m.getAuthor().getName(), m.getRecipient(), m.getChannel(), m.getContentType(),
            text.toString());
    }

    static List<LoopMessage> toLoop(List<HarmonyMessage> messages) throws UnsupportedMessage {
        var out = new ArrayList<LoopMessage>(messages.size());
        for (int i = 0; i < messages.size(); i++) out.add(toLoop(messages.get(i), i));
        return out;
    }

    static HarmonyMessage toAvro(LoopMessage m) {
        dev.agentrt.avro.Role role = switch (m.role()) {
            case SYSTEM -> dev.agentrt.avro.Role.SYSTEM;
            case DEVELOPER -> dev.agentrt.avro.Role.DEVELOPER;
            case USER -> dev.agentrt.avro.Role.USER;
            case ASSISTANT -> dev.agentrt.avro.Role.ASSISTANT;
            case TOOL -> dev.agentrt.avro.Role.TOOL;
        };
        return HarmonyMessage.newBuilder()
            .setAuthor(new Author(role, m.authorName()))
            .setRecipient(m.recipient())
            .setChannel(m.channel())
            .setContentType(m.contentType())
            .setContent(List.of(new TextContent(m.text())))
            .build();
    }

    static List<HarmonyMessage> toAvro(List<LoopMessage> messages) {
        return messages.stream().map(MessageMapper::toAvro).toList();
    }
}
