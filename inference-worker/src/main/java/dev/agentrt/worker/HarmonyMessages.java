package dev.agentrt.worker;

import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.harmony.Author;
import dev.agentrt.harmony.Content;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.Role;
import dev.agentrt.harmony.TextContent;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts Harmony messages between the wire ({@link HarmonyMessage}) and the codec ({@link Message}). Public for
 * tools that must build exactly what the worker returns (the demo model's transcript renderer).
 */
public final class HarmonyMessages {

    private HarmonyMessages() {}

    /**
     * A history message from a request. Only text content is accepted: system and developer content are built by
     * the worker from the request's fields.
     *
     * @throws InvalidRequestException for an unknown role or a non-text content item
     */
    static Message toHarmony(HarmonyMessage m, int index) {
        Role role = switch (m.getAuthor().getRole()) {
            case SYSTEM -> Role.SYSTEM;
            case DEVELOPER -> Role.DEVELOPER;
            case USER -> Role.USER;
            case ASSISTANT -> Role.ASSISTANT;
            case TOOL -> Role.TOOL;
            case UNKNOWN -> throw new InvalidRequestException("messages[" + index + "] has an unknown author role");
        };
        if (role == Role.TOOL && m.getAuthor().getName() == null) {
            throw new InvalidRequestException("messages[" + index + "] is a tool message without the tool's name");
        }
        List<Content> content = new ArrayList<>(m.getContent().size());
        for (Object item : m.getContent()) {
            if (item instanceof dev.agentrt.avro.TextContent t) {
                content.add(new TextContent(t.getText()));
            } else {
                throw new InvalidRequestException("messages[" + index + "] holds " + item.getClass().getSimpleName()
                    + "; the worker renders system and developer content from the request's reasoningEffort, "
                    + "instructions, tools and builtinTools fields");
            }
        }
        return new Message(new Author(role, m.getAuthor().getName()), m.getRecipient(), m.getChannel(),
            m.getContentType(), content);
    }

    /** A parsed completion message for a result; the parser only produces text content. */
    public static HarmonyMessage toAvro(Message m) {
        dev.agentrt.avro.Role role = switch (m.author().role()) {
            case SYSTEM -> dev.agentrt.avro.Role.SYSTEM;
            case DEVELOPER -> dev.agentrt.avro.Role.DEVELOPER;
            case USER -> dev.agentrt.avro.Role.USER;
            case ASSISTANT -> dev.agentrt.avro.Role.ASSISTANT;
            case TOOL -> dev.agentrt.avro.Role.TOOL;
        };
        List<Object> content = new ArrayList<>(m.content().size());
        for (Content c : m.content()) {
            if (!(c instanceof TextContent t)) {
                throw new IllegalStateException("a parsed completion holds " + c.getClass().getSimpleName()
                    + ", expected text only");
            }
            content.add(new dev.agentrt.avro.TextContent(t.text()));
        }
        return HarmonyMessage.newBuilder()
            .setAuthor(new dev.agentrt.avro.Author(role, m.author().name()))
            .setRecipient(m.recipient())
            .setChannel(m.channel())
            .setContentType(m.contentType())
            .setContent(content)
            .build();
    }
}
