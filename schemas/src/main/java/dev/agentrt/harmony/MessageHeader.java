package dev.agentrt.harmony;

/** A parsed message header: everything of a message except its content. */
public record MessageHeader(Author author, String recipient, String channel, String contentType) {
}
