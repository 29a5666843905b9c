package dev.agentrt.tools.json;

/** Untrusted JSON was rejected; the message is meant to be read by the model that wrote it. */
public final class JsonInputException extends Exception {
    public JsonInputException(String message) {
        super(message);
    }

    public JsonInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
