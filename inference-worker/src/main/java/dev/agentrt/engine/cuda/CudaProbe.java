package dev.agentrt.engine.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import jcuda.driver.JCudaDriver;

/**
 * Whether an NVIDIA GPU can be used, found without risking the JVM (dependencies.md §6): first a cheap look for the
 * driver's procfs entry or device node (no native code), and only then {@code cuInit} and the device count through
 * JCuda, inside {@code catch (Throwable)} because a missing {@code libcuda.so.1} surfaces as an
 * {@link UnsatisfiedLinkError} (and as {@link NoClassDefFoundError} on every later call). The answer is computed
 * once per JVM.
 */
public final class CudaProbe {
    /** The probe's answer: {@code reason} says why not when {@code available} is false. */
    public record Result(boolean available, String reason, int devices, int driverVersion) {
        /** The driver's CUDA version as text, e.g. {@code 12.4}, or {@code unknown}. */
        public String driverCuda() {
            return driverVersion <= 0 ? "unknown" : (driverVersion / 1000) + "." + (driverVersion % 1000) / 10;
        }
    }

    private static final Path PROC_VERSION = Path.of("/proc/driver/nvidia/version");
    private static final Path DEVICE_NODE = Path.of("/dev/nvidiactl");
    private static volatile Result cached;

    private CudaProbe() {
    }

    public static Result probe() {
        Result r = cached;
        if (r == null) {
            synchronized (CudaProbe.class) {
                r = cached;
                if (r == null) {
                    r = compute();
                    cached = r;
                }
            }
        }
        return r;
    }

    /** The probe's result, or a {@link CudaUnavailableException} with its reason. */
    public static Result require() {
        Result r = probe();
        if (!r.available()) {
            throw new CudaUnavailableException(r.reason());
        }
        return r;
    }

    private static Result compute() {
        if (!Files.exists(PROC_VERSION) && !Files.exists(DEVICE_NODE)) {
            return new Result(false, "no NVIDIA GPU driver on this machine (neither " + PROC_VERSION + " nor "
                    + DEVICE_NODE + " exists)", 0, 0);
        }
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            int[] count = {0};
            JCudaDriver.cuDeviceGetCount(count);
            int[] version = {0};
            JCudaDriver.cuDriverGetVersion(version);
            if (count[0] == 0) {
                return new Result(false, "the NVIDIA driver is installed but reports no GPU", 0, version[0]);
            }
            return new Result(true, "", count[0], version[0]);
        } catch (Throwable t) {
            return new Result(false, "the NVIDIA driver could not be used through JCuda: " + rootMessage(t), 0, 0);
        }
    }

    /** The innermost message of a cause chain (e.g. {@code libcuda.so.1: cannot open shared object file}). */
    static String rootMessage(Throwable t) {
        String msg = t.toString();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null) {
                msg = c.getMessage();
            }
        }
        return msg;
    }
}
