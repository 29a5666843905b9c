package dev.agentrt.model;

/** A checkpoint that cannot be used: missing or malformed file, tensor or config value. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
