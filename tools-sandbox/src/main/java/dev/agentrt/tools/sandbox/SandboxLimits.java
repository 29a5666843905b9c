package dev.agentrt.tools.sandbox;

/**
 * Per-call limits, defaults and hard ceilings from shared/docs/sandbox.md §3.8.
 *
 * @param wallMs            wall clock, owned by the JVM
 * @param cpuMs             CPU time of all guest processes together
 * @param memoryBytes       memory, swap 0 (the guest's tmpfs counts toward it)
 * @param pids              processes and threads
 * @param tmpBytes          size of the guest's /tmp tmpfs
 * @param fileSizeBytes     RLIMIT_FSIZE
 * @param openFiles         RLIMIT_NOFILE
 * @param outputBytes       stdout + stderr kept; beyond it the guest is killed (OUTPUT_LIMIT)
 * @param modelOutputBytes  what the model is shown, cut with a marker
 * @param cpus              CPU quota in whole CPUs
 */
public record SandboxLimits(long wallMs, long cpuMs, long memoryBytes, int pids, long tmpBytes,
                            long fileSizeBytes, int openFiles, int outputBytes, int modelOutputBytes,
                            int cpus) {

    public static final long MIB = 1024L * 1024;
    public static final long MAX_WALL_MS = 60_000;
    public static final long MAX_CPU_MS = 60_000;
    public static final long MAX_MEMORY_BYTES = 2048 * MIB;
    public static final int MAX_PIDS = 1024;
    public static final long MAX_FILE_SIZE_BYTES = 1024 * MIB;
    public static final int MAX_OPEN_FILES = 4096;
    public static final int MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
    public static final int MAX_MODEL_OUTPUT_BYTES = 64 * 1024;
    public static final int MIN_MODEL_OUTPUT_BYTES = 1024;

    public static SandboxLimits defaults() {
        return new SandboxLimits(10_000, 5_000, 256 * MIB, 64, 64 * MIB, 16 * MIB, 256,
                1024 * 1024, 16 * 1024, 1);
    }

    public SandboxLimits {
        requireRange("wallMs", wallMs, 100, MAX_WALL_MS);
        requireRange("cpuMs", cpuMs, 100, MAX_CPU_MS);
        requireRange("memoryBytes", memoryBytes, 16 * MIB, MAX_MEMORY_BYTES);
        requireRange("pids", pids, 4, MAX_PIDS);
        requireRange("tmpBytes", tmpBytes, MIB, memoryBytes);
        requireRange("fileSizeBytes", fileSizeBytes, 4096, MAX_FILE_SIZE_BYTES);
        requireRange("openFiles", openFiles, 16, MAX_OPEN_FILES);
        requireRange("outputBytes", outputBytes, 1024, MAX_OUTPUT_BYTES);
        requireRange("modelOutputBytes", modelOutputBytes, MIN_MODEL_OUTPUT_BYTES,
                Math.min(MAX_MODEL_OUTPUT_BYTES, outputBytes));
        requireRange("cpus", cpus, 1, 64);
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "sandbox limit " + name + "=" + value + " is outside [" + min + ", " + max + "]");
        }
    }

    public SandboxLimits withWallMs(long value) {
        return new SandboxLimits(value, cpuMs, memoryBytes, pids, tmpBytes, fileSizeBytes, openFiles,
                outputBytes, modelOutputBytes, cpus);
    }

    public SandboxLimits withCpuMs(long value) {
        return new SandboxLimits(wallMs, value, memoryBytes, pids, tmpBytes, fileSizeBytes, openFiles,
                outputBytes, modelOutputBytes, cpus);
    }

    public SandboxLimits withMemoryBytes(long value) {
        return new SandboxLimits(wallMs, cpuMs, value, pids, Math.min(tmpBytes, value), fileSizeBytes,
                openFiles, outputBytes, modelOutputBytes, cpus);
    }

    public SandboxLimits withOutputBytes(int value) {
        return new SandboxLimits(wallMs, cpuMs, memoryBytes, pids, tmpBytes, fileSizeBytes, openFiles,
                value, Math.min(modelOutputBytes, value), cpus);
    }
}
