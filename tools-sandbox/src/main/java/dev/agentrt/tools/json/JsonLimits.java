package dev.agentrt.tools.json;

/**
 * Bounds on untrusted JSON (tool arguments written by a model): a hostile or confused model must not be
 * able to exhaust the executor with deep nesting, huge strings or huge documents.
 */
public record JsonLimits(int maxBytes, int maxDepth, int maxStringLength, int maxNumberLength) {

    public static final JsonLimits TOOL_ARGUMENTS = new JsonLimits(256 * 1024, 32, 64 * 1024, 100);

    public JsonLimits {
        if (maxBytes < 2 || maxDepth < 1 || maxStringLength < 1 || maxNumberLength < 1) {
            throw new IllegalArgumentException("JSON limits must be positive: " + this);
        }
    }
}
