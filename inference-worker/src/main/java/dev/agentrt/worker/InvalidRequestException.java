package dev.agentrt.worker;

/** A request the worker cannot serve as sent (bad history, tool schema, sampling settings): not retryable. */
public final class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
