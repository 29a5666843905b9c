package dev.agentrt.tools.sandbox;

import java.util.List;

/**
 * What happened to one guest run, before it is turned into a tool result.
 *
 * @param exitCode       the launcher process's exit code (guest code, or 128+signal)
 * @param signal         the terminating signal number if the guest died by a signal, else 0
 * @param killReason     why the JVM killed the guest, null if it ended by itself
 * @param oomKilled      the memory cgroup (or RLIMIT_AS backstop) killed or starved it
 * @param cpuLimitHit    CPU usage reached the budget
 * @param output         stdout and stderr as they arrived, at most {@code limits.outputBytes()}
 * @param outputCapHit   more output was produced than kept
 * @param wallMs         wall time from spawn to the sweep
 * @param cpuMs          CPU of all guest processes, -1 if unknown on this tier
 * @param peakMemoryBytes peak memory of the call, -1 if unknown on this tier
 * @param sweepMs        time the post-call kill + verification took
 * @param killToExitMs   from the JVM's kill decision to the guest's exit, -1 if it was not killed
 * @param setupError     the sandbox helper's own error if setup failed, else null
 * @param files          harvested files (empty unless requested)
 * @param tier           the tier that ran it
 * @param sweepProblem   why the slot is not clean after the call (it must then be retired), else null
 */
public record LaunchResult(int exitCode, int signal, KillReason killReason, boolean oomKilled,
                           boolean cpuLimitHit, byte[] output, boolean outputCapHit, long wallMs, long cpuMs,
                           long peakMemoryBytes, long sweepMs, long killToExitMs, String setupError, List<HarvestedFile> files,
                           Tier tier, String sweepProblem) {
    public LaunchResult {
        output = output.clone();
        files = List.copyOf(files);
    }

    @Override
    public byte[] output() {
        return output.clone();
    }
}
