package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * sandbox.md §3.7 case 22: the probe's answers are forced; the runtime must pick the right tier,
 * refuse code below the configured minimum (never running it unsandboxed) and keep trusted
 * function tools working. Tier C also runs for real, since this machine has Landlock.
 */
class TierSelectionTest {

    static final int UID_BASE = 62300;

    @ParameterizedTest(name = "root={0} bwrap={1} cgroups={2} landlock={3} seccomp={4} -> {5}")
    @CsvSource({
        "true,  true,  HYBRID, 7, true,  A",
        "true,  true,  V2,     0, true,  A",
        "true,  true,  V1,     4, true,  A",
        "true,  false, HYBRID, 7, true,  C",  // no user namespaces
        "true,  true,  NONE,   4, true,  C",  // no cgroup subtree
        "true,  true,  NONE,   3, true,  D",  // Landlock too old to deny TCP
        "true,  false, NONE,   0, true,  D",  // no Landlock either
        "false, true,  HYBRID, 7, true,  D",  // cannot switch to slot uids
        "true,  true,  HYBRID, 7, false, D",  // no seccomp
    })
    void selectsTheStrongestTierTheFactsAllow(boolean root, boolean bwrap, CgroupMode cgroups, int landlock,
                                              boolean seccomp, Tier expected) {
        assertThat(TierSelector.select(new ProbeFacts(root, bwrap, cgroups, landlock, seccomp, "forced")))
                .isEqualTo(expected);
    }

    private static SandboxRuntime forced(ProbeFacts facts, Tier minimum) {
        SandboxConfig config = SandboxConfig.defaults("test-tiers").withUidBase(UID_BASE).withSlots(1)
                .withMinimumTier(minimum);
        return SandboxRuntime.start(config, (cfg, helper) -> facts);
    }

    @Test
    void case22_belowTheMinimumPythonIsRefusedAndTrustedFunctionsStillRun() {
        ProbeFacts nothing = new ProbeFacts(true, false, CgroupMode.NONE, 0, true, "forced: no namespaces, no Landlock");
        try (SandboxRuntime runtime = forced(nothing, Tier.C)) {
            assertThat(runtime.tier()).isEqualTo(Tier.D);
            assertThat(runtime.canRunCode()).isFalse();
            ToolExecutor executor = new ToolExecutor(runtime, RoutesConfig.defaults(),
                    Map.of("functions.echo", args -> "echo " + args.get("text").asText()));
            ToolResult python = executor.execute(new ToolCall("p", "python", "open('/tmp/agentrt-tier-d-ran','w')"));
            assertThat(python.status()).isEqualTo(ToolStatus.SANDBOX_UNAVAILABLE);
            assertThat(python.tier()).isEqualTo("D");
            assertThat(python.error()).contains("below the required minimum C");
            assertThat(java.nio.file.Path.of("/tmp/agentrt-tier-d-ran")).doesNotExist();
            assertThat(runtime.launches()).isZero();
            ToolResult echo = executor.execute(new ToolCall("f", "functions.echo", "{\"text\": \"hi\"}"));
            assertThat(echo.status()).isEqualTo(ToolStatus.OK);
            assertThat(echo.output()).isEqualTo("echo hi");
        }
    }

    @Test
    void case22_tierCIsRefusedWhenTheMinimumIsA() {
        ProbeFacts noUserns = new ProbeFacts(true, false, CgroupMode.HYBRID, 7, true, "forced: no user namespaces");
        try (SandboxRuntime runtime = forced(noUserns, Tier.A)) {
            assertThat(runtime.tier()).isEqualTo(Tier.C);
            ToolResult python = new ToolExecutor(runtime, RoutesConfig.defaults(), Map.of())
                    .execute(new ToolCall("p", "python", "print(1)"));
            assertThat(python.status()).isEqualTo(ToolStatus.SANDBOX_UNAVAILABLE);
            assertThat(python.tier()).isEqualTo("C");
            assertThat(runtime.launches()).isZero();
        }
    }

    @Test
    void case22_tierCRunsPythonConfinedByLandlockSeccompAndTheSlotUid() {
        ProbeFacts noNamespacesNoCgroups = new ProbeFacts(true, false, CgroupMode.NONE, 7, true, "forced");
        try (SandboxRuntime runtime = forced(noNamespacesNoCgroups, Tier.C)) {
            assertThat(runtime.tier()).isEqualTo(Tier.C);
            ToolExecutor executor = new ToolExecutor(runtime, RoutesConfig.defaults(), Map.of());
            ToolResult r = executor.execute(new ToolCall("c", "python", """
                    import os, socket
                    print("uid", os.getuid())
                    for p in ["/etc/passwd", "/proc/1/environ", "/root", "/usr/lib/os-release", "/tmp"]:
                        try:
                            print(p, "OK" if (os.listdir(p) if os.path.isdir(p) else open(p).read(1)) is not None else "")
                        except OSError as e:
                            print(p, type(e).__name__)
                    try:
                        socket.create_connection(("127.0.0.1", 9), timeout=1)
                        print("tcp CONNECTED")
                    except OSError as e:
                        print("tcp", type(e).__name__)
                    try:
                        os.kill(1, 9)
                    except OSError as e:
                        print("kill init", type(e).__name__)
                    if os.fork() == 0:
                        os.setsid()
                        import time; time.sleep(300)
                    print("done")
                    """));
            assertThat(r.status()).isEqualTo(ToolStatus.OK);
            assertThat(r.tier()).isEqualTo("C");
            assertThat(r.output()).contains("uid " + UID_BASE)
                    .contains("/etc/passwd PermissionError").contains("/proc/1/environ PermissionError")
                    .contains("/root PermissionError").contains("/usr/lib/os-release OK")
                    .contains("/tmp PermissionError").contains("tcp OSError").doesNotContain("CONNECTED")
                    .contains("kill init PermissionError").endsWith("done\n");
            assertThat(ProcScanner.processesOf(UID_BASE)).as("the daemon was swept by uid").isEmpty();
            assertThat(runtime.pool().retired()).isEmpty();

            ToolResult timeout = executor.execute(new ToolCall("t", "python", "while True: pass"));
            assertThat(timeout.status()).isIn(ToolStatus.CPU_LIMIT, ToolStatus.TIMEOUT);
            assertThat(timeout.tier()).isEqualTo("C");
            assertThat(ProcScanner.processesOf(UID_BASE)).isEmpty();
        }
    }
}
