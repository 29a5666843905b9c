package dev.agentrt.tools.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The startup probe (in the spirit of isolate-check-environment): it tries each capability for
 * real instead of trusting version numbers, and reports what it found.
 */
public final class SandboxProbe {
    private SandboxProbe() {
    }

    public static ProbeFacts probe(SandboxConfig config, NativeHelper helper) {
        StringBuilder detail = new StringBuilder();
        boolean root = isRoot();
        if (!root) {
            detail.append("not root: cannot switch to slot uids; ");
        }
        int landlockAbi = 0;
        boolean seccomp = false;
        try {
            String out = run(List.of(helper.helper().toString(), "probe"));
            for (String line : out.split("\n")) {
                if (line.startsWith("landlock_abi=")) {
                    landlockAbi = Integer.parseInt(line.substring("landlock_abi=".length()).trim());
                } else if (line.startsWith("seccomp=")) {
                    seccomp = line.endsWith("1");
                }
            }
        } catch (SandboxException e) {
            detail.append("helper probe failed: ").append(e.getMessage()).append("; ");
        }
        CgroupMode cgroups = CgroupMode.NONE;
        Optional<CgroupLayout> layout = root ? CgroupLayout.detect(config.instance()) : Optional.empty();
        if (layout.isPresent()) {
            try {
                layout.get().prepare();
                cgroups = layout.get().mode();
            } catch (SandboxException e) {
                detail.append(e.getMessage()).append("; ");
            }
        }
        boolean bwrap = root && seccomp && Files.isExecutable(config.bwrap()) && bubblewrapWorks(config, helper, detail);
        detail.append("landlock ABI ").append(landlockAbi).append(", cgroups ").append(cgroups)
                .append(", bubblewrap ").append(bwrap ? "usable" : "unusable");
        return new ProbeFacts(root, bwrap, cgroups, landlockAbi, seccomp, detail.toString());
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** A trial sandbox as a throwaway uid: the helper drops privileges, bwrap builds all namespaces. */
    private static boolean bubblewrapWorks(SandboxConfig config, NativeHelper helper, StringBuilder detail) {
        List<String> cmd = new ArrayList<>(List.of(helper.helper().toString(), "run",
                "--uid", Integer.toString(config.probeUid()), "--gid", Integer.toString(config.probeUid()), "--",
                config.bwrap().toString(), "--unshare-all", "--unshare-user", "--disable-userns",
                "--die-with-parent", "--clearenv", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
                "--symlink", "usr/lib", "/lib", "--proc", "/proc", "--dev", "/dev", "--"));
        cmd.add("/usr/bin/true");
        if (Files.exists(Path.of("/usr/lib64"))) {
            cmd.addAll(cmd.indexOf("--proc"), List.of("--symlink", "usr/lib64", "/lib64"));
        }
        try {
            run(cmd);
            return true;
        } catch (SandboxException e) {
            detail.append("bubblewrap trial failed: ").append(e.getMessage()).append("; ");
            return false;
        }
    }

    private static String run(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().clear();
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readNBytes(8192);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new SandboxException(command.getFirst() + " timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0) {
                throw new SandboxException("exit " + process.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new SandboxException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted");
        }
    }
}
