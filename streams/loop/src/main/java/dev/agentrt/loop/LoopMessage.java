package dev.agentrt.loop;

import java.util.Objects;

/**
 * One Harmony message as the loop sees it: who wrote it, to whom, on which channel, and its text.
 * The loop never looks inside system/developer content; adapters map richer content to {@code text}.
 *
 * @param role        author role
 * @param authorName  author name (for tool messages: the tool, e.g. {@code functions.get_weather}); may be null
 * @param recipient   recipient (a tool name for tool calls, {@code assistant} for tool results); may be null
 * @param channel     {@code analysis}, {@code commentary}, {@code final}; may be null
 * @param contentType e.g. {@code <|constrain|>json}; may be null
 * @param text        the message text, never null
 */
public record LoopMessage(Role role, String authorName, String recipient, String channel,
                          String contentType, String text) {

    public static final String FINAL = "final";
    public static final String ANALYSIS = "analysis";
    public static final String COMMENTARY = "commentary";

    public LoopMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
    }

    public static LoopMessage user(String text) {
        return new LoopMessage(Role.USER, null, null, null, null, text);
    }

    public static LoopMessage assistant(String channel, String text) {
        return new LoopMessage(Role.ASSISTANT, null, null, channel, null, text);
    }

    public static LoopMessage toolCall(String recipient, String argumentsJson) {
        return new LoopMessage(Role.ASSISTANT, null, recipient, COMMENTARY, "<|constrain|>json", argumentsJson);
    }

    /** A tool's answer as gpt-oss expects it: author = the tool, to the assistant, on commentary. */
    public static LoopMessage toolResult(String tool, String text) {
        return new LoopMessage(Role.TOOL, tool, "assistant", COMMENTARY, null, text);
    }

    public boolean isFinal() {
        return FINAL.equals(channel);
    }

    /** A tool call is an assistant message addressed to someone other than a person. */
    public boolean isToolCall() {
        return role == Role.ASSISTANT && recipient != null && !recipient.isBlank()
            && !recipient.equals("user") && !recipient.equals("all");
    }
}
