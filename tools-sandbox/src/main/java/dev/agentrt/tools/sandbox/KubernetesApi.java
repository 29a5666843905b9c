package dev.agentrt.tools.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The few Kubernetes REST calls tier B needs, on the JDK's HttpClient: create, get, list, delete,
 * SelfSubjectAccessReview, and two streams (a pod watch and a pod's log) delivered push-style so
 * that the caller can cancel them at any time. Errors become {@link KubernetesApiException}s with
 * messages that say what to fix.
 */
final class KubernetesApi {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Largest JSON answer read (a pod list during the sweep is the biggest). */
    private static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    /** Largest watch event line. */
    private static final int MAX_LINE_BYTES = 4 * 1024 * 1024;
    private static final int MAX_MESSAGE_CHARS = 600;

    private final KubernetesSettings settings;
    private final HttpClient client;
    private final Object tokenLock = new Object();
    private String token;
    private FileTime tokenModified;

    KubernetesApi(KubernetesSettings settings) {
        this.settings = settings;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // h2 multiplexes the per-call watch and log streams over one TLS connection; plain
                // http (loopback tests only) stays on 1.1 to avoid the h2c upgrade dance.
                .version("https".equals(settings.apiServer().getScheme())
                        ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
        if (settings.caFile() != null) {
            builder.sslContext(sslContext(settings.caFile()));
        }
        this.client = builder.build();
    }

    KubernetesSettings settings() {
        return settings;
    }

    /** Stops the client at once: open streams end, in-flight requests fail. */
    void close() {
        client.shutdownNow();
    }

    // ---- paths -------------------------------------------------------------------------------

    String pods() {
        return "/api/v1/namespaces/" + settings.namespace() + "/pods";
    }

    String secrets() {
        return "/api/v1/namespaces/" + settings.namespace() + "/secrets";
    }

    static String query(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "?", ""));
    }

    // ---- plain requests ----------------------------------------------------------------------

    JsonNode create(String path, JsonNode body, String what) {
        Answer answer = send("POST", path, body, "create " + what);
        if (answer.status() == 200 || answer.status() == 201 || answer.status() == 202) {
            return answer.json();
        }
        throw explain(answer, "create " + what);
    }

    /** The object, or empty when it does not exist (404). */
    Optional<JsonNode> get(String path, String what) {
        Answer answer = send("GET", path, null, "read " + what);
        if (answer.status() == 200) {
            return Optional.of(answer.json());
        }
        if (answer.status() == 404) {
            return Optional.empty();
        }
        throw explain(answer, "read " + what);
    }

    /** The {@code items} of a list call with a label selector. */
    List<JsonNode> list(String path, String labelSelector, String what) {
        Answer answer = send("GET", path + query(Map.of("labelSelector", labelSelector)), null, "list " + what);
        if (answer.status() != 200) {
            throw explain(answer, "list " + what);
        }
        List<JsonNode> items = new java.util.ArrayList<>();
        answer.json().path("items").forEach(items::add);
        return items;
    }

    /**
     * Deletes with the given grace period ({@code 0}: at once, no SIGTERM grace). Returns false if
     * the object was already gone.
     */
    boolean delete(String path, int gracePeriodSeconds, String what) {
        ObjectNode options = JSON.createObjectNode();
        options.put("kind", "DeleteOptions");
        options.put("apiVersion", "v1");
        options.put("gracePeriodSeconds", gracePeriodSeconds);
        options.put("propagationPolicy", "Background");
        Answer answer = send("DELETE", path, options, "delete " + what);
        if (answer.status() == 200 || answer.status() == 202) {
            return true;
        }
        if (answer.status() == 404) {
            return false;
        }
        throw explain(answer, "delete " + what);
    }

    /** SelfSubjectAccessReview: may the executor's identity do {@code verb} on {@code resource}? */
    boolean allowed(String verb, String resource, String subresource) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", "authorization.k8s.io/v1");
        review.put("kind", "SelfSubjectAccessReview");
        ObjectNode attributes = review.putObject("spec").putObject("resourceAttributes");
        attributes.put("namespace", settings.namespace());
        attributes.put("verb", verb);
        attributes.put("resource", resource);
        if (subresource != null) {
            attributes.put("subresource", subresource);
        }
        String what = "SelfSubjectAccessReview (" + verb + " " + resource
                + (subresource == null ? "" : "/" + subresource) + ")";
        return create("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review, what)
                .path("status").path("allowed").asBoolean(false);
    }

    private record Answer(int status, byte[] body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new KubernetesApiException(status, "the Kubernetes API answered with invalid JSON: " + e.getMessage());
            }
        }
    }

    private Answer send(String method, String path, JsonNode body, String action) {
        HttpRequest.Builder request = request(path).timeout(settings.requestTimeout());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(write(body)));
        }
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
                if (bytes.length > MAX_RESPONSE_BYTES) {
                    throw new KubernetesApiException(response.statusCode(), "Kubernetes API " + action
                            + ": answer larger than " + MAX_RESPONSE_BYTES + " bytes");
                }
                return new Answer(response.statusCode(), bytes);
            }
        } catch (HttpTimeoutException e) {
            throw new KubernetesApiException("Kubernetes API " + action + ": no answer from " + settings.apiServer()
                    + " within " + settings.requestTimeout().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new KubernetesApiException("Kubernetes API " + action + ": cannot reach " + settings.apiServer()
                    + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesApiException("Kubernetes API " + action + ": interrupted", e);
        }
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(stripSlash(settings.apiServer().toString()) + pathAndQuery))
                .header("Authorization", "Bearer " + token())
                .header("Accept", "application/json")
                .header("User-Agent", "agentrt-tool-executor");
    }

    private static String stripSlash(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static byte[] write(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a request body", e);
        }
    }

    /** Re-read when the file changes: projected service-account tokens are rotated by the kubelet. */
    private String token() {
        Path file = settings.tokenFile();
        synchronized (tokenLock) {
            try {
                FileTime modified = Files.getLastModifiedTime(file);
                if (token == null || !modified.equals(tokenModified)) {
                    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
                    if (text.isEmpty() || text.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                        throw new KubernetesApiException(0, "the token file " + file + " is empty or not a bearer token");
                    }
                    token = text;
                    tokenModified = modified;
                }
                return token;
            } catch (IOException e) {
                throw new KubernetesApiException("cannot read the Kubernetes token file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    // ---- error messages ----------------------------------------------------------------------

    private KubernetesApiException explain(Answer answer, String action) {
        String apiMessage = "";
        try {
            apiMessage = JSON.readTree(answer.body()).path("message").asText("");
        } catch (IOException e) {
            apiMessage = new String(answer.body(), StandardCharsets.UTF_8);
        }
        return new KubernetesApiException(answer.status(),
                explain(answer.status(), sanitize(apiMessage), action, settings));
    }

    /** The message for a failed request: what was tried, what the API said, and what to fix. */
    static String explain(int status, String apiMessage, String action, KubernetesSettings settings) {
        String head = "Kubernetes API " + action + " in namespace " + settings.namespace() + ": " + status
                + (apiMessage.isEmpty() ? "" : " (" + apiMessage + ")");
        return switch (status) {
            case 401 -> head + ": the token in " + settings.tokenFile() + " was not accepted (expired, or not a "
                    + "service-account token of this cluster)";
            case 403 -> {
                if (apiMessage.contains("exceeded quota")) {
                    yield head + ": the runner namespace's ResourceQuota is used up (ops/k8s/sandbox/namespace.yaml); "
                            + "lower the executor's slot count or raise the quota";
                } else if (apiMessage.contains("PodSecurity")) {
                    yield head + ": Pod Security admission refused the runner pod; the namespace must enforce "
                            + "'restricted' (ops/k8s/sandbox/namespace.yaml) and the pod satisfies it, so check the "
                            + "cluster version";
                } else if (apiMessage.contains("RuntimeClass")) {
                    yield head + ": RuntimeClass " + settings.runtimeClassName() + " is missing or refused "
                            + "(ops/k8s/sandbox/runtimeclasses.yaml)";
                }
                yield head + ": the executor's service account lacks the Role and RoleBinding of "
                        + "ops/k8s/sandbox/executor-rbac.yaml";
            }
            case 404 -> head + ": namespace " + settings.namespace() + " not found; apply "
                    + "ops/k8s/sandbox/namespace.yaml (and executor-rbac.yaml)";
            case 409 -> head + ": an object of that name already exists";
            case 422 -> head + ": the API server refused the object as invalid (an old API server may not know "
                    + "hostUsers or a field of the runner pod)";
            case 429 -> head + ": the API server is throttling the executor";
            default -> head;
        };
    }

    private static String sanitize(String message) {
        String flat = message.replaceAll("[\\p{Cntrl}]", " ").strip();
        return flat.length() > MAX_MESSAGE_CHARS ? flat.substring(0, MAX_MESSAGE_CHARS) + "..." : flat;
    }

    // ---- streams -----------------------------------------------------------------------------

    /** Receives a stream's bytes; {@link #end} is called exactly once. */
    interface StreamSink {
        /** Returns false to stop reading (the stream is then cancelled and ended without error). */
        boolean bytes(ByteBuffer chunk);

        /** {@code error} is null after a clean end of the stream or a cancel. */
        void end(Throwable error);
    }

    /** A running stream; {@link #cancel} stops it and closes its connection. */
    static final class Stream implements Flow.Subscriber<List<ByteBuffer>> {
        private final StreamSink sink;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;

        Stream(StreamSink sink) {
            this.sink = sink;
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            end(null);
        }

        boolean ended() {
            return ended.get();
        }

        void end(Throwable error) {
            if (ended.compareAndSet(false, true)) {
                sink.end(error);
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (cancelled || ended.get()) {
                return;
            }
            for (ByteBuffer buffer : item) {
                if (!sink.bytes(buffer)) {
                    cancel();
                    return;
                }
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            end(cancelled ? null : throwable);
        }

        @Override
        public void onComplete() {
            end(null);
        }
    }

    /**
     * Opens a streaming GET. A non-200 answer ends the stream with a {@link KubernetesApiException}
     * carrying the API's explanation.
     */
    Stream stream(String pathAndQuery, String action, StreamSink sink) {
        Stream stream = new Stream(sink);
        HttpRequest request;
        try {
            request = request(pathAndQuery).GET().build();
        } catch (KubernetesApiException e) {
            stream.end(e);
            return stream;
        }
        HttpResponse.BodyHandler<Void> handler = info -> {
            if (info.statusCode() == 200) {
                return HttpResponse.BodySubscribers.fromSubscriber(stream);
            }
            return HttpResponse.BodySubscribers.<byte[], Void>mapping(HttpResponse.BodySubscribers.ofByteArray(), body -> {
                stream.end(explain(new Answer(info.statusCode(), body), action));
                return null;
            });
        };
        client.sendAsync(request, handler).whenComplete((response, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                stream.end(new KubernetesApiException("Kubernetes API " + action + ": " + cause, cause));
            }
        });
        return stream;
    }

    /** Splits a watch stream into JSON events, one per line. */
    static StreamSink lines(java.util.function.Consumer<JsonNode> onEvent, java.util.function.Consumer<Throwable> onEnd) {
        return new StreamSink() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();
            private Throwable tooLong;

            @Override
            public boolean bytes(ByteBuffer chunk) {
                while (chunk.hasRemaining()) {
                    byte b = chunk.get();
                    if (b == '\n') {
                        flush();
                    } else {
                        line.write(b);
                        if (line.size() > MAX_LINE_BYTES) {
                            tooLong = new KubernetesApiException(0, "a watch event exceeded " + MAX_LINE_BYTES + " bytes");
                            line.reset();
                            return false;
                        }
                    }
                }
                return true;
            }

            private void flush() {
                if (line.size() > 0) {
                    try {
                        onEvent.accept(JSON.readTree(line.toByteArray()));
                    } catch (IOException e) {
                        // A malformed line: the caller re-reads the pod when the watch ends.
                    }
                    line.reset();
                }
            }

            @Override
            public void end(Throwable error) {
                if (tooLong == null) {
                    flush();
                }
                onEnd.accept(tooLong != null ? tooLong : error);
            }
        };
    }

    private static SSLContext sslContext(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new SandboxException("no certificate in the Kubernetes CA file " + caFile);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new SandboxException("cannot load the Kubernetes CA file " + caFile + ": " + e.getMessage(), e);
        }
    }
}
