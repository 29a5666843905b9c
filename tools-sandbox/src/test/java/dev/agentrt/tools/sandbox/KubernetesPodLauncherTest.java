package dev.agentrt.tools.sandbox;

import static dev.agentrt.tools.sandbox.FakeKubernetesApi.Script.at;
import static dev.agentrt.tools.sandbox.FakeKubernetesApi.Script.exit;
import static dev.agentrt.tools.sandbox.FakeKubernetesApi.Script.log;
import static dev.agentrt.tools.sandbox.FakeKubernetesApi.Script.running;
import static dev.agentrt.tools.sandbox.FakeKubernetesApi.Script.scheduled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolStatus;
import dev.agentrt.tools.sandbox.FakeKubernetesApi.FakePod;
import dev.agentrt.tools.sandbox.FakeKubernetesApi.Failure;
import dev.agentrt.tools.sandbox.FakeKubernetesApi.Request;
import dev.agentrt.tools.sandbox.FakeKubernetesApi.Script;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier B against a fake Kubernetes API (no cluster here): the runner pod's isolation fields, stdin
 * delivery through the Secret, each way a call can end (exit, non-zero, OOM, signal, output cap,
 * wall timeout, image pull failure, unschedulable, API refusals), the cleanup and its verification,
 * and the stale sweep. What a real cluster would add is listed in ops/k8s/sandbox/README.md.
 */
class KubernetesPodLauncherTest {

    static final String IMAGE = "registry.example.invalid/agentrt/sandbox-runner@sha256:" + "0".repeat(64);
    static final String INSTANCE = "test-k8s";
    static final Slot SLOT = new Slot(0, 61000, Path.of("/nonexistent/agentrt-tier-b/slot-0"));
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeKubernetesApi api;
    KubernetesSettings settings;

