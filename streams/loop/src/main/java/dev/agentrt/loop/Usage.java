package dev.agentrt.loop;

/** Token counts, per turn or summed over a conversation. */
public record Usage(long promptTokens, long cachedPromptTokens, long completionTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0);

    public Usage {
        if (promptTokens < 0 || cachedPromptTokens < 0 || completionTokens < 0)
            throw new IllegalArgumentException("token counts cannot be negative");
    }

    public Usage plus(Usage other) {
        return new Usage(promptTokens + other.promptTokens, cachedPromptTokens + other.cachedPromptTokens,
            completionTokens + other.completionTokens);
    }

    /** What the token budget counts: every prompt token a turn processed plus what it generated. */
    public long total() {
        return promptTokens + completionTokens;
    }
}
