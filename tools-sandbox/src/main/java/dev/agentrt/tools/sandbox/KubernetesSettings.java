package dev.agentrt.tools.sandbox;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Where and how tier B runs guests: one runner pod per call in {@code namespace}, under
 * {@code runtimeClassName}, created through the Kubernetes REST API (ops/k8s/sandbox).
 *
 * @param apiServer        API server base URL; {@code https}, or {@code http} on a loopback address only
 *                         (tests), since the bearer token travels with every request
 * @param tokenFile        bearer token, re-read when the file changes (projected tokens rotate)
 * @param caFile           PEM CA bundle to trust for the API server, null to use the JDK's trust store
 * @param namespace        where runner pods and their stdin Secrets live
 * @param runtimeClassName {@code gvisor} or {@code kata-fc} (ops/k8s/sandbox/runtimeclasses.yaml); any
 *                         other class could be plain runc, which is not tier B, so it is refused
 * @param image            the runner image (python3 + the helper and seccomp filter under
 *                         {@code /opt/agentrt}); pin it by digest
 * @param startTimeout     from pod creation to a running (or finished) guest container: scheduling,
 *                         image pull and sandbox start; past it the call fails with a setup error
 * @param deleteTimeout    how long a deleted pod or Secret may take to disappear before the slot is
 *                         reported unclean
 * @param requestTimeout   per API request (not the watch and log streams, which the call's clocks bound)
 */
public record KubernetesSettings(URI apiServer, Path tokenFile, Path caFile, String namespace,
                                 String runtimeClassName, String image, Duration startTimeout,
                                 Duration deleteTimeout, Duration requestTimeout) {

    public static final String DEFAULT_NAMESPACE = "agentrt-sandbox";
    public static final Set<String> RUNTIME_CLASSES = Set.of("gvisor", "kata-fc");
    public static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    /** Where the runner image carries the helper and the seccomp filter (ops/k8s/sandbox/README.md). */
    public static final String IMAGE_HELPER = "/opt/agentrt/" + NativeHelper.HELPER;
    public static final String IMAGE_SECCOMP = "/opt/agentrt/" + NativeHelper.SECCOMP;

    public KubernetesSettings {
        if (apiServer == null || apiServer.getHost() == null) {
            throw new IllegalArgumentException("the Kubernetes API URL needs a host: " + apiServer);
        }
        String scheme = apiServer.getScheme();
        if (!"https".equals(scheme) && !("http".equals(scheme) && isLoopback(apiServer.getHost()))) {
            throw new IllegalArgumentException("the Kubernetes API URL must be https (plain http only on loopback): "
                    + apiServer);
        }
        if (tokenFile == null) {
            throw new IllegalArgumentException("a token file is required for the Kubernetes API");
        }
        if (namespace == null || !namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new IllegalArgumentException("namespace must be a DNS label: " + namespace);
        }
        if (!RUNTIME_CLASSES.contains(runtimeClassName)) {
            throw new IllegalArgumentException("runtimeClassName must be one of " + RUNTIME_CLASSES
                    + " (a VM or user-space kernel per pod); got " + runtimeClassName);
        }
        if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a runner image is required: " + image);
        }
        requirePositive("startTimeout", startTimeout);
        requirePositive("deleteTimeout", deleteTimeout);
        requirePositive("requestTimeout", requestTimeout);
    }

    /**
     * The executor running in a pod: API address from {@code KUBERNETES_SERVICE_HOST/PORT}, token
     * and CA from the mounted service-account directory.
     */
    public static KubernetesSettings inCluster(String runtimeClassName, String image) {
        return inCluster(System.getenv(), SERVICE_ACCOUNT_DIR, runtimeClassName, image);
    }

    static KubernetesSettings inCluster(Map<String, String> env, Path serviceAccountDir, String runtimeClassName,
                                        String image) {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        if (host == null || host.isBlank()) {
            throw new SandboxException("not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is unset); "
                    + "give the API URL and a token file explicitly");
        }
        Path token = serviceAccountDir.resolve("token");
        Path ca = serviceAccountDir.resolve("ca.crt");
        if (!Files.isReadable(token)) {
            throw new SandboxException("no service-account token at " + token
                    + " (automountServiceAccountToken must be on for the executor pod, not for runner pods)");
        }
        String hostPart = host.contains(":") ? "[" + host + "]" : host; // IPv6 service address
        return new KubernetesSettings(URI.create("https://" + hostPart + ":" + port), token,
                Files.isReadable(ca) ? ca : null, DEFAULT_NAMESPACE, runtimeClassName, image,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    /** Out of cluster (and tests): an explicit API URL and token file, default timeouts. */
    public static KubernetesSettings explicit(URI apiServer, Path tokenFile, Path caFile, String runtimeClassName,
                                              String image) {
        return new KubernetesSettings(apiServer, tokenFile, caFile, DEFAULT_NAMESPACE, runtimeClassName, image,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    public KubernetesSettings withNamespace(String value) {
        return new KubernetesSettings(apiServer, tokenFile, caFile, value, runtimeClassName, image, startTimeout,
                deleteTimeout, requestTimeout);
    }

    public KubernetesSettings withStartTimeout(Duration value) {
        return new KubernetesSettings(apiServer, tokenFile, caFile, namespace, runtimeClassName, image, value,
                deleteTimeout, requestTimeout);
    }

    public KubernetesSettings withDeleteTimeout(Duration value) {
        return new KubernetesSettings(apiServer, tokenFile, caFile, namespace, runtimeClassName, image, startTimeout,
                value, requestTimeout);
    }

    /** For the log and tools exec output: no token, no secrets. */
    public String describe() {
        return "runner pods in " + apiServer + " namespace " + namespace + ", RuntimeClass " + runtimeClassName
                + ", image " + image;
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static boolean isLoopback(String host) {
        try {
            String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            for (InetAddress address : InetAddress.getAllByName(bare)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
