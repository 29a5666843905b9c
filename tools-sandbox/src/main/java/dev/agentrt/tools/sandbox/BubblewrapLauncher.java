package dev.agentrt.tools.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Tier A (shared/docs/sandbox.md §3.2): the helper joins a fresh per-call cgroup, sets rlimits,
 * drops to the slot uid with no capabilities and no_new_privs, then execs bubblewrap with new
 * user/pid/net/mount/ipc/uts/cgroup namespaces; inside, the helper again applies Landlock and the
 * build-generated seccomp filter just before exec'ing the guest.
 */
public final class BubblewrapLauncher implements Launcher {

    /** Where the helper directory appears inside the sandbox. */
    static final String IN_SANDBOX_HELPER_DIR = "/run/agentrt";
    /** bwrap's own processes (monitor + pid 1) count against the slot uid's RLIMIT_NPROC. */
    private static final int BWRAP_PROCESSES = 4;

    private final Path bwrap;
    private final NativeHelper helper;
    private final CgroupLayout cgroups;
    private final GuestExecution execution;

    public BubblewrapLauncher(Path bwrap, NativeHelper helper, CgroupLayout cgroups,
                              ScheduledExecutorService scheduler) {
        this.bwrap = bwrap;
        this.helper = helper;
        this.cgroups = cgroups;
        this.execution = new GuestExecution(scheduler);
    }

    @Override
    public Tier tier() {
        return Tier.A;
    }

    @Override
    public LaunchResult run(SandboxSpec spec, Slot slot) {
        SlotWorkspace.prepare(slot);
        CallCgroup cgroup = CallCgroup.create(cgroups, slot.cgroupName(), spec.limits());
        try {
            return execution.run(command(spec, slot, cgroup), spec, slot, cgroup, Tier.A);
        } catch (RuntimeException e) {
            cgroup.killAll();
            cgroup.awaitEmpty(java.time.Duration.ofSeconds(2));
            cgroup.close();
            throw e;
        }
    }

    @Override
    public void sweepStale(Slot slot) {
        if (!CallCgroup.sweepStale(cgroups, slot.cgroupName())) {
            throw new SandboxException("stale cgroup of slot " + slot.index() + " cannot be emptied");
        }
        UidContainment.killUid(helper, slot.uid());
    }

    /** Sweeps slot cgroups of slots this configuration no longer has (the slot count shrank). */
    void sweepUnknownSlots(java.util.Set<String> knownSlotNames) {
        for (String name : cgroups.existingSlotNames()) {
            if (!knownSlotNames.contains(name) && !CallCgroup.sweepStale(cgroups, name)) {
                throw new SandboxException("stale cgroup " + name + " cannot be emptied");
            }
        }
    }

    @Override
    public void close() {
        cgroups.removeInstanceDirs();
    }

    List<String> command(SandboxSpec spec, Slot slot, CallCgroup cgroup) {
        SandboxLimits limits = spec.limits();
        List<String> cmd = new ArrayList<>();
        cmd.add(helper.helper().toString());
        cmd.add("run");
        cmd.addAll(cgroup.joinOptions());
        // RLIMIT_AS only as a backstop (it breaks threaded numerics); the cgroup is the real limit.
        cmd.addAll(GuestEnvironment.rlimitOptions(limits, Math.max(4 * limits.memoryBytes(), 1L << 30),
                limits.pids() + BWRAP_PROCESSES, 1));
        cmd.addAll(List.of("--uid", Integer.toString(slot.uid()), "--gid", Integer.toString(slot.uid()),
                "--parent-pid", Long.toString(ProcessHandle.current().pid()), "--"));

        cmd.add(bwrap.toString());
        cmd.addAll(List.of("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                "--new-session", "--clearenv", "--hostname", "sandbox", "--cap-drop", "ALL"));
        cmd.addAll(List.of("--ro-bind", "/usr", "/usr",
                "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
                "--symlink", "usr/lib", "/lib"));
        if (Files.exists(Path.of("/usr/lib64"))) {
            cmd.addAll(List.of("--symlink", "usr/lib64", "/lib64"));
        }
        cmd.addAll(List.of("--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
                "--ro-bind-try", "/etc/localtime", "/etc/localtime",
                "--proc", "/proc", "--dev", "/dev",
                "--size", Long.toString(limits.tmpBytes()), "--tmpfs", "/tmp",
                "--size", Long.toString(limits.tmpBytes()), "--tmpfs", "/dev/shm",
                "--bind", slot.workDir().toString(), "/workspace",
                "--ro-bind", helper.directory().toString(), IN_SANDBOX_HELPER_DIR));
        for (Path path : spec.readOnlyPaths()) {
            cmd.addAll(List.of("--ro-bind", path.toString(), path.toString()));
        }
        cmd.addAll(List.of("--chdir", "/workspace", "--"));

        cmd.add(IN_SANDBOX_HELPER_DIR + "/" + NativeHelper.HELPER);
        cmd.add("run");
        cmd.addAll(List.of("--landlock-min-abi", "1",
                "--landlock-rx", "/usr", "--landlock-ro", "/etc", "--landlock-ro", "/proc",
                "--landlock-ro", "/dev", "--landlock-rw", "/dev/null", "--landlock-rw", "/dev/zero",
                "--landlock-rw", "/dev/shm", "--landlock-rw", "/workspace", "--landlock-rw", "/tmp"));
        for (Path path : spec.readOnlyPaths()) {
            cmd.addAll(List.of("--landlock-rx", path.toString()));
        }
        cmd.addAll(List.of("--seccomp-file", IN_SANDBOX_HELPER_DIR + "/" + NativeHelper.SECCOMP));
        cmd.addAll(GuestEnvironment.helperOptions(GuestEnvironment.of("/workspace", "/tmp", spec.env())));
        cmd.add("--");
        cmd.addAll(spec.argv());
        return cmd;
    }
}
