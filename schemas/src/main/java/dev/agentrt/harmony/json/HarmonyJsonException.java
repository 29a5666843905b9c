package dev.agentrt.harmony.json;

import dev.agentrt.harmony.HarmonyException;

/** JSON that does not have openai-harmony's shape; the message names the offending field. */
public final class HarmonyJsonException extends HarmonyException {
    private static final long serialVersionUID = 1L;

    public HarmonyJsonException(String message) {
        super(message);
    }

    public HarmonyJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
