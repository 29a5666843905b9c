package dev.agentrt.tools.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One guest run: a program from trusted configuration, untrusted bytes on its stdin.
 *
 * @param argv             program and arguments as seen inside the sandbox (absolute program path)
 * @param stdin            bytes written to the guest's stdin, then closed
 * @param limits           per-call limits
 * @param readOnlyPaths    extra host paths the guest may read and execute (bound at the same path)
 * @param env              extra guest environment on top of the sandbox's fixed minimal set
 * @param harvest          whether to collect the files left in the workspace
 */
public record SandboxSpec(List<String> argv, byte[] stdin, SandboxLimits limits, List<Path> readOnlyPaths,
                          Map<String, String> env, HarvestLimits harvest) {

    public SandboxSpec {
        argv = List.copyOf(argv);
        if (argv.isEmpty() || !argv.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("the guest program must be an absolute path: " + argv);
        }
        stdin = stdin == null ? new byte[0] : stdin.clone();
        readOnlyPaths = List.copyOf(readOnlyPaths);
        for (Path p : readOnlyPaths) {
            if (!p.isAbsolute() || !p.normalize().equals(p)) {
                throw new IllegalArgumentException("read-only paths must be absolute and normalised: " + p);
            }
        }
        env = Map.copyOf(env);
        env.forEach((k, v) -> {
            if (k.isEmpty() || k.contains("=") || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid guest environment entry: " + k);
            }
        });
    }

    public static SandboxSpec of(List<String> argv, byte[] stdin, SandboxLimits limits) {
        return new SandboxSpec(argv, stdin, limits, List.of(), Map.of(), null);
    }
}
