package dev.agentrt.tools.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects of one tier-B call: a runner pod built as ops/k8s/sandbox/runner-pod.yaml describes
 * (that file is the reference copy; {@code KubernetesPodLauncherTest} fails if the two drift) and
 * an immutable Secret carrying the guest's stdin, mounted read-only and fed to the guest by the
 * helper's {@code --stdin-file}.
 */
final class RunnerPod {

    static final String CONTAINER = "guest";
    static final String LABEL_APP = "app.kubernetes.io/name";
    static final String APP = "agentrt-sandbox-runner";
    static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGED_BY = "agentrt-tool-executor";
    static final String LABEL_INSTANCE = "sandbox.agentrt.dev/instance";
    static final String LABEL_SLOT = "sandbox.agentrt.dev/slot";
    static final String LABEL_CALL = "sandbox.agentrt.dev/call";
    /** Runner pods carry network=none: only the default deny of networkpolicy.yaml applies to them. */
    static final String LABEL_NETWORK = "sandbox.agentrt.dev/network";
    static final String NETWORK_NONE = "none";

    static final String STDIN_DIR = "/run/agentrt/stdin";
    static final String STDIN_KEY = "stdin";
    /** A Secret holds at most 1 MiB; the python tool's code is capped at 256 KiB. */
    static final int MAX_STDIN_BYTES = 768 * 1024;
    /** Container logs count toward ephemeral storage; the output cap kills long before this. */
    static final String EPHEMERAL_STORAGE = "64Mi";
    /** Beyond the executor's own clocks, the cluster's last resort (activeDeadlineSeconds). */
    static final long DEADLINE_MARGIN_SECONDS = 15;

    private RunnerPod() {
    }

    /** A DNS-1123 label (at most 57 characters with the longest instance name). */
    static String name(String instance, Slot slot, String callId) {
        return "agentrt-" + instance + "-s" + slot.index() + "-" + callId;
    }

    static String slotLabel(Slot slot) {
        return slot.cgroupName();
    }

    static String instanceSelector(String instance) {
        return LABEL_INSTANCE + "=" + instance;
    }

    static String slotSelector(String instance, Slot slot) {
        return instanceSelector(instance) + "," + LABEL_SLOT + "=" + slotLabel(slot);
    }

