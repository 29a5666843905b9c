package dev.agentrt.tools.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentrt.tools.HttpRouteSettings;
import dev.agentrt.tools.HttpSettings;
import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolStatus;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.tools.sandbox.SandboxConfig;
import dev.agentrt.tools.sandbox.SandboxRuntime;
import dev.agentrt.tools.sandbox.Tier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** http routes against JDK HttpServers this test starts on 127.0.0.1, through the executor's one code path. */
class HttpRouteTest {

    record Hit(String path, String body, String idempotencyKey) {
    }

    static HttpServer allowed;
    static HttpServer unlisted;
    static final ConcurrentLinkedQueue<Hit> hits = new ConcurrentLinkedQueue<>();
    static final AtomicInteger unlistedConnections = new AtomicInteger();
    static SandboxRuntime sandbox;
    static RemoteTools remotes;
    static ToolExecutor executor;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        allowed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        allowed.createContext("/echo", ex -> answer(ex, 200, "got " + record(ex).body()));
        allowed.createContext("/slow", ex -> {
            record(ex);
            sleep(3000);
            answer(ex, 200, "late");
        });
        allowed.createContext("/big", ex -> {
            record(ex);
            answer(ex, 200, "x".repeat(10_000));
        });
        allowed.createContext("/fail", ex -> answer(ex, 503, "down for maintenance " + record(ex).body()));
        allowed.start();
        unlisted = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        unlisted.createContext("/", ex -> {
            unlistedConnections.incrementAndGet();
            answer(ex, 200, "should never be reached");
        });
        unlisted.start();

