package dev.agentrt.engine.cuda;

/**
 * The CUDA engine cannot run here: no NVIDIA driver, no GPU, a GPU too old or too small, or kernels the driver cannot
 * load. The message says which, in one sentence a user can act on.
 */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String message) {
        super(message);
    }

    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