    @BeforeEach
    void start() throws IOException {
        api = new FakeKubernetesApi();
        Path token = dir.resolve("token");
        Files.writeString(token, FakeKubernetesApi.TOKEN + "\n");
        settings = KubernetesSettings.explicit(api.uri(), token, null, "gvisor", IMAGE)
                .withStartTimeout(Duration.ofSeconds(2)).withDeleteTimeout(Duration.ofMillis(600));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    KubernetesPodLauncher launcher() {
        return new KubernetesPodLauncher(settings, INSTANCE);
    }

    static SandboxSpec python(String code, SandboxLimits limits) {
        return SandboxSpec.of(List.of("/usr/bin/python3", "-I", "-u", "-"), code.getBytes(StandardCharsets.UTF_8), limits);
    }

    static SandboxSpec python(String code) {
        return python(code, SandboxLimits.defaults());
    }

    JsonNode createdPod() {
        List<Request> creates = api.requests("POST", "/pods");
        assertThat(creates).hasSize(1);
        return creates.getFirst().body();
    }

    void assertNothingLeft() {
        assertThat(api.pods).as("pods left").isEmpty();
        assertThat(api.secrets).as("secrets left").isEmpty();
    }

    // ---- the pod spec -----------------------------------------------------------------------

    @Test
    void thePodCarriesEveryIsolationField() {
        LaunchResult r = launcher().run(python("print(1)"), SLOT);
        assertThat(r.setupError()).isNull();
        JsonNode pod = createdPod();
        JsonNode spec = pod.path("spec");
        assertThat(spec.path("runtimeClassName").asText()).isEqualTo("gvisor");
        assertThat(spec.path("hostUsers").isBoolean() && !spec.path("hostUsers").asBoolean()).as("hostUsers: false").isTrue();
        assertThat(spec.path("automountServiceAccountToken").asBoolean(true)).as("no SA token").isFalse();
        assertThat(spec.has("serviceAccountName")).isFalse();
        assertThat(spec.path("enableServiceLinks").asBoolean(true)).isFalse();
        for (String hostNs : List.of("hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace")) {
            assertThat(spec.path(hostNs).asBoolean(true)).as(hostNs).isFalse();
        }
        assertThat(spec.path("restartPolicy").asText()).isEqualTo("Never");
        assertThat(spec.path("terminationGracePeriodSeconds").asInt(-1)).isZero();
        assertThat(spec.path("activeDeadlineSeconds").asLong()).as("last-resort clock: wall + start + margin")
                .isEqualTo(10 + 2 + RunnerPod.DEADLINE_MARGIN_SECONDS);
        assertThat(spec.path("dnsPolicy").asText()).isEqualTo("None");
        assertThat(spec.path("dnsConfig").path("nameservers").toString()).isEqualTo("[\"127.0.0.1\"]");
        JsonNode podSecurity = spec.path("securityContext");
        assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSecurity.path("runAsUser").asInt()).isEqualTo(SLOT.uid());
        assertThat(podSecurity.path("runAsGroup").asInt()).isEqualTo(SLOT.uid());
        assertThat(podSecurity.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");

        assertThat(spec.path("containers")).hasSize(1);
        assertThat(spec.has("initContainers")).isFalse();
        assertThat(spec.has("ephemeralContainers")).isFalse();
        JsonNode container = spec.path("containers").get(0);
        assertThat(container.path("image").asText()).isEqualTo(IMAGE);
        assertThat(container.has("stdin")).as("no attach: stdin comes from the Secret").isFalse();
        assertThat(container.has("env")).as("no container environment: the helper sets the guest's").isFalse();
        assertThat(container.has("envFrom")).isFalse();
        assertThat(container.has("ports")).isFalse();
        JsonNode security = container.path("securityContext");
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("privileged").asBoolean(true)).isFalse();
        assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(security.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(security.path("capabilities").has("add")).isFalse();
        assertThat(security.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        JsonNode limits = container.path("resources").path("limits");
        assertThat(limits.path("cpu").asText()).isEqualTo("1");
        assertThat(limits.path("memory").asText()).isEqualTo("256Mi");
        assertThat(limits.path("ephemeral-storage").asText()).isEqualTo("64Mi");
        assertThat(container.path("resources").path("requests")).as("Guaranteed QoS").isEqualTo(limits);

        // Volumes: memory-backed and sized scratch space, the stdin Secret read-only; nothing from the host.
        Map<String, JsonNode> volumes = new java.util.HashMap<>();
        spec.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        assertThat(volumes.keySet()).containsExactlyInAnyOrder("workspace", "tmp", "stdin");
        for (String scratch : List.of("workspace", "tmp")) {
            assertThat(volumes.get(scratch).path("emptyDir").path("medium").asText()).isEqualTo("Memory");
            assertThat(volumes.get(scratch).path("emptyDir").path("sizeLimit").asText())
                    .isEqualTo("64Mi");
        }
        assertThat(volumes.get("stdin").path("secret").path("secretName").asText())
                .isEqualTo(pod.path("metadata").path("name").asText());
        JsonNode stdinMount = null;
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("name").asText().equals("stdin")) {
                stdinMount = m;
            }
        }
        assertThat(stdinMount).isNotNull();
        assertThat(stdinMount.path("readOnly").asBoolean()).isTrue();
        assertThat(pod.toString()).doesNotContain("hostPath").doesNotContain("\"privileged\":true");

        // Labels: the deny-all NetworkPolicy's label, and instance/slot/call for the sweep.
        JsonNode labels = pod.path("metadata").path("labels");
        assertThat(labels.path(RunnerPod.LABEL_NETWORK).asText()).isEqualTo("none");
        assertThat(labels.path(RunnerPod.LABEL_INSTANCE).asText()).isEqualTo(INSTANCE);
        assertThat(labels.path(RunnerPod.LABEL_SLOT).asText()).isEqualTo("slot-0");
        assertThat(labels.path(RunnerPod.LABEL_CALL).asText()).matches("[0-9a-f]{10}");
        assertThat(pod.path("metadata").path("namespace").asText()).isEqualTo("agentrt-sandbox");

        // The in-pod layers: the helper as init, rlimits, stdin from the Secret, seccomp, Landlock best effort.
        List<String> command = new ArrayList<>();
        container.path("command").forEach(c -> command.add(c.asText()));
        assertThat(command.subList(0, 3)).containsExactly("/opt/agentrt/agentrt-sandbox-helper", "run", "--init");
        assertThat(String.join(" ", command))
                .contains("--rlimit cpu=5:6").contains("--rlimit nproc=65:65").contains("--rlimit core=0:0")
                .contains("--rlimit fsize=16777216:16777216").contains("--rlimit nofile=256:256")
                .contains("--stdin-file /run/agentrt/stdin/stdin")
                .contains("--seccomp-file /opt/agentrt/seccomp-x86_64.bpf")
                .contains("--landlock-min-abi 0").contains("--landlock-rw /workspace")
                .endsWith("-- /usr/bin/python3 -I -u -");
    }

