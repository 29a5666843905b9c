package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier B is a configuration choice: the host probe never picks it, a configured tier B whose
 * Kubernetes check fails is tier D (fail closed, no local fallback), and a working one runs python
 * through runner pods (here the fake API) with every result tagged B.
 */
class TierBSelectionTest {

    static final int UID_BASE = 62800;

    @TempDir
    Path dir;
    FakeKubernetesApi api;
    KubernetesSettings settings;

    @BeforeEach
    void start() throws IOException {
        api = new FakeKubernetesApi();
        Path token = dir.resolve("token");
        Files.writeString(token, FakeKubernetesApi.TOKEN);
        settings = KubernetesSettings.explicit(api.uri(), token, null, "gvisor", KubernetesPodLauncherTest.IMAGE)
                .withStartTimeout(Duration.ofSeconds(2)).withDeleteTimeout(Duration.ofMillis(600));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private SandboxRuntime runtime(Tier minimum) {
        SandboxConfig config = SandboxConfig.defaults("test-tier-b").withUidBase(UID_BASE).withSlots(2)
                .withMinimumTier(minimum).withKubernetes(settings);
        return SandboxRuntime.start(config, (cfg, helper) -> {
            throw new AssertionError("the host must not be probed when tier B is configured");
        });
    }

    @Test
    void theHostProbeNeverSelectsTierB() {
        assertThat(TierSelector.select(new ProbeFacts(true, true, CgroupMode.V2, 7, true, "everything"))).isEqualTo(Tier.A);
        assertThat(TierSelector.select(ProbeFacts.kubernetes(true, "configured, check passed"))).isEqualTo(Tier.B);
        assertThat(TierSelector.select(ProbeFacts.kubernetes(false, "configured, check failed"))).isEqualTo(Tier.D);
        assertThat(Tier.B.atLeast(Tier.A)).isTrue();
    }

    @Test
    void configuredTierBRunsPythonInRunnerPods() {
        try (SandboxRuntime runtime = runtime(Tier.A)) {
            assertThat(runtime.tier()).isEqualTo(Tier.B);
            assertThat(runtime.canRunCode()).isTrue();
            assertThat(runtime.facts().detail()).contains("RuntimeClass gvisor");
            ToolResult r = new ToolExecutor(runtime, RoutesConfig.defaults(), Map.of())
                    .execute(new ToolCall("b1", "python", "print('in a pod')"));
            assertThat(r.status()).isEqualTo(ToolStatus.OK);
            assertThat(r.tier()).isEqualTo("B");
            assertThat(r.output()).isEqualTo("stdin was: print('in a pod')");
            assertThat(runtime.pool().retired()).isEmpty();
            assertThat(runtime.pool().available()).isEqualTo(2);
        }
        assertThat(api.pods).isEmpty();
        assertThat(api.secrets).isEmpty();
    }

    @Test
    void aFailingKubernetesCheckIsTierDWithTheReasonAndFunctionsStillRun() {
        api.deniedAccess.add("create pods");
        try (SandboxRuntime runtime = runtime(Tier.C)) {
            assertThat(runtime.tier()).isEqualTo(Tier.D);
            assertThat(runtime.canRunCode()).isFalse();
            ToolExecutor executor = new ToolExecutor(runtime, RoutesConfig.defaults(),
                    Map.of("functions.echo", args -> "echo " + args.get("text").asText()));
            ToolResult python = executor.execute(new ToolCall("p", "python", "print(1)"));
            assertThat(python.status()).isEqualTo(ToolStatus.SANDBOX_UNAVAILABLE);
            assertThat(python.error()).contains("tier B is configured").contains("may not create pods")
                    .contains("executor-rbac.yaml");
            assertThat(executor.execute(new ToolCall("f", "functions.echo", "{\"text\": \"hi\"}")).status())
                    .isEqualTo(ToolStatus.OK);
            assertThat(runtime.launches()).isZero();
        }
        assertThat(api.requests("POST", "/pods")).isEmpty();
    }

    @Test
    void anUnreachableApiIsTierD() throws IOException {
        api.close();
        try (SandboxRuntime runtime = runtime(Tier.C)) {
            assertThat(runtime.tier()).isEqualTo(Tier.D);
            assertThat(runtime.facts().detail()).contains("cannot reach");
        }
    }

    @Test
    void startupSweepsLeftoversOfKnownAndVanishedSlots() {
        Map<String, String> slot0 = Map.of(RunnerPod.LABEL_INSTANCE, "test-tier-b", RunnerPod.LABEL_SLOT, "slot-0");
        Map<String, String> slot7 = Map.of(RunnerPod.LABEL_INSTANCE, "test-tier-b", RunnerPod.LABEL_SLOT, "slot-7");
        api.leftover("pod", "agentrt-test-tier-b-s0-0000000000", slot0);
        api.leftover("secret", "agentrt-test-tier-b-s0-0000000000", slot0);
        api.leftover("pod", "agentrt-test-tier-b-s7-1111111111", slot7);
        try (SandboxRuntime runtime = runtime(Tier.C)) {
            assertThat(runtime.tier()).isEqualTo(Tier.B);
            assertThat(api.pods).isEmpty();
            assertThat(api.secrets).isEmpty();
            assertThat(runtime.pool().retired()).isEmpty();
        }
    }

    @Test
    void aSlotWhosePodWontGoAwayIsRetired() {
        api.podsStayAfterDelete = true;
        try (SandboxRuntime runtime = runtime(Tier.C)) {
            SandboxRuntime.Execution e = runtime.run(KubernetesPodLauncherTest.python("print(1)"));
            assertThat(e).isInstanceOf(SandboxRuntime.Execution.Ran.class);
            assertThat(runtime.pool().retired()).hasSize(1);
            assertThat(runtime.pool().retired().getFirst().reason()).contains("still exists");
            assertThat(runtime.pool().available()).isEqualTo(1);
        }
    }
}
