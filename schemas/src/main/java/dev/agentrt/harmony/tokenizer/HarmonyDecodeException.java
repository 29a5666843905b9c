package dev.agentrt.harmony.tokenizer;

import dev.agentrt.harmony.HarmonyException;

/** Token ids that cannot be decoded: an unknown id, or bytes that are not valid UTF-8. */
public final class HarmonyDecodeException extends HarmonyException {
    private static final long serialVersionUID = 1L;

    public HarmonyDecodeException(String message) {
        super(message);
    }
}
