package dev.agentrt.tools;

import dev.agentrt.tools.sandbox.SandboxLimits;

/**
 * Limits as written in routes.yaml; every field is optional and falls back to the defaults of
 * shared/docs/sandbox.md §3.8. Values above a hard ceiling are a configuration error.
 */
public record LimitsSettings(Long wallMs, Long cpuMs, Long memoryMiB, Integer pids, Long tmpMiB, Long fileSizeMiB,
                             Integer openFiles, Integer outputKiB, Integer modelOutputKiB, Integer cpus) {

    public static LimitsSettings none() {
        return new LimitsSettings(null, null, null, null, null, null, null, null, null, null);
    }

    public SandboxLimits resolve() {
        SandboxLimits d = SandboxLimits.defaults();
        long memory = memoryMiB == null ? d.memoryBytes() : memoryMiB * SandboxLimits.MIB;
        long tmp = tmpMiB == null ? Math.min(d.tmpBytes(), memory) : tmpMiB * SandboxLimits.MIB;
        int output = outputKiB == null ? d.outputBytes() : outputKiB * 1024;
        int model = modelOutputKiB == null ? Math.min(d.modelOutputBytes(), output) : modelOutputKiB * 1024;
        return new SandboxLimits(
                wallMs == null ? d.wallMs() : wallMs,
                cpuMs == null ? d.cpuMs() : cpuMs,
                memory, pids == null ? d.pids() : pids, tmp,
                fileSizeMiB == null ? d.fileSizeBytes() : fileSizeMiB * SandboxLimits.MIB,
                openFiles == null ? d.openFiles() : openFiles,
                output, model, cpus == null ? d.cpus() : cpus);
    }
}