    static Map<String, String> labels(String instance, Slot slot, String callId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_APP, APP);
        labels.put(LABEL_MANAGED_BY, MANAGED_BY);
        labels.put(LABEL_INSTANCE, instance);
        labels.put(LABEL_SLOT, slotLabel(slot));
        labels.put(LABEL_CALL, callId);
        labels.put(LABEL_NETWORK, NETWORK_NONE);
        return labels;
    }

    static ObjectNode secret(KubernetesSettings settings, String instance, Slot slot, String callId, byte[] stdin) {
        ObjectNode secret = KubernetesApi.JSON.createObjectNode();
        secret.put("apiVersion", "v1");
        secret.put("kind", "Secret");
        metadata(secret, settings, name(instance, slot, callId), labels(instance, slot, callId));
        secret.put("type", "Opaque");
        secret.put("immutable", true);
        secret.putObject("data").put(STDIN_KEY, Base64.getEncoder().encodeToString(stdin));
        return secret;
    }

    static ObjectNode pod(KubernetesSettings settings, String instance, Slot slot, String callId, SandboxSpec spec) {
        SandboxLimits limits = spec.limits();
        String name = name(instance, slot, callId);
        ObjectNode pod = KubernetesApi.JSON.createObjectNode();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        metadata(pod, settings, name, labels(instance, slot, callId));

        ObjectNode podSpec = pod.putObject("spec");
        podSpec.put("runtimeClassName", settings.runtimeClassName());
        podSpec.put("hostUsers", false);
        podSpec.put("hostNetwork", false);
        podSpec.put("hostPID", false);
        podSpec.put("hostIPC", false);
        podSpec.put("shareProcessNamespace", false);
        podSpec.put("automountServiceAccountToken", false);
        podSpec.put("enableServiceLinks", false);
        podSpec.put("restartPolicy", "Never");
        podSpec.put("activeDeadlineSeconds", activeDeadlineSeconds(settings, limits));
        podSpec.put("terminationGracePeriodSeconds", 0);
        podSpec.put("dnsPolicy", "None");
        podSpec.putObject("dnsConfig").putArray("nameservers").add("127.0.0.1");
        ObjectNode podSecurity = podSpec.putObject("securityContext");
        podSecurity.put("runAsNonRoot", true);
        podSecurity.put("runAsUser", slot.uid());
        podSecurity.put("runAsGroup", slot.uid());
        podSecurity.putObject("seccompProfile").put("type", "RuntimeDefault");

        ObjectNode container = podSpec.putArray("containers").addObject();
        container.put("name", CONTAINER);
        container.put("image", settings.image());
        container.put("imagePullPolicy", "IfNotPresent");
        container.put("workingDir", "/workspace");
        ArrayNode command = container.putArray("command");
        command(spec).forEach(command::add);
        ObjectNode security = container.putObject("securityContext");
        security.put("allowPrivilegeEscalation", false);
        security.put("readOnlyRootFilesystem", true);
        security.put("privileged", false);
        security.put("runAsNonRoot", true);
        security.putObject("capabilities").putArray("drop").add("ALL");
        security.putObject("seccompProfile").put("type", "RuntimeDefault");
        ObjectNode resources = container.putObject("resources");
        for (String kind : List.of("requests", "limits")) {
            ObjectNode r = resources.putObject(kind);
            r.put("cpu", Integer.toString(limits.cpus()));
            r.put("memory", quantity(limits.memoryBytes()));
            r.put("ephemeral-storage", EPHEMERAL_STORAGE);
        }
        ArrayNode mounts = container.putArray("volumeMounts");
        mounts.addObject().put("name", "workspace").put("mountPath", "/workspace");
        mounts.addObject().put("name", "tmp").put("mountPath", "/tmp");
        mounts.addObject().put("name", "stdin").put("mountPath", STDIN_DIR).put("readOnly", true);

        ArrayNode volumes = podSpec.putArray("volumes");
        for (String volume : List.of("workspace", "tmp")) {
            ObjectNode emptyDir = volumes.addObject().put("name", volume).putObject("emptyDir");
            emptyDir.put("medium", "Memory");
            emptyDir.put("sizeLimit", quantity(limits.tmpBytes()));
        }
        ObjectNode secretVolume = volumes.addObject().put("name", "stdin").putObject("secret");
        secretVolume.put("secretName", name);
        secretVolume.put("defaultMode", 0444);
        secretVolume.put("optional", false);
        return pod;
    }

    /**
     * The helper's command line inside the runner image: the same layers as tier C without a uid
     * switch (the pod already runs as the slot uid, non-root, no capabilities), Landlock best effort
     * (gVisor has none; a Kata guest kernel may), the build-generated seccomp filter, and
     * {@code --init} so the guest is not pid 1 (whose signals without handlers the kernel drops).
     */
    static List<String> command(SandboxSpec spec) {
        SandboxLimits limits = spec.limits();
        List<String> cmd = new ArrayList<>();
        cmd.add(KubernetesSettings.IMAGE_HELPER);
        cmd.add("run");
        cmd.add("--init");
        // RLIMIT_CPU is the CPU limit here (no cgroup the executor can read); RLIMIT_AS only a
        // backstop, the pod's memory limit is the real one; +1 process for the helper's init.
        cmd.addAll(GuestEnvironment.rlimitOptions(limits, Math.max(4 * limits.memoryBytes(), 1L << 30),
                limits.pids() + 1, 0));
        cmd.addAll(List.of("--stdin-file", STDIN_DIR + "/" + STDIN_KEY,
                "--chdir", "/workspace",
                "--landlock-min-abi", "0",
                "--landlock-rx", "/usr", "--landlock-ro", "/etc", "--landlock-ro", "/proc",
                "--landlock-ro", "/dev", "--landlock-rw", "/dev/null", "--landlock-rw", "/dev/zero",
                "--landlock-rw", "/dev/shm", "--landlock-rw", "/workspace", "--landlock-rw", "/tmp"));
        for (Path path : spec.readOnlyPaths()) {
            cmd.addAll(List.of("--landlock-rx", path.toString()));
        }
        cmd.addAll(List.of("--seccomp-file", KubernetesSettings.IMAGE_SECCOMP));
        cmd.addAll(GuestEnvironment.helperOptions(GuestEnvironment.of("/workspace", "/tmp", spec.env())));
        cmd.add("--");
        cmd.addAll(spec.argv());
        return cmd;
    }

    static long activeDeadlineSeconds(KubernetesSettings settings, SandboxLimits limits) {
        return (limits.wallMs() + 999) / 1000 + settings.startTimeout().toSeconds() + DEADLINE_MARGIN_SECONDS;
    }

    /** A Kubernetes quantity: "256Mi" when whole mebibytes, else plain bytes. */
    static String quantity(long bytes) {
        return bytes % SandboxLimits.MIB == 0 ? bytes / SandboxLimits.MIB + "Mi" : Long.toString(bytes);
    }

    private static void metadata(ObjectNode object, KubernetesSettings settings, String name, Map<String, String> labels) {
        ObjectNode metadata = object.putObject("metadata");
        metadata.put("name", name);
        metadata.put("namespace", settings.namespace());
        ObjectNode labelNode = metadata.putObject("labels");
        labels.forEach(labelNode::put);
    }
}
