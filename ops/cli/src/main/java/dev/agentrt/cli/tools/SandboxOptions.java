package dev.agentrt.cli.tools;

import dev.agentrt.tools.sandbox.KubernetesSettings;
import dev.agentrt.tools.sandbox.SandboxConfig;
import dev.agentrt.tools.sandbox.SandboxException;
import dev.agentrt.tools.sandbox.Tier;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Sandbox settings shared by {@code tools exec}, {@code tools bench} and the executor service. */
public final class SandboxOptions {

    /** Where guests run: this host (tiers A, C, D by probe) or Kubernetes runner pods (tier B). */
    public enum Launcher { local, kubernetes }

    @Option(names = "--instance", defaultValue = "cli",
            description = "Sandbox instance name (cgroups, slot dirs, lock; runner pod labels). Default: ${DEFAULT-VALUE}.")
    String instance;

    @Option(names = "--uid-base", defaultValue = "61500",
            description = "First slot uid; slots use uid-base..uid-base+slots. Default: ${DEFAULT-VALUE}.")
    int uidBase;

    @Option(names = "--slots", defaultValue = "2", description = "Concurrency limit. Default: ${DEFAULT-VALUE}.")
    int slots;

    public int slots() {
        return slots;
    }

    public String instance() {
        return instance;
    }

    @Option(names = "--min-tier", defaultValue = "C",
            description = "Minimum isolation tier (B, A or C); below it code tools answer SANDBOX_UNAVAILABLE. Default: ${DEFAULT-VALUE}.")
    Tier minimumTier;

    @Option(names = "--sandbox", defaultValue = "local",
            description = "local: probe this host (tier A, C or D). kubernetes: tier B, one gVisor/Kata runner pod per "
                    + "call (ops/k8s/sandbox); never falls back to the host. Default: ${DEFAULT-VALUE}.")
    Launcher launcher;

    @Option(names = "--k8s-api",
            description = "Kubernetes API URL (https). Default: in-cluster (KUBERNETES_SERVICE_HOST/PORT, service-account token and CA).")
    URI k8sApi;

    @Option(names = "--k8s-token-file", description = "Bearer token file for --k8s-api.")
    Path k8sTokenFile;

    @Option(names = "--k8s-ca-file", description = "PEM CA bundle for --k8s-api (default: the JDK's trust store).")
    Path k8sCaFile;

    @Option(names = "--k8s-namespace", defaultValue = KubernetesSettings.DEFAULT_NAMESPACE,
            description = "Runner namespace. Default: ${DEFAULT-VALUE}.")
    String k8sNamespace;

    @Option(names = "--k8s-runtime-class", defaultValue = "gvisor",
            description = "RuntimeClass of runner pods: gvisor or kata-fc. Default: ${DEFAULT-VALUE}.")
    String k8sRuntimeClass;

    @Option(names = "--k8s-image", description = "Runner image (pin by digest); required with --sandbox kubernetes.")
    String k8sImage;

    public SandboxConfig config() {
        SandboxConfig config = SandboxConfig.defaults(instance).withUidBase(uidBase).withSlots(slots)
                .withMinimumTier(minimumTier);
        return launcher == Launcher.kubernetes ? config.withKubernetes(kubernetes()) : config;
    }

    private KubernetesSettings kubernetes() {
        if (k8sImage == null) {
            throw new SandboxException("--sandbox kubernetes needs --k8s-image");
        }
        try {
            KubernetesSettings settings;
            if (k8sApi == null) {
                settings = KubernetesSettings.inCluster(k8sRuntimeClass, k8sImage);
            } else {
                if (k8sTokenFile == null) {
                    throw new SandboxException("--k8s-api needs --k8s-token-file");
                }
                settings = KubernetesSettings.explicit(k8sApi, k8sTokenFile, k8sCaFile, k8sRuntimeClass, k8sImage);
            }
            return settings.withNamespace(k8sNamespace);
        } catch (IllegalArgumentException e) {
            throw new SandboxException("invalid Kubernetes sandbox setting: " + e.getMessage(), e);
        }
    }
}
