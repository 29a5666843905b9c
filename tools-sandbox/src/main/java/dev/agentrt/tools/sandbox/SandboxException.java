package dev.agentrt.tools.sandbox;

/** The sandbox itself failed (setup, sweep, configuration): never the guest's own error. */
public class SandboxException extends RuntimeException {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
