package dev.agentrt.harmony;

/**
 * Base of every error the Harmony codec reports. The message is the exact text of
 * {@code harmony-format.md} §10 where the spec defines one, so callers can match on it.
 */
public class HarmonyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HarmonyException(String message) {
        super(message);
    }

    public HarmonyException(String message, Throwable cause) {
        super(message, cause);
    }
}
