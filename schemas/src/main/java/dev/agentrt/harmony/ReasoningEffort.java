package dev.agentrt.harmony;

import java.util.Locale;

/** How much the model reasons; rendered as {@code Reasoning: low|medium|high} in the system message. */
public enum ReasoningEffort {
    LOW, MEDIUM, HIGH;

    /** The word in the rendered system message. */
    public String rendered() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The JSON spelling of openai-harmony: exactly {@code Low}, {@code Medium}, {@code High}. */
    public String json() {
        return name().charAt(0) + rendered().substring(1);
    }

    /** Parses the JSON spelling; other spellings are rejected, as by the Rust deserializer. */
    public static ReasoningEffort fromJson(String value) {
        for (ReasoningEffort e : values()) {
            if (e.json().equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown reasoning_effort '" + value + "' (expected Low, Medium or High)");
    }
}