    @Test
    void thePodMatchesTheReferenceManifestInOps() throws IOException {
        launcher().run(python("print(1)"), SLOT);
        JsonNode generated = createdPod();
        Path manifest = Path.of("..", "ops", "k8s", "sandbox", "runner-pod.yaml");
        JsonNode reference = new YAMLMapper().readTree(manifest.toFile());
        ObjectNode spec = generated.path("spec").deepCopy();
        // Per-call values the manifest shows as placeholders.
        String secretName = reference.at("/spec/volumes/2/secret/secretName").asText();
        ((ObjectNode) spec.at("/volumes/2/secret")).put("secretName", secretName);
        ((ObjectNode) spec.at("/containers/0")).put("image", reference.at("/spec/containers/0/image").asText());
        assertThat(spec).as("ops/k8s/sandbox/runner-pod.yaml and RunnerPod must describe the same pod "
                + "(defaults, 10 s wall, 30 s start timeout)").isEqualTo(specWithStartTimeout30(reference));
        assertThat(reference.at("/metadata/labels").fieldNames()).toIterable()
                .containsExactlyInAnyOrderElementsOf(() -> generated.at("/metadata/labels").fieldNames());
    }

    @Test
    void theRbacFileGrantsExactlyTheVerbsTheLauncherChecks() throws IOException {
        Path rbac = Path.of("..", "ops", "k8s", "sandbox", "executor-rbac.yaml");
        Set<String> granted = new java.util.TreeSet<>();
        try (var docs = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(rbac.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc.path("kind").asText().equals("Role")) {
                    assertThat(doc.at("/metadata/namespace").asText()).isEqualTo("agentrt-sandbox");
                    for (JsonNode rule : doc.path("rules")) {
                        assertThat(rule.path("apiGroups").toString()).isEqualTo("[\"\"]");
                        for (JsonNode resource : rule.path("resources")) {
                            for (JsonNode verb : rule.path("verbs")) {
                                granted.add(verb.asText() + " " + resource.asText());
                            }
                        }
                    }
                }
            }
        }
        Set<String> needed = new java.util.TreeSet<>();
        for (List<String> access : KubernetesPodLauncher.REQUIRED_ACCESS) {
            needed.add(access.get(0) + " " + access.get(1) + (access.size() > 2 ? "/" + access.get(2) : ""));
        }
        assertThat(granted).as("least privilege: what the launcher checks at startup, nothing more (no exec, "
                + "no attach, no cluster scope)").isEqualTo(needed);
    }

    /** The manifest is written for the default 30 s start timeout; the tests use 2 s. */
    private static JsonNode specWithStartTimeout30(JsonNode reference) {
        ObjectNode spec = reference.path("spec").deepCopy();
        spec.put("activeDeadlineSeconds", spec.path("activeDeadlineSeconds").asInt() - 30 + 2);
        return spec;
    }

    @Test
    void theSecretCarriesStdinAndIsCreatedBeforeThePod() {
        String code = "print('hello from the model')\n";
        LaunchResult r = launcher().run(python(code), SLOT);
        List<Request> posts = api.requests.stream().filter(q -> q.method().equals("POST")).toList();
        assertThat(posts).extracting(Request::path).containsExactly(
                "/api/v1/namespaces/agentrt-sandbox/secrets", "/api/v1/namespaces/agentrt-sandbox/pods");
        JsonNode secret = posts.get(0).body();
        assertThat(secret.path("immutable").asBoolean()).isTrue();
        assertThat(new String(Base64.getDecoder().decode(secret.at("/data/stdin").asText()), StandardCharsets.UTF_8))
                .isEqualTo(code);
        assertThat(secret.at("/metadata/labels")).isEqualTo(posts.get(1).body().at("/metadata/labels"));
        assertThat(secret.at("/metadata/name")).isEqualTo(posts.get(1).body().at("/metadata/name"));
        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("stdin was: " + code);
    }

    // ---- how calls end ----------------------------------------------------------------------

    @Test
    void successReturnsTheOutputAndRemovesPodAndSecret() {
        api.behaviour = pod -> Script.of(at(5, scheduled()), at(20, running()), at(30, log("hello\n")),
                at(35, log("world\n")), at(45, exit(0, "Completed")));
        LaunchResult r = launcher().run(python("print('hello')"), SLOT);
        assertThat(r.tier()).isEqualTo(Tier.B);
        assertThat(r.setupError()).isNull();
        assertThat(r.exitCode()).isZero();
        assertThat(r.signal()).isZero();
        assertThat(r.killReason()).isNull();
        assertThat(r.oomKilled()).isFalse();
        assertThat(r.outputCapHit()).isFalse();
        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("hello\nworld\n");
        assertThat(r.cpuMs()).isEqualTo(-1);
        assertThat(r.peakMemoryBytes()).isEqualTo(-1);
        assertThat(r.sweepProblem()).isNull();
        assertNothingLeft();
        assertThat(api.requests("DELETE", "/pods/" + createdPod().at("/metadata/name").asText())).isNotEmpty();
        List<Request> logs = api.requests("GET", "/log");
        assertThat(logs).isNotEmpty();
        assertThat(logs.getFirst().query()).containsEntry("limitBytes", Integer.toString(1024 * 1024 + 1))
                .containsEntry("container", "guest").containsEntry("follow", "true");
        ToolResult result = ToolExecutor.toResult(new ToolCall("c", "python", "x"), SandboxLimits.defaults(), r);
        assertThat(result.status()).isEqualTo(ToolStatus.OK);
        assertThat(result.tier()).isEqualTo("B");
    }

    @Test
    void aGuestThatEndsBeforeItIsSeenRunningStillGivesItsWholeOutput() {
        api.behaviour = pod -> Script.of(at(5, p -> {
            p.appendLog("quick\n".getBytes(StandardCharsets.UTF_8));
            exit(0, "Completed").accept(p);
        }));
        LaunchResult r = launcher().run(python("print('quick')"), SLOT);
        assertThat(r.exitCode()).isZero();
        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("quick\n");
        assertNothingLeft();
    }

    @Test
    void nonZeroExit() {
        api.behaviour = pod -> Script.of(at(5, running()), at(10, log("Traceback: boom\n")), at(20, exit(3, "Error")));
        LaunchResult r = launcher().run(python("raise SystemExit(3)"), SLOT);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.signal()).isZero();
        assertThat(r.setupError()).isNull();
        assertThat(new String(r.output(), StandardCharsets.UTF_8)).contains("boom");
        assertThat(ToolExecutor.toResult(new ToolCall("c", "python", "x"), SandboxLimits.defaults(), r).status())
                .isEqualTo(ToolStatus.ERROR);
        assertNothingLeft();
    }

    @Test
    void theHelpersOwnFailureIsASetupError() {
        api.behaviour = pod -> Script.of(at(5, running()),
                at(10, log("agentrt-sandbox-helper: seccomp open /opt/agentrt/seccomp-x86_64.bpf: No such file or directory\n")),
                at(20, exit(125, "Error")));
        LaunchResult r = launcher().run(python("print(1)"), SLOT);
        assertThat(r.setupError()).startsWith("agentrt-sandbox-helper: seccomp open");
        assertNothingLeft();
    }

    @Test
    void oomKilled() {
        api.behaviour = pod -> Script.of(at(5, running()), at(30, exit(137, "OOMKilled")));
        LaunchResult r = launcher().run(python("bytearray(10 * 2**30)"), SLOT);
        assertThat(r.oomKilled()).isTrue();
        assertThat(r.exitCode()).isEqualTo(137);
        assertThat(r.signal()).isEqualTo(9);
        assertThat(ToolExecutor.toResult(new ToolCall("c", "python", "x"), SandboxLimits.defaults(), r).status())
                .isEqualTo(ToolStatus.MEMORY_LIMIT);
        assertNothingLeft();
    }

    @Test
    void sigxcpuFromTheCpuRlimitIsACpuLimit() {
        // The helper's init exits 128+24 when RLIMIT_CPU's SIGXCPU killed the guest.
        api.behaviour = pod -> Script.of(at(5, running()), at(30, exit(152, "Error")));
        LaunchResult r = launcher().run(python("while True: pass"), SLOT);
        assertThat(r.signal()).isEqualTo(24);
        assertThat(r.cpuLimitHit()).isTrue();
        assertThat(ToolExecutor.toResult(new ToolCall("c", "python", "x"), SandboxLimits.defaults(), r).status())
                .isEqualTo(ToolStatus.CPU_LIMIT);
    }

    @Test
    void outputOverTheCapKillsThePod() {
        SandboxLimits limits = SandboxLimits.defaults().withOutputBytes(4096);
        long start = System.nanoTime();
        LaunchResult r = runAGuestThatFloodsItsOutput(limits);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.setupError()).as("a setup error reports no kill reason").isNull();
        assertThat(r.killReason()).isEqualTo(KillReason.OUTPUT_CAP);
        assertThat(r.outputCapHit()).isTrue();
        assertThat(r.output()).hasSize(4096);
        assertThat(api.requests("GET", "/log").getFirst().query()).containsEntry("limitBytes", "4097");
        Request delete = api.requests("DELETE", "/pods/" + createdPod().at("/metadata/name").asText()).getFirst();
        assertThat(delete.body().path("gracePeriodSeconds").asInt(-1)).isZero();
        assertThat(tookMs).as("killed at the cap, not at the wall clock").isLessThan(3000);
        assertThat(ToolExecutor.toResult(new ToolCall("c", "python", "x"), limits, r).status())
                .isEqualTo(ToolStatus.OUTPUT_LIMIT);
        assertNothingLeft();
    }

    /** A guest that starts running, then writes 1000-byte lines without end. */
    private LaunchResult runAGuestThatFloodsItsOutput(SandboxLimits limits) {
        byte[] chunk = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
        api.behaviour = pod -> Script.of(at(5, running()), at(10, p -> api.flood(p, chunk, 5)));
        return launcher().run(python("while True: print('x' * 1000)", limits), SLOT);
    }

    @Test
    void outputOverTheCapOfAGuestThatEndedBeforeItsLogWasReadIsAnOutputLimit() {
        // Never seen running: the watch reports the terminated pod before the launcher reads a byte of its log.
        SandboxLimits limits = SandboxLimits.defaults().withOutputBytes(4096);
        api.behaviour = pod -> Script.of(at(5, p -> {
            p.appendLog("x".repeat(10_000).getBytes(StandardCharsets.UTF_8));
            exit(0, "Completed").accept(p);
        }));
        assertOutputLimitOfExactlyTheCap(launcher().run(python("print('x' * 10_000)", limits), SLOT), limits);
    }

    @Test
    void outputOverTheCapOfAGuestThatEndsWhileItsLogIsReadIsAnOutputLimit() {
        // The end and the flood come together: the log stream or the watch may be first, the verdict is the same.
        SandboxLimits limits = SandboxLimits.defaults().withOutputBytes(4096);
        api.behaviour = pod -> Script.of(at(5, running()), at(30, p -> {
            p.appendLog("x".repeat(10_000).getBytes(StandardCharsets.UTF_8));
            exit(0, "Completed").accept(p);
        }));
        assertOutputLimitOfExactlyTheCap(launcher().run(python("print('x' * 10_000)", limits), SLOT), limits);
    }

    private void assertOutputLimitOfExactlyTheCap(LaunchResult r, SandboxLimits limits) {
        assertThat(r.setupError()).isNull();
        assertThat(r.outputCapHit()).isTrue();
        assertThat(r.output()).hasSize(limits.outputBytes());
        assertThat(ToolExecutor.toResult(new ToolCall("c", "python", "x"), limits, r).status())
                .isEqualTo(ToolStatus.OUTPUT_LIMIT);
        assertNothingLeft();
    }

    @Test
    void aPodThatRunsBeforeItsCreateIsAnsweredIsStillFollowedFromTheStart() {
        // The create's answer is the pod as created, whatever happened to it since: the watch started from its
        // version must report the running state, or the call would only go on after the start timeout.
        settings = settings.withStartTimeout(Duration.ofSeconds(10));
        api.podCreateAnsweredAfterRunning = true;
        SandboxLimits limits = SandboxLimits.defaults().withOutputBytes(4096);
        long start = System.nanoTime();
        LaunchResult r = runAGuestThatFloodsItsOutput(limits);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.setupError()).isNull();
        assertThat(r.killReason()).isEqualTo(KillReason.OUTPUT_CAP);
        assertThat(r.output()).hasSize(4096);
        String name = createdPod().at("/metadata/name").asText();
        long killedAt = api.requests("DELETE", "/pods/" + name).getFirst().at();
        assertThat(api.requests("GET", "/pods/" + name).stream().filter(q -> q.at() < killedAt))
                .as("no fresh read at the start timeout: the watch reported the running state").isEmpty();
        assertThat(tookMs).as("well before the 10 s start timeout").isLessThan(5000);
        assertNothingLeft();
    }

    @Test
    void wallTimeoutDeletesThePodWithGraceZeroWithinTheBound() {
        SandboxLimits limits = SandboxLimits.defaults().withWallMs(500);
        FakePod[] seen = new FakePod[1];
        api.behaviour = pod -> {
            seen[0] = pod;
            return Script.of(at(5, scheduled()), at(20, running()), at(30, log("sleeping\n")));
        };
        LaunchResult r = launcher().run(python("import time; time.sleep(10**6)", limits), SLOT);
        assertThat(r.killReason()).isEqualTo(KillReason.WALL_CLOCK);
        assertThat(r.exitCode()).isEqualTo(137);
        assertThat(r.signal()).isEqualTo(9);
        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("sleeping\n");
        String name = createdPod().at("/metadata/name").asText();
        Request delete = api.requests("DELETE", "/pods/" + name).getFirst();
        assertThat(delete.body().path("gracePeriodSeconds").asInt(-1)).isZero();
        long afterRunningMs = (delete.at() - seen[0].runningAt) / 1_000_000;
        assertThat(afterRunningMs).as("the delete arrives at the wall limit (+250 ms), measured from the running state")
                .isBetween(limits.wallMs() - 50, limits.wallMs() + CpuStarvation.bound(250));
        assertThat(r.killToExitMs()).isBetween(0L, CpuStarvation.bound(250));
        assertThat(ToolExecutor.toResult(new ToolCall("c", "python", "x"), limits, r).status())
                .isEqualTo(ToolStatus.TIMEOUT);
        assertNothingLeft();
    }

    @Test
    void imagePullFailureIsASetupErrorAtOnce() {
        api.behaviour = pod -> Script.of(at(5, scheduled()), at(20, Script.waiting("ErrImagePull",
                "failed to pull image: not found")));
        long start = System.nanoTime();
        LaunchResult r = launcher().run(python("print(1)"), SLOT);
        assertThat(r.setupError()).contains("cannot be pulled").contains("ErrImagePull").contains(IMAGE);
        assertThat((System.nanoTime() - start) / 1_000_000).as("no waiting for the start timeout").isLessThan(1500);
        assertThat(r.sweepProblem()).isNull();
        assertThat(r.output()).isEmpty();
        assertThat(ToolExecutor.toResult(new ToolCall("c", "python", "x"), SandboxLimits.defaults(), r).status())
                .isEqualTo(ToolStatus.ERROR);
        assertNothingLeft();
    }

    @Test
    void anUnschedulablePodIsASetupErrorAfterTheStartTimeout() {
        // 3 s, not 1 s: on a loaded machine the fake's first status can take over a second to arrive.
        settings = settings.withStartTimeout(Duration.ofSeconds(3));
        api.behaviour = pod -> Script.of(at(5, Script.unschedulable("0/3 nodes are available: 3 node(s) didn't match "
                + "Pod's node affinity/selector.")));
        long start = System.nanoTime();
        LaunchResult r = launcher().run(python("print(1)"), SLOT);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.setupError()).contains("did not start within 3000 ms").contains("Unschedulable")
                .contains("0/3 nodes are available");
        assertThat(tookMs).isBetween(3000L, 6000L);
        assertThat(r.sweepProblem()).isNull();
        assertNothingLeft();
    }

    @Test
    void forbiddenPodCreationNamesTheRbacFileAndLeavesNothing() {
        api.failures.add(new Failure("POST", "/pods", 403, "Forbidden", "pods is forbidden: User "
                + "\"system:serviceaccount:agentrt:agentrt-tool-executor\" cannot create resource \"pods\" in API group \"\" "
                + "in the namespace \"agentrt-sandbox\""));
        LaunchResult r = launcher().run(python("print(1)"), SLOT);
        assertThat(r.setupError()).contains("403").contains("cannot create resource")
                .contains("ops/k8s/sandbox/executor-rbac.yaml");
        assertThat(r.sweepProblem()).isNull();
        assertNothingLeft(); // the Secret created first was deleted again
    }

    @Test
    void quotaAndPodSecurityRefusalsSaySo() {
        api.failures.add(new Failure("POST", "/pods", 403, "Forbidden",
                "pods \"x\" is forbidden: exceeded quota: agentrt-runners, requested: pods=1, used: pods=32, limited: pods=32"));
        assertThat(launcher().run(python("print(1)"), SLOT).setupError()).contains("ResourceQuota")
                .contains("namespace.yaml");
        api.failures.clear();
        api.failures.add(new Failure("POST", "/pods", 403, "Forbidden",
                "pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\": runAsNonRoot != true"));
        assertThat(launcher().run(python("print(1)"), SLOT).setupError()).contains("Pod Security admission");
        assertNothingLeft();
    }

    @Test
    void aMissingNamespaceNamesTheNamespaceFile() {
        api.namespaceExists = false;
        LaunchResult r = launcher().run(python("print(1)"), SLOT);
        assertThat(r.setupError()).contains("404").contains("namespace agentrt-sandbox not found")
                .contains("ops/k8s/sandbox/namespace.yaml");
        assertThat(r.sweepProblem()).isNull();
    }

    @Test
    void aRejectedTokenIsNamedWithoutLeakingIt() throws IOException {
        Files.writeString(settings.tokenFile(), "wrong-token");
        assertThatThrownBy(() -> launcher().check()).isInstanceOf(KubernetesApiException.class)
                .hasMessageContaining("401").hasMessageContaining(settings.tokenFile().toString())
                .hasMessageNotContaining("wrong-token");
    }

    @Test
    void aRefusedCreateLeavesNothingToCleanUp() throws IOException {
        Files.writeString(settings.tokenFile(), "wrong-token");
        LaunchResult r = launcher().run(python("print(1)"), SLOT);
        assertThat(r.setupError()).contains("401").contains("was not accepted");
        assertThat(r.sweepProblem()).as("nothing was created, so nothing can be left").isNull();
        assertThat(api.requests("DELETE", "")).isEmpty();
        assertThat(api.requests("POST", "/pods")).isEmpty();
    }

    @Test
    void aPodCreateWhoseAnswerIsLostIsStillCleanedUp() {
        settings = new KubernetesSettings(settings.apiServer(), settings.tokenFile(), null, settings.namespace(),
                "gvisor", IMAGE, Duration.ofSeconds(2), Duration.ofMillis(600), Duration.ofMillis(300));
        api.podCreateAnswerDelayMs = 1500;
        LaunchResult r = launcher().run(python("print(1)"), SLOT);
        assertThat(r.setupError()).contains("no answer");
        assertThat(r.sweepProblem()).isNull();
        assertNothingLeft(); // deleted by name although the create never answered
    }

    @Test
    void theStartupCheckListsEveryDeniedVerbAndNamesTheRbacFile() {
        assertThat(launcher().check()).contains("RBAC allows all");
        api.deniedAccess.add("create secrets");
        api.deniedAccess.add("get pods/log");
        assertThatThrownBy(() -> launcher().check()).isInstanceOf(KubernetesApiException.class)
                .hasMessageContaining("may not get pods/log, create secrets")
                .hasMessageContaining("ops/k8s/sandbox/executor-rbac.yaml");
    }

    @Test
    void aPodThatWontGoAwayIsASweepProblem() {
        api.podsStayAfterDelete = true;
        LaunchResult r = launcher().run(python("print(1)"), SLOT);
        assertThat(r.exitCode()).isZero();
        assertThat(r.sweepProblem()).contains("still exists").contains("finalizers").contains("example.com/hold");
        assertThat(api.secrets).as("the Secret went").isEmpty();
    }

    @Test
    void aWatchThatKeepsBreakingIsResumed() {
        api.watchesBreak = true;
        api.behaviour = pod -> Script.of(at(5, scheduled()), at(30, running()), at(60, log("resumed\n")),
                at(90, exit(0, "Completed")));
        LaunchResult r = launcher().run(python("print('resumed')"), SLOT);
        assertThat(r.setupError()).isNull();
        assertThat(r.exitCode()).isZero();
        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("resumed\n");
        // Resumed: after the first watch broke, the launcher read the pod again (a GET, and a new watch unless the
        // GET already showed the end; which of the two depends on timing).
        String name = createdPod().at("/metadata/name").asText();
        assertThat(api.requests.stream().filter(q -> "true".equals(q.query().get("watch")) || q.is("GET", "/pods/" + name))
                .count()).isGreaterThan(1);
        assertNothingLeft();
    }

    @Test
    void aPodDeletedByOthersIsReported() {
        api.behaviour = pod -> Script.of(at(5, running()), at(30, p -> {
            synchronized (p) {
                p.deleted = true;
                api.pods.remove(p.name);
                p.bump();
            }
        }));
        LaunchResult r = launcher().run(python("import time; time.sleep(60)"), SLOT);
        assertThat(r.setupError()).contains("deleted outside the executor");
        assertNothingLeft();
    }

    @Test
    void stdinLargerThanASecretIsRefusedWithoutCreatingAnything() {
        LaunchResult r = launcher().run(SandboxSpec.of(List.of("/usr/bin/cat"), new byte[RunnerPod.MAX_STDIN_BYTES + 1],
                SandboxLimits.defaults()), SLOT);
        assertThat(r.setupError()).contains("exceeds tier B");
        assertThat(api.requests).isEmpty();
    }

    // ---- the stale sweep --------------------------------------------------------------------

    @Test
    void sweepStaleRemovesOnlyThisSlotsObjects() {
        Map<String, String> mine = Map.of(RunnerPod.LABEL_INSTANCE, INSTANCE, RunnerPod.LABEL_SLOT, "slot-0",
                RunnerPod.LABEL_CALL, "0123456789");
        Map<String, String> otherSlot = Map.of(RunnerPod.LABEL_INSTANCE, INSTANCE, RunnerPod.LABEL_SLOT, "slot-1");
        Map<String, String> otherInstance = Map.of(RunnerPod.LABEL_INSTANCE, "someone-else", RunnerPod.LABEL_SLOT, "slot-0");
        api.leftover("pod", "agentrt-test-k8s-s0-0123456789", mine);
        api.leftover("secret", "agentrt-test-k8s-s0-0123456789", mine);
        api.leftover("pod", "agentrt-test-k8s-s1-aaaaaaaaaa", otherSlot);
        api.leftover("secret", "agentrt-test-k8s-s1-aaaaaaaaaa", otherSlot);
        api.leftover("pod", "agentrt-someone-else-s0-bbbbbbbbbb", otherInstance);

        KubernetesPodLauncher launcher = launcher();
        launcher.sweepStale(SLOT);
        assertThat(api.pods.keySet()).containsExactlyInAnyOrder("agentrt-test-k8s-s1-aaaaaaaaaa",
                "agentrt-someone-else-s0-bbbbbbbbbb");
        assertThat(api.secrets.keySet()).containsExactly("agentrt-test-k8s-s1-aaaaaaaaaa");
        assertThat(api.requests("DELETE", "/pods/agentrt-test-k8s-s0-0123456789").getFirst().body()
                .path("gracePeriodSeconds").asInt(-1)).isZero();
        List<Request> lists = api.requests("GET", "/pods").stream().filter(q -> q.query().containsKey("labelSelector")).toList();
        assertThat(lists.getFirst().query().get("labelSelector"))
                .isEqualTo("sandbox.agentrt.dev/instance=test-k8s,sandbox.agentrt.dev/slot=slot-0");

        // Slots the configuration no longer has (it shrank to slot 0 only).
        launcher.sweepUnknownSlots(Set.of("slot-0"));
        assertThat(api.pods.keySet()).containsExactly("agentrt-someone-else-s0-bbbbbbbbbb");
        assertThat(api.secrets).isEmpty();
    }

    @Test
    void aStaleObjectThatStaysFailsTheSweep() {
        api.podsStayAfterDelete = true;
        api.leftover("pod", "agentrt-test-k8s-s0-0123456789",
                Map.of(RunnerPod.LABEL_INSTANCE, INSTANCE, RunnerPod.LABEL_SLOT, "slot-0"));
        assertThatThrownBy(() -> launcher().sweepStale(SLOT)).isInstanceOf(SandboxException.class)
                .hasMessageContaining("slot 0").hasMessageContaining("still exists");
    }

    // ---- settings ---------------------------------------------------------------------------

    @Test
    void settingsRefuseWhatWouldNotBeTierB() {
        Path token = settings.tokenFile();
        assertThatThrownBy(() -> KubernetesSettings.explicit(api.uri(), token, null, "runc", IMAGE))
                .hasMessageContaining("runtimeClassName must be one of");
        assertThatThrownBy(() -> KubernetesSettings.explicit(java.net.URI.create("http://10.0.0.1:6443"), token, null,
                "gvisor", IMAGE)).hasMessageContaining("must be https");
        assertThat(KubernetesSettings.explicit(java.net.URI.create("https://10.0.0.1:6443"), token, null, "kata-fc",
                IMAGE).runtimeClassName()).isEqualTo("kata-fc");
        assertThatThrownBy(() -> new KubernetesPodLauncher(settings, "ends-with-")).hasMessageContaining("label value");
    }

    @Test
    void inClusterSettingsComeFromTheServiceAccountMount() throws IOException {
        Path sa = Files.createDirectories(dir.resolve("sa"));
        Files.writeString(sa.resolve("token"), "t");
        Files.writeString(sa.resolve("ca.crt"), "not read until a client is built");
        KubernetesSettings s = KubernetesSettings.inCluster(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1",
                "KUBERNETES_SERVICE_PORT", "443"), sa, "gvisor", IMAGE);
        assertThat(s.apiServer().toString()).isEqualTo("https://10.96.0.1:443");
        assertThat(s.tokenFile()).isEqualTo(sa.resolve("token"));
        assertThat(s.caFile()).isEqualTo(sa.resolve("ca.crt"));
        assertThat(s.namespace()).isEqualTo("agentrt-sandbox");
        assertThat(KubernetesSettings.inCluster(Map.of("KUBERNETES_SERVICE_HOST", "fd00::1"), sa, "gvisor", IMAGE)
                .apiServer().toString()).isEqualTo("https://[fd00::1]:443");
        assertThatThrownBy(() -> KubernetesSettings.inCluster(Map.of(), sa, "gvisor", IMAGE))
                .hasMessageContaining("KUBERNETES_SERVICE_HOST");
    }

    @Test
    void theCaFileIsTrustedForHttps() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path cert = dir.resolve("ca.crt");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=fake-api",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "api", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, "changeit".toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        try (FakeKubernetesApi https = new FakeKubernetesApi(tls)) {
            KubernetesSettings trusted = KubernetesSettings.explicit(https.uri(), settings.tokenFile(), cert, "gvisor", IMAGE);
            assertThat(new KubernetesPodLauncher(trusted, INSTANCE).check()).contains("RBAC allows all");
            KubernetesSettings untrusted = KubernetesSettings.explicit(https.uri(), settings.tokenFile(), null, "gvisor", IMAGE);
            assertThatThrownBy(() -> new KubernetesPodLauncher(untrusted, INSTANCE).check())
                    .isInstanceOf(KubernetesApiException.class).hasMessageContaining("cannot reach");
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
