package dev.agentrt.harmony;

/** A token stream that is not valid Harmony (wrong start token, broken header, EOS mid-header, ...). */
public final class HarmonyParseException extends HarmonyException {
    private static final long serialVersionUID = 1L;

    public HarmonyParseException(String message) {
        super(message);
    }
}
