package dev.agentrt.harmony;

import java.util.Locale;

/** The author role of a Harmony message; {@link #wire()} is the lower-case word written in headers. */
public enum Role {
    USER, ASSISTANT, SYSTEM, DEVELOPER, TOOL;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The header word: {@code user}, {@code assistant}, {@code system}, {@code developer}, {@code tool}. */
    public String wire() {
        return wire;
    }

    /** The variant name as Rust's Debug prints it ({@code User}, …), used in the spec's error texts. */
    public String debugName() {
        return name().charAt(0) + wire.substring(1);
    }

    /** The role for a header word, or {@code null} when the word is not one of the five roles. */
    public static Role fromWireOrNull(String word) {
        return switch (word) {
            case "user" -> USER;
            case "assistant" -> ASSISTANT;
            case "system" -> SYSTEM;
            case "developer" -> DEVELOPER;
            case "tool" -> TOOL;
            default -> null;
        };
    }

    /** The role for a header word; rejects anything else with a clear message. */
    public static Role fromWire(String word) {
        Role role = fromWireOrNull(word);
        if (role == null) {
            throw new IllegalArgumentException("Unknown role: " + word
                + " (expected one of user, assistant, system, developer, tool)");
        }
        return role;
    }
}
