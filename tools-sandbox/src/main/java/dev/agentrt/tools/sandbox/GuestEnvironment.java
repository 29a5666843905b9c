package dev.agentrt.tools.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fixed, minimal guest environment (nothing is inherited from the executor). */
final class GuestEnvironment {
    private GuestEnvironment() {
    }

    static Map<String, String> of(String home, String tmp, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("HOME", home);
        env.put("TMPDIR", tmp);
        // Invalid bytes pass through to the JVM, which decodes with replacement.
        env.put("PYTHONIOENCODING", "utf-8:surrogateescape");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        // Threaded numerics would otherwise size their pools from the host's CPU count.
        env.put("OMP_NUM_THREADS", "1");
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("MKL_NUM_THREADS", "1");
        env.putAll(extra);
        return env;
    }

    static List<String> helperOptions(Map<String, String> env) {
        List<String> options = new ArrayList<>();
        env.forEach((k, v) -> {
            options.add("--env");
            options.add(k + "=" + v);
        });
        return options;
    }

    /**
     * @param cpuMarginSeconds seconds past the budget for RLIMIT_CPU: 1 where the JVM polls the
     *                         cgroup's exact CPU usage (the rlimit is only a backstop), 0 where the
     *                         rlimit is the only CPU limit (tier C)
     */
    static List<String> rlimitOptions(SandboxLimits limits, long addressSpaceBytes, int processes, int cpuMarginSeconds) {
        long cpuSeconds = (limits.cpuMs() + 999) / 1000 + cpuMarginSeconds;
        List<String> options = new ArrayList<>(List.of(
                "--rlimit", "cpu=" + cpuSeconds + ":" + (cpuSeconds + 1),
                "--rlimit", "fsize=" + limits.fileSizeBytes() + ":" + limits.fileSizeBytes(),
                "--rlimit", "nofile=" + limits.openFiles() + ":" + limits.openFiles(),
                "--rlimit", "core=0:0",
                "--rlimit", "as=" + addressSpaceBytes + ":" + addressSpaceBytes,
                // Counted per uid, which is why every slot has its own (root would be exempt).
                "--rlimit", "nproc=" + processes + ":" + processes));
        return options;
    }
}