        Path routes = dir.resolve("routes.yaml");
        Files.writeString(routes, """
                http:
                  allowlist: ["127.0.0.1:%1$d"]
                tools:
                  functions.echo:
                    type: http
                    url: http://127.0.0.1:%1$d/echo
                    schema: { type: object, required: [city], properties: { city: { type: string } } }
                  functions.slow: { type: http, url: "http://127.0.0.1:%1$d/slow", timeoutMs: 300 }
                  functions.big: { type: http, url: "http://127.0.0.1:%1$d/big", maxResponseBytes: 1000 }
                  functions.fail: { type: http, url: "http://127.0.0.1:%1$d/fail" }
                """.formatted(allowed.getAddress().getPort()));
        RoutesConfig config = RoutesConfig.load(routes);
        sandbox = SandboxRuntime.start(SandboxConfig.defaults("test-http").withUidBase(62400).withSlots(1)
                .withMinimumTier(Tier.A));
        remotes = RemoteTools.open(config, Map.of());
        executor = new ToolExecutor(sandbox, config, Map.of(), BuiltinTools.standard(Clock.systemUTC()),
                remotes.byName());
    }

    @AfterAll
    static void stop() {
        remotes.close();
        sandbox.close();
        allowed.stop(0);
        unlisted.stop(0);
    }

    static Hit record(HttpExchange ex) throws IOException {
        Hit hit = new Hit(ex.getRequestURI().getPath(), new String(ex.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8), ex.getRequestHeaders().getFirst(HttpRoute.IDEMPOTENCY_KEY));
        hits.add(hit);
        return hit;
    }

    static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (ex) {
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the client gave up (timeout test)
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ToolResult call(String id, String tool, String args) {
        return executor.execute(new ToolCall(id, tool, args));
    }

    static List<Hit> hitsOf(String path) {
        return hits.stream().filter(h -> h.path().equals(path)).toList();
    }

    @Test
    void postsTheArgumentsWithTheCallIdAsIdempotencyKey() {
        ToolResult result = call("conv/1/1", "functions.echo", "{\"city\": \"Zürich\"}");
        assertThat(result.status()).isEqualTo(ToolStatus.OK);
        assertThat(result.output()).isEqualTo("got {\"city\":\"Zürich\"}");
        assertThat(result.tier()).isEqualTo("REMOTE");
        assertThat(hitsOf("/echo")).contains(new Hit("/echo", "{\"city\":\"Zürich\"}", "conv/1/1"));
    }

    @Test
    void argumentsThatFailTheSchemaNeverReachTheServer() {
        int before = hitsOf("/echo").size();
        ToolResult result = call("conv/1/2", "functions.echo", "{\"town\": \"Bern\"}");
        assertThat(result.status()).isEqualTo(ToolStatus.BAD_ARGUMENTS);
        assertThat(result.error()).contains("city");
        ToolResult dup = call("conv/1/3", "functions.echo", "{\"city\": \"a\", \"city\": \"b\"}");
        assertThat(dup.status()).isEqualTo(ToolStatus.BAD_ARGUMENTS);
        assertThat(hitsOf("/echo")).hasSize(before);
    }

    @Test
    void aSlowServerIsATimeoutAtTheRouteBound() {
        long start = System.nanoTime();
        ToolResult result = call("conv/2/1", "functions.slow", "{}");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(result.status()).isEqualTo(ToolStatus.TIMEOUT);
        assertThat(result.error()).contains("300 ms");
        assertThat(elapsedMs).isBetween(300L, 1500L);
    }

    @Test
    void aResponseOverTheCapIsCutAndReportedAsOutputLimit() {
        ToolResult result = call("conv/3/1", "functions.big", "{}");
        assertThat(result.status()).isEqualTo(ToolStatus.OUTPUT_LIMIT);
        assertThat(result.truncated()).isTrue();
        assertThat(result.output()).startsWith("x".repeat(1000)).doesNotContain("x".repeat(1001));
    }

    @Test
    void anErrorStatusIsAnErrorWithTheBodyForTheModel() {
        ToolResult result = call("conv/4/1", "functions.fail", "{\"q\": 1}");
        assertThat(result.status()).isEqualTo(ToolStatus.ERROR);
        assertThat(result.error()).contains("HTTP 503");
        assertThat(result.output()).contains("down for maintenance");
    }

    @Test
    void aHostOffTheAllowlistIsRefusedWithoutAConnection() throws Exception {
        int port = unlisted.getAddress().getPort();
        var settings = new HttpRouteSettings("http", "http://127.0.0.1:" + port + "/", null, null, null, null);
        var route = new HttpRoute(settings, new HttpSettings(List.of("127.0.0.1:" + allowed.getAddress().getPort())),
                HttpRoute.newClient());
        ToolResult result = route.call(new ToolCall("conv/5/1", "functions.other", "{}"),
                new ObjectMapper().readTree("{}"));
        assertThat(result.status()).isEqualTo(ToolStatus.ERROR);
        assertThat(result.error()).contains("not on http.allowlist");
        assertThat(unlistedConnections.get()).isZero();

        Path routes = dir.resolve("unlisted.yaml");
        Files.writeString(routes, """
                http: { allowlist: ["127.0.0.1:%d"] }
                tools:
                  functions.other: { type: http, url: "http://127.0.0.1:%d/" }
                """.formatted(allowed.getAddress().getPort(), port));
        assertThatThrownBy(() -> RoutesConfig.load(routes)).hasMessageContaining("is not on http.allowlist");
    }

    @Test
    void badRouteConfigurationFailsAtLoadTime() throws IOException {
        Path routes = dir.resolve("bad.yaml");
        for (String[] bad : List.of(
                new String[] {"{ type: ftp, url: \"http://a:1/\" }", "ftp"},
                new String[] {"{ type: http, url: \"file:///etc/passwd\" }", "absolute http or https URL"},
                new String[] {"{ type: http, url: \"http://u:p@a:1/\" }", "user info"},
                new String[] {"{ type: http, url: \"http://a:1/\", timeoutMs: 120000 }", "timeoutMs"},
                new String[] {"{ type: http, url: \"http://a:1/\", maxResponseBytes: 0 }", "maxResponseBytes"},
                new String[] {"{ type: http, url: \"http://a:1/\", method: GET }", "method"},
                new String[] {"{ type: kafka, requestTopic: \"a b\", replyTopic: r }", "requestTopic"},
                new String[] {"{ type: kafka, requestTopic: same, replyTopic: same }", "must differ"})) {
            Files.writeString(routes, "http: { allowlist: [\"a:1\"] }\ntools:\n  functions.t: " + bad[0] + "\n");
            assertThatThrownBy(() -> RoutesConfig.load(routes)).as(bad[0]).hasMessageContaining(bad[1]);
        }
    }
}
