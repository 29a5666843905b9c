package dev.agentrt.harmony;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One Harmony message: {@code <|start|>{header}<|message|>{content}{terminator}}.
 *
 * @param recipient   e.g. {@code functions.get_weather}, {@code browser.search}, {@code assistant}; {@code null} = none
 * @param channel     e.g. {@code analysis}, {@code commentary}, {@code final}; {@code null} = none
 * @param contentType e.g. {@code <|constrain|>json} or {@code code}; {@code null} = none
 */
public record Message(Author author, String recipient, String channel, String contentType, List<Content> content) {
    public Message {
        Objects.requireNonNull(author, "author");
        content = List.copyOf(Objects.requireNonNull(content, "content"));
    }

    public static Message of(Role role, String text) {
        return new Message(Author.of(role), null, null, null, List.of(new TextContent(text)));
    }

    public static Message of(Role role, Content content) {
        return new Message(Author.of(role), null, null, null, List.of(content));
    }

    public static Message of(Author author, String text) {
        return new Message(author, null, null, null, List.of(new TextContent(text)));
    }

    public static Message system(SystemContent content) {
        return of(Role.SYSTEM, content);
    }

    public static Message developer(DeveloperContent content) {
        return of(Role.DEVELOPER, content);
    }

    public Message withChannel(String value) {
        return new Message(author, recipient, value, contentType, content);
    }

    public Message withRecipient(String value) {
        return new Message(author, value, channel, contentType, content);
    }

    public Message withContentType(String value) {
        return new Message(author, recipient, channel, value, content);
    }

    public Message withContent(Content more) {
        List<Content> all = new ArrayList<>(content);
        all.add(more);
        return new Message(author, recipient, channel, contentType, all);
    }

    /** The concatenated text of the {@link TextContent} items. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Content c : content) {
            if (c instanceof TextContent t) {
                out.append(t.text());
            }
        }
        return out.toString();
    }
}
