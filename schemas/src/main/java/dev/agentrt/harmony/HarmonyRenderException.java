package dev.agentrt.harmony;

/** A message that cannot be rendered (tool message without a name, content in the wrong role). */
public final class HarmonyRenderException extends HarmonyException {
    private static final long serialVersionUID = 1L;

    public HarmonyRenderException(String message) {
        super(message);
    }
}
