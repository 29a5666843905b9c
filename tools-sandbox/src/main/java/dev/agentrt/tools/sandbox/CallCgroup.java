package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cgroup of one call, in every hierarchy of the layout: limits, kill from outside, emptiness
 * check and accounting. Created fresh per call (so the peak and CPU figures are per call) and
 * removed afterwards; failing to remove it means something is still inside.
 */
final class CallCgroup implements Containment {

    private final CgroupLayout layout;
    private final Map<String, Path> dirs;
    private boolean removed;

    private CallCgroup(CgroupLayout layout, Map<String, Path> dirs) {
        this.layout = layout;
        this.dirs = dirs;
    }

    static CallCgroup create(CgroupLayout layout, String slotName, SandboxLimits limits) {
        Map<String, Path> dirs = layout.slotDirs(slotName);
        CallCgroup cgroup = new CallCgroup(layout, dirs);
        try {
            for (Path dir : dirs.values()) {
                if (Files.exists(dir)) {
                    throw new SandboxException("stale cgroup " + dir + " still exists");
                }
                Files.createDirectory(dir);
            }
            cgroup.applyLimits(limits);
        } catch (IOException e) {
            cgroup.close();
            throw new SandboxException("cannot create cgroup for " + slotName + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            cgroup.close();
            throw e;
        }
        return cgroup;
    }

    /** Kills and removes a cgroup left behind by a previous executor run (startup sweep). */
    static boolean sweepStale(CgroupLayout layout, String slotName) {
        Map<String, Path> dirs = layout.slotDirs(slotName);
        if (dirs.values().stream().noneMatch(Files::exists)) {
            return true;
        }
        CallCgroup stale = new CallCgroup(layout, dirs);
        stale.killAll();
        stale.awaitEmpty(Duration.ofSeconds(2));
        stale.close();
        return stale.removed();
    }

    private void applyLimits(SandboxLimits limits) {
        long memory = limits.memoryBytes();
        long periodUs = 100_000;
        if (layout.mode() == CgroupMode.V2) {
            Path dir = dirs.get("");
            SysFiles.write(dir.resolve("memory.max"), Long.toString(memory));
            SysFiles.write(dir.resolve("memory.swap.max"), "0");
            SysFiles.write(dir.resolve("pids.max"), Integer.toString(limits.pids()));
            SysFiles.write(dir.resolve("cpu.max"), (periodUs * limits.cpus()) + " " + periodUs);
            return;
        }
        Path mem = dirs.get("memory");
        SysFiles.write(mem.resolve("memory.limit_in_bytes"), Long.toString(memory));
        Path memsw = mem.resolve("memory.memsw.limit_in_bytes");
        if (Files.exists(memsw)) {
            SysFiles.write(memsw, Long.toString(memory)); // memory + swap = memory: swap 0
        }
        SysFiles.write(mem.resolve("memory.swappiness"), "0");
        SysFiles.write(dirs.get("pids").resolve("pids.max"), Integer.toString(limits.pids()));
        Path cpu = dirs.get("cpu");
        SysFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(periodUs));
        SysFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(periodUs * limits.cpus()));
    }

    @Override
    public List<String> joinOptions() {
        List<String> options = new ArrayList<>();
        for (Path dir : dirs.values()) {
            options.add("--cgroup-procs");
            options.add(dir.resolve("cgroup.procs").toString());
        }
        return options;
    }

    @Override
    public void killAll() {
        Path v2 = dirs.get("");
        if (v2 != null && Files.exists(v2.resolve("cgroup.kill"))) {
            SysFiles.write(v2.resolve("cgroup.kill"), "1");
            return;
        }
        killByFreezing();
    }

    /** cgroup v1 without cgroup.kill: freeze so nothing can fork, SIGKILL every task, thaw. */
    void killByFreezing() {
        Path freezer = dirs.get("freezer");
        if (freezer == null || !Files.exists(freezer)) {
            return;
        }
        SysFiles.write(freezer.resolve("freezer.state"), "FROZEN");
        long deadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
        while (!SysFiles.read(freezer.resolve("freezer.state")).trim().equals("FROZEN")
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        for (String line : SysFiles.read(freezer.resolve("cgroup.procs")).split("\n")) {
            if (!line.isBlank()) {
                ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        SysFiles.write(freezer.resolve("freezer.state"), "THAWED"); // SIGKILL is delivered on thaw
    }

    boolean isEmpty() {
        Path v2 = dirs.get("");
        if (v2 != null && Files.exists(v2)) {
            if (SysFiles.keyedValue(v2.resolve("cgroup.events"), "populated") != 0) {
                return false;
            }
        }
        // Not pids.current: it misreports on hybrid hosts (sandbox.md §3.6).
        for (Map.Entry<String, Path> entry : dirs.entrySet()) {
            if (!entry.getKey().isEmpty()) {
                String procs = SysFiles.readOrNull(entry.getValue().resolve("cgroup.procs"));
                if (procs != null && !procs.isBlank()) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public boolean awaitEmpty(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public long cpuNanos() {
        if (layout.mode() == CgroupMode.V2) {
            long usec = SysFiles.keyedValue(dirs.get("").resolve("cpu.stat"), "usage_usec");
            return usec < 0 ? -1 : usec * 1000;
        }
        return SysFiles.longValue(dirs.get("cpuacct").resolve("cpuacct.usage"));
    }

    @Override
    public long peakMemoryBytes() {
        if (layout.mode() == CgroupMode.V2) {
            return SysFiles.longValue(dirs.get("").resolve("memory.peak"));
        }
        return SysFiles.longValue(dirs.get("memory").resolve("memory.max_usage_in_bytes"));
    }

    @Override
    public boolean oomKilled() {
        if (layout.mode() == CgroupMode.V2) {
            return SysFiles.keyedValue(dirs.get("").resolve("memory.events"), "oom_kill") > 0;
        }
        return SysFiles.keyedValue(dirs.get("memory").resolve("memory.oom_control"), "oom_kill") > 0;
    }

    @Override
    public void close() {
        boolean all = true;
        for (Path dir : dirs.values()) {
            try {
                Files.deleteIfExists(dir); // rmdir: fails while a process is inside
            } catch (IOException e) {
                all = false;
            }
        }
        removed = all;
    }

    @Override
    public boolean removed() {
        return removed;
    }
}
