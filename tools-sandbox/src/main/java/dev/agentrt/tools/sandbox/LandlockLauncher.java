package dev.agentrt.tools.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Tier C (shared/docs/sandbox.md §3.3): no namespaces or cgroups. The helper sets rlimits (memory
 * by RLIMIT_AS, processes by RLIMIT_NPROC of the dedicated slot uid), drops to the slot uid,
 * applies Landlock (filesystem, TCP deny, signal and abstract-socket scoping; ABI ≥ 4 required)
 * and the seccomp filter, then execs the guest on the host filesystem. Kill and sweep are
 * kill(-1) as the slot uid. CPU and peak memory are not measurable here (reported as -1).
 */
public final class LandlockLauncher implements Launcher {

    private final NativeHelper helper;
    private final GuestExecution execution;

    public LandlockLauncher(NativeHelper helper, ScheduledExecutorService scheduler) {
        this.helper = helper;
        this.execution = new GuestExecution(scheduler);
    }

    @Override
    public Tier tier() {
        return Tier.C;
    }

    @Override
    public LaunchResult run(SandboxSpec spec, Slot slot) {
        SlotWorkspace.prepare(slot);
        UidContainment containment = new UidContainment(helper, slot.uid());
        return execution.run(command(spec, slot), spec, slot, containment, Tier.C);
    }

    @Override
    public void sweepStale(Slot slot) {
        UidContainment.killUid(helper, slot.uid());
    }

    List<String> command(SandboxSpec spec, Slot slot) {
        SandboxLimits limits = spec.limits();
        List<String> cmd = new ArrayList<>();
        cmd.add(helper.helper().toString());
        cmd.add("run");
        // No cgroup: RLIMIT_CPU (per process) is the CPU limit, RLIMIT_AS the memory limit.
        cmd.addAll(GuestEnvironment.rlimitOptions(limits, limits.memoryBytes(), limits.pids(), 0));
        cmd.addAll(List.of("--uid", Integer.toString(slot.uid()), "--gid", Integer.toString(slot.uid()),
                "--parent-pid", Long.toString(ProcessHandle.current().pid()),
                "--chdir", slot.workDir().toString(),
                "--landlock-min-abi", Integer.toString(TierSelector.TIER_C_MIN_LANDLOCK_ABI),
                "--landlock-rx", "/usr",
                // Only what the dynamic loader needs from the host's /etc.
                "--landlock-ro", "/etc/ld.so.cache", "--landlock-ro", "/etc/localtime",
                "--landlock-rw", "/dev/null", "--landlock-rw", "/dev/zero", "--landlock-ro", "/dev/urandom",
                "--landlock-rw", slot.workDir().toString(), "--landlock-rw", slot.tmpDir().toString()));
        for (Path path : spec.readOnlyPaths()) {
            cmd.addAll(List.of("--landlock-rx", path.toString()));
        }
        cmd.addAll(List.of("--seccomp-file", helper.seccompFilter().toString()));
        cmd.addAll(GuestEnvironment.helperOptions(
                GuestEnvironment.of(slot.workDir().toString(), slot.tmpDir().toString(), spec.env())));
        cmd.add("--");
        cmd.addAll(spec.argv());
        return cmd;
    }
}
