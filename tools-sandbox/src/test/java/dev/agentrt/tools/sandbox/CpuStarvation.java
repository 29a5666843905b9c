package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Latency bounds for tests on a shared runner. A kill that takes 40 ms on a quiet machine can take hundreds of
 * milliseconds when the scheduler gives the killer and the dying processes a fraction of a core (CI on 2 cores
 * beside another build). The bound grows with the one-minute load per core and never drops below the target, so
 * a slow kill on a quiet machine still fails.
 */
final class CpuStarvation {

    private CpuStarvation() {
    }

    /** {@code targetMs} scaled by the run-queue length per core (at least 1). */
    static long bound(long targetMs) {
        return bound(targetMs, loadPerCore());
    }

    /** {@code targetMs} scaled by a load per core measured earlier (before the test added load of its own). */
    static long bound(long targetMs, double loadPerCore) {
        return Math.round(targetMs * Math.max(1.0, loadPerCore));
    }

    static double loadPerCore() {
        try {
            String first = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
            return Double.parseDouble(first) / Runtime.getRuntime().availableProcessors();
        } catch (IOException | RuntimeException e) {
            return 1.0;
        }
    }
}
