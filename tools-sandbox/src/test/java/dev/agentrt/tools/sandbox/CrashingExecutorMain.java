package dev.agentrt.tools.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Child JVM for case 18: starts an executor on its own instance, launches a long-running guest,
 * prints READY and waits to be killed with SIGKILL by the test.
 */
public final class CrashingExecutorMain {
    private CrashingExecutorMain() {
    }

    public static void main(String[] args) {
        SandboxConfig config = SandboxConfig.defaults(args[0]).withUidBase(Integer.parseInt(args[1])).withSlots(1)
                .withMinimumTier(Tier.A);
        SandboxRuntime runtime = SandboxRuntime.start(config);
        String code = "import os, time\nprint('READY', flush=True)\n"
                + "if os.fork() == 0:\n    os.setsid()\n    time.sleep(600)\ntime.sleep(600)\n";
        Thread.ofPlatform().start(() -> runtime.run(SandboxSpec.of(List.of("/usr/bin/python3", "-I", "-u", "-"),
                code.getBytes(StandardCharsets.UTF_8), SandboxLimits.defaults().withWallMs(60_000))));
        System.out.println("STARTED");
        System.out.flush();
    }
}
