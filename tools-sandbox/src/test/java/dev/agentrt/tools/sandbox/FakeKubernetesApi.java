package dev.agentrt.tools.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A test double of the slice of the Kubernetes API that tier B uses, on the JDK's HttpServer:
 * Secrets and Pods (create, get, list by label, delete), a pod watch, a pod's log (follow,
 * limitBytes) and SelfSubjectAccessReview. It records every request, and each created pod plays a
 * {@link Script} (scheduled, running, log output, exit, OOM, image pull failure, ...). Failures are
 * injected per request, and pods can be made to stay after their deletion (a finalizer).
 */
final class FakeKubernetesApi implements AutoCloseable {

    static final String TOKEN = "fake-token-7f3c";
    static final String NAMESPACE = "agentrt-sandbox";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded request. {@code at} is System.nanoTime() on arrival. */
    record Request(String method, String path, Map<String, String> query, JsonNode body, long at) {
        boolean is(String m, String pathSuffix) {
            return method.equals(m) && path.endsWith(pathSuffix);
        }
    }

    /** An injected answer for requests with this method whose path ends with the suffix. */
    record Failure(String method, String pathSuffix, int status, String reason, String message) {
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("fake-k8s-", 0).factory());
    /** One thread: a script's steps run in their order even when the machine is loaded. */
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("fake-k8s-clock").factory());
    private final AtomicLong resourceVersion = new AtomicLong(1000);
    private volatile boolean stopped;

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, FakePod> pods = new ConcurrentHashMap<>();
    final Map<String, ObjectNode> secrets = new ConcurrentHashMap<>();
    final List<Failure> failures = new CopyOnWriteArrayList<>();
    final Set<String> deniedAccess = ConcurrentHashMap.newKeySet();
    volatile Function<FakePod, Script> behaviour = pod -> Script.echoStdin(0);
    volatile boolean namespaceExists = true;
    /** Deleted pods stay, terminating, with a finalizer nobody removes. */
    volatile boolean podsStayAfterDelete;
    /** Every watch closes after its first event (the launcher must re-read and re-watch). */
    volatile boolean watchesBreak;
    /** A pod create is applied at once but answered this much later (a lost answer, for short client timeouts). */
    volatile long podCreateAnswerDelayMs;

    FakeKubernetesApi() throws IOException {
        this(null);
    }

    /** With an SSLContext: an HTTPS server (for the CA-file test). */
    FakeKubernetesApi(SSLContext tls) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(address, 64);
        } else {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        stopped = true;
        pods.values().forEach(FakePod::wake);
        server.stop(0);
        clock.shutdownNow();
        handlers.shutdownNow();
    }

    List<Request> requests(String method, String pathSuffix) {
        return requests.stream().filter(r -> r.is(method, pathSuffix)).toList();
    }

    /** Pre-creates a runner object as a crashed executor would have left it. */
    void leftover(String kind, String name, Map<String, String> labels) {
        ObjectNode object = JSON.createObjectNode();
        ObjectNode metadata = object.putObject("metadata");
        metadata.put("name", name);
        metadata.put("namespace", NAMESPACE);
        ObjectNode l = metadata.putObject("labels");
        labels.forEach(l::put);
        if (kind.equals("pod")) {
            FakePod pod = new FakePod(name, object);
            pod.status(s -> s.put("phase", "Running"));
            pods.put(name, pod);
        } else {
            secrets.put(name, object);
        }
    }

    // ---- pod lifecycles ----------------------------------------------------------------------

    /** One simulated pod: its object, its log and everyone waiting on either. */
    final class FakePod {
        final String name;
        final ObjectNode object;
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        long version;
        boolean deleted;
        boolean containerStarted;
        boolean containerEnded;
        /** System.nanoTime() when the container was reported running, 0 before. */
        volatile long runningAt;

        FakePod(String name, ObjectNode object) {
            this.name = name;
            this.object = object;
            bump();
        }

        synchronized void bump() {
            version = resourceVersion.incrementAndGet();
            ((ObjectNode) object.get("metadata")).put("resourceVersion", Long.toString(version));
            notifyAll();
        }

        synchronized void wake() {
            notifyAll();
        }

        ObjectNode spec() {
            return (ObjectNode) object.get("spec");
        }

        synchronized void status(Consumer<ObjectNode> change) {
            if (deleted) {
                return;
            }
            ObjectNode status = object.has("status") ? (ObjectNode) object.get("status") : object.putObject("status");
            change.accept(status);
            bump();
        }

        void container(String state, ObjectNode detail) {
            status(s -> {
                ArrayNode statuses = s.putArray("containerStatuses");
                ObjectNode c = statuses.addObject();
                c.put("name", "guest");
                c.put("ready", state.equals("running"));
                c.putObject("state").set(state, detail);
            });
        }

        synchronized void appendLog(byte[] bytes) {
            if (deleted || containerEnded) {
                return;
            }
            log.writeBytes(bytes);
            notifyAll();
        }

        synchronized byte[] logBytes() {
            return log.toByteArray();
        }

        String stdin() {
            for (JsonNode volume : spec().path("volumes")) {
                if (volume.has("secret")) {
                    ObjectNode secret = secrets.get(volume.path("secret").path("secretName").asText());
                    return secret == null ? null : new String(Base64.getDecoder().decode(
                            secret.path("data").path("stdin").asText()), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    /** Timed steps a created pod goes through. */
    record Script(List<Step> steps) {
        record Step(long afterMs, Consumer<FakePod> action) {
        }

        static Script of(Step... steps) {
            return new Script(List.of(steps));
        }

        static Step at(long ms, Consumer<FakePod> action) {
            return new Step(ms, action);
        }

        static Consumer<FakePod> scheduled() {
            return pod -> pod.status(s -> {
                s.put("phase", "Pending");
                ArrayNode conditions = s.putArray("conditions");
                conditions.addObject().put("type", "PodScheduled").put("status", "True");
                ArrayNode statuses = s.putArray("containerStatuses");
                ObjectNode c = statuses.addObject();
                c.put("name", "guest");
                c.putObject("state").putObject("waiting").put("reason", "ContainerCreating");
            });
        }

        static Consumer<FakePod> unschedulable(String message) {
            return pod -> pod.status(s -> {
                s.put("phase", "Pending");
                s.putArray("conditions").addObject().put("type", "PodScheduled").put("status", "False")
                        .put("reason", "Unschedulable").put("message", message);
            });
        }

        static Consumer<FakePod> waiting(String reason, String message) {
            return pod -> pod.container("waiting", JSON.createObjectNode().put("reason", reason).put("message", message));
        }

        static Consumer<FakePod> running() {
            return pod -> {
                synchronized (pod) {
                    pod.containerStarted = true;
                    pod.runningAt = System.nanoTime();
                }
                pod.status(s -> s.put("phase", "Running"));
                pod.container("running", JSON.createObjectNode().put("startedAt", Instant.now().toString()));
            };
        }

        static Consumer<FakePod> log(String text) {
            return pod -> pod.appendLog(text.getBytes(StandardCharsets.UTF_8));
        }

        static Consumer<FakePod> exit(int code, String reason) {
            return pod -> {
                synchronized (pod) {
                    pod.containerStarted = true;
                    pod.containerEnded = true;
                    pod.notifyAll();
                }
                // One status update, as the kubelet writes it: the phase with the container's verdict.
                pod.status(s -> {
                    s.put("phase", code == 0 ? "Succeeded" : "Failed");
                    ObjectNode c = s.putArray("containerStatuses").addObject();
                    c.put("name", "guest");
                    c.putObject("state").putObject("terminated").put("exitCode", code).put("reason", reason)
                            .put("finishedAt", Instant.now().toString());
                });
            };
        }

        /** The usual quick guest: scheduled, running, prints its stdin back, exits with {@code code}. */
        static Script echoStdin(int code) {
            return of(at(5, scheduled()), at(20, running()),
                    at(30, pod -> pod.appendLog(("stdin was: " + pod.stdin()).getBytes(StandardCharsets.UTF_8))),
                    at(40, exit(code, code == 0 ? "Completed" : "Error")));
        }
    }

    /** Appends {@code chunk} every {@code everyMs} until the pod is deleted (an output flood). */
    void flood(FakePod pod, byte[] chunk, long everyMs) {
        clock.schedule(() -> {
            synchronized (pod) {
                if (pod.deleted || pod.containerEnded || stopped) {
                    return;
                }
            }
            pod.appendLog(chunk);
            flood(pod, chunk, everyMs);
        }, everyMs, TimeUnit.MILLISECONDS);
    }

    private void play(FakePod pod) {
        Script script = behaviour.apply(pod);
        for (Script.Step step : script.steps()) {
            clock.schedule(() -> {
                synchronized (pod) {
                    if (pod.deleted) {
                        return;
                    }
                }
                step.action().accept(pod);
            }, step.afterMs(), TimeUnit.MILLISECONDS);
        }
    }

    // ---- HTTP --------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
            requests.add(new Request(method, path, query, body, System.nanoTime()));

            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status(exchange, 401, "Unauthorized", "Unauthorized");
                return;
            }
            for (Failure f : failures) {
                if (f.method().equals(method) && path.endsWith(f.pathSuffix())) {
                    status(exchange, f.status(), f.reason(), f.message());
                    return;
                }
            }
            if (path.equals("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") && method.equals("POST")) {
                JsonNode a = body.path("spec").path("resourceAttributes");
                String key = a.path("verb").asText() + " " + a.path("resource").asText()
                        + (a.has("subresource") ? "/" + a.path("subresource").asText() : "");
                ObjectNode answer = JSON.createObjectNode();
                answer.put("kind", "SelfSubjectAccessReview");
                answer.putObject("status").put("allowed", namespaceExists && !deniedAccess.contains(key));
                json(exchange, 201, answer);
                return;
            }
            String prefix = "/api/v1/namespaces/" + NAMESPACE + "/";
            if (!path.startsWith(prefix)) {
                status(exchange, 404, "NotFound", "the server could not find the requested resource");
                return;
            }
            if (!namespaceExists && method.equals("POST")) {
                status(exchange, 404, "NotFound", "namespaces \"" + NAMESPACE + "\" not found");
                return;
            }
            String[] parts = path.substring(prefix.length()).split("/");
            String resource = parts[0];
            String name = parts.length > 1 ? parts[1] : null;
            String sub = parts.length > 2 ? parts[2] : null;
            switch (resource) {
                case "pods" -> pods(exchange, method, name, sub, query, body);
                case "secrets" -> secrets(exchange, method, name, query, body);
                default -> status(exchange, 404, "NotFound", "unknown resource " + resource);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away (a cancelled stream) or a test bug; nothing to answer
        }
    }

    private void secrets(HttpExchange exchange, String method, String name, Map<String, String> query, JsonNode body)
            throws IOException {
        if (name == null && method.equals("POST")) {
            ObjectNode secret = (ObjectNode) body.deepCopy();
            String n = secret.path("metadata").path("name").asText();
            if (secrets.putIfAbsent(n, secret) != null) {
                status(exchange, 409, "AlreadyExists", "secrets \"" + n + "\" already exists");
                return;
            }
            json(exchange, 201, secret);
        } else if (name == null && method.equals("GET")) {
            json(exchange, 200, list(secrets.values(), query.get("labelSelector")));
        } else if (method.equals("GET")) {
            ObjectNode secret = secrets.get(name);
            if (secret == null) {
                status(exchange, 404, "NotFound", "secrets \"" + name + "\" not found");
            } else {
                json(exchange, 200, secret);
            }
        } else if (method.equals("DELETE")) {
            ObjectNode secret = secrets.remove(name);
            if (secret == null) {
                status(exchange, 404, "NotFound", "secrets \"" + name + "\" not found");
            } else {
                json(exchange, 200, secret);
            }
        } else {
            status(exchange, 405, "MethodNotAllowed", method);
        }
    }

    private void pods(HttpExchange exchange, String method, String name, String sub, Map<String, String> query,
                      JsonNode body) throws IOException {
        if (name == null && method.equals("POST")) {
            ObjectNode object = (ObjectNode) body.deepCopy();
            String n = object.path("metadata").path("name").asText();
            ((ObjectNode) object.get("metadata")).put("uid", java.util.UUID.randomUUID().toString());
            object.putObject("status").put("phase", "Pending");
            FakePod pod = new FakePod(n, object);
            if (pods.putIfAbsent(n, pod) != null) {
                status(exchange, 409, "AlreadyExists", "pods \"" + n + "\" already exists");
                return;
            }
            play(pod);
            if (podCreateAnswerDelayMs > 0) {
                try {
                    Thread.sleep(podCreateAnswerDelayMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
            json(exchange, 201, snapshot(pod));
        } else if (name == null && method.equals("GET") && "true".equals(query.get("watch"))) {
            watch(exchange, query);
        } else if (name == null && method.equals("GET")) {
            List<ObjectNode> objects = new ArrayList<>();
            pods.values().forEach(p -> objects.add(snapshot(p)));
            json(exchange, 200, list(objects, query.get("labelSelector")));
        } else if ("log".equals(sub) && method.equals("GET")) {
            log(exchange, name, query);
        } else if (method.equals("GET")) {
            FakePod pod = pods.get(name);
            if (pod == null) {
                status(exchange, 404, "NotFound", "pods \"" + name + "\" not found");
            } else {
                json(exchange, 200, snapshot(pod));
            }
        } else if (method.equals("DELETE")) {
            FakePod pod = pods.get(name);
            if (pod == null) {
                status(exchange, 404, "NotFound", "pods \"" + name + "\" not found");
                return;
            }
            synchronized (pod) {
                if (podsStayAfterDelete) {
                    ObjectNode metadata = (ObjectNode) pod.object.get("metadata");
                    metadata.put("deletionTimestamp", Instant.now().toString());
                    metadata.putArray("finalizers").add("example.com/hold");
                    pod.bump();
                } else {
                    pod.deleted = true;
                    pods.remove(name);
                    pod.bump();
                }
            }
            json(exchange, 200, snapshot(pod));
        } else {
            status(exchange, 405, "MethodNotAllowed", method);
        }
    }

    private static ObjectNode snapshot(FakePod pod) {
        synchronized (pod) {
            return pod.object.deepCopy();
        }
    }

    private void watch(HttpExchange exchange, Map<String, String> query) throws IOException {
        String selector = query.getOrDefault("fieldSelector", "");
        String name = selector.startsWith("metadata.name=") ? selector.substring("metadata.name=".length()) : null;
        long since = Long.parseLong(query.getOrDefault("resourceVersion", "0"));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(query.getOrDefault("timeoutSeconds", "30")));
        FakePod pod = name == null ? null : pods.get(name);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        if (pod == null) {
            ObjectNode gone = JSON.createObjectNode();
            gone.putObject("metadata").put("name", name);
            event(out, "DELETED", gone);
            return;
        }
        long sent = since;
        while (!stopped && System.nanoTime() < until) {
            ObjectNode object;
            boolean deleted;
            synchronized (pod) {
                while (pod.version <= sent && !stopped && System.nanoTime() < until) {
                    try {
                        pod.wait(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pod.version <= sent) {
                    return;
                }
                sent = pod.version;
                object = pod.object.deepCopy();
                deleted = pod.deleted;
            }
            event(out, deleted ? "DELETED" : "MODIFIED", object);
            if (deleted || watchesBreak) {
                return;
            }
        }
    }

    private static void event(OutputStream out, String type, ObjectNode object) throws IOException {
        ObjectNode event = JSON.createObjectNode();
        event.put("type", type);
        event.set("object", object);
        out.write(JSON.writeValueAsBytes(event));
        out.write('\n');
        out.flush();
    }

    private void log(HttpExchange exchange, String name, Map<String, String> query) throws IOException {
        FakePod pod = pods.get(name);
        if (pod == null) {
            status(exchange, 404, "NotFound", "pods \"" + name + "\" not found");
            return;
        }
        synchronized (pod) {
            if (!pod.containerStarted) {
                status(exchange, 400, "BadRequest", "container \"guest\" in pod \"" + name
                        + "\" is waiting to start: ContainerCreating");
                return;
            }
        }
        boolean follow = "true".equals(query.get("follow"));
        long limit = Long.parseLong(query.getOrDefault("limitBytes", Long.toString(Long.MAX_VALUE)));
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        long position = 0;
        while (!stopped && position < limit) {
            byte[] chunk;
            boolean finished;
            synchronized (pod) {
                while (follow && pod.log.size() == position && !pod.deleted && !pod.containerEnded && !stopped) {
                    try {
                        pod.wait(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                byte[] all = pod.log.toByteArray();
                int end = (int) Math.min(all.length, limit);
                chunk = java.util.Arrays.copyOfRange(all, (int) position, Math.max((int) position, end));
                finished = !follow || pod.deleted || pod.containerEnded;
            }
            if (chunk.length > 0) {
                out.write(chunk);
                out.flush();
                position += chunk.length;
            }
            if (finished && (chunk.length == 0 || position >= limit || !follow)) {
                return;
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static ObjectNode list(Iterable<ObjectNode> objects, String labelSelector) {
        Map<String, String> wanted = new LinkedHashMap<>();
        if (labelSelector != null && !labelSelector.isEmpty()) {
            for (String term : labelSelector.split(",")) {
                String[] kv = term.split("=", 2);
                wanted.put(kv[0], kv[1]);
            }
        }
        ObjectNode list = JSON.createObjectNode();
        list.put("kind", "List");
        ArrayNode items = list.putArray("items");
        for (ObjectNode object : objects) {
            JsonNode labels = object.path("metadata").path("labels");
            if (wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.path(e.getKey()).asText(null)))) {
                items.add(object.deepCopy());
            }
        }
        return list;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void status(HttpExchange exchange, int code, String reason, String message) throws IOException {
        ObjectNode status = JSON.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        status.put("code", code);
        json(exchange, code, status);
    }
}
