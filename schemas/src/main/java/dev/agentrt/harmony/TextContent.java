package dev.agentrt.harmony;

import java.util.Objects;

/** Plain text. Special-token strings inside it are encoded as ordinary text, never as special ids. */
public record TextContent(String text) implements Content {
    public TextContent {
        Objects.requireNonNull(text, "text");
    }
}
