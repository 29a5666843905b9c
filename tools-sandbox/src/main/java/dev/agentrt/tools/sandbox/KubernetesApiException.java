package dev.agentrt.tools.sandbox;

/**
 * A Kubernetes API request failed. The message names what was attempted and, for the usual
 * deployment mistakes, which file under ops/k8s/sandbox fixes it; it never contains the token.
 *
 * @see KubernetesApi#explain
 */
public final class KubernetesApiException extends SandboxException {

    private final int status;

    KubernetesApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    KubernetesApiException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status, 0 when no answer came (connection, TLS, timeout). */
    public int status() {
        return status;
    }
}
