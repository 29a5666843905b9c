package dev.agentrt.engine.cuda;

/** A GPU operation failed after the device was opened (out of memory, a kernel fault, a lost device). */
public final class GpuException extends RuntimeException {
    public GpuException(String message) {
        super(message);
    }

    public GpuException(String message, Throwable cause) {
        super(message, cause);
    }
}
