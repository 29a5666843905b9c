package dev.agentrt.tools.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentrt.tools.HttpRouteSettings;
import dev.agentrt.tools.HttpSettings;
import dev.agentrt.tools.RemoteTool;
import dev.agentrt.tools.StrictJson;
import dev.agentrt.tools.ToolCall;
import dev.agentrt.tools.ToolResult;
import dev.agentrt.tools.ToolStatus;
import dev.agentrt.tools.sandbox.OutputText;
import dev.agentrt.tools.sandbox.SandboxLimits;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@code http} tool: POSTs the validated JSON arguments to the route's URL with the call id as
 * {@code Idempotency-Key}, and makes the response body (capped at {@code maxResponseBytes}) the
 * result. The allowlist is checked again before every request; redirects are never followed, so
 * the request cannot leave the listed host.
 */
public final class HttpRoute implements RemoteTool {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final HttpRouteSettings settings;
    private final HttpSettings http;
    private final HttpClient client;

    public HttpRoute(HttpRouteSettings settings, HttpSettings http, HttpClient client) {
        this.settings = settings;
        this.http = http;
        this.client = client;
    }

    /** The client every http route shares: no redirects, HTTP/1.1 (plain servers and proxies understand it). */
    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(HttpRouteSettings.DEFAULT_TIMEOUT_MS))
                .build();
    }

    @Override
    public ToolResult call(ToolCall call, JsonNode arguments) {
        long start = System.nanoTime();
        if (!http.allows(settings.hostPort())) {
            return ToolResult.refused(call, ToolStatus.ERROR, settings.hostPort()
                    + " is not on http.allowlist; the tool was not contacted", TIER);
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(settings.uri())
                    .timeout(Duration.ofMillis(settings.timeoutMs()))
                    .header("Content-Type", "application/json")
                    .header(IDEMPOTENCY_KEY, call.callId())
                    .POST(HttpRequest.BodyPublishers.ofString(StrictJson.write(arguments)))
                    .build();
        } catch (IllegalArgumentException e) {
            return ToolResult.refused(call, ToolStatus.ERROR, "cannot build the request: " + e.getMessage(), TIER);
        }
        CompletableFuture<HttpResponse<CappedBody>> pending =
                client.sendAsync(request, CappedBody.handler(settings.maxResponseBytes()));
        try {
            HttpResponse<CappedBody> response = pending.get(settings.timeoutMs(), TimeUnit.MILLISECONDS);
            return answer(call, response, elapsedMs(start));
        } catch (TimeoutException e) {
            pending.cancel(true);
            return failed(call, ToolStatus.TIMEOUT, noAnswer(), start);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return failed(call, ToolStatus.TIMEOUT, noAnswer(), start);
            }
            String why = cause instanceof ConnectException ? "cannot connect to " + settings.hostPort()
                    : "request to " + settings.hostPort() + " failed: " + cause;
            return failed(call, ToolStatus.ERROR, why, start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.cancel(true);
            return failed(call, ToolStatus.ERROR, "the executor was interrupted during the call", start);
        }
    }

    private ToolResult answer(ToolCall call, HttpResponse<CappedBody> response, long wallMs) {
        CappedBody body = response.body();
        OutputText.View view = OutputText.forModel(OutputText.decode(body.bytes()),
                SandboxLimits.defaults().modelOutputBytes(), body.truncated());
        ToolStatus status;
        String error = null;
        if (response.statusCode() / 100 != 2) {
            status = ToolStatus.ERROR;
            error = "the tool answered HTTP " + response.statusCode();
        } else if (body.truncated()) {
            status = ToolStatus.OUTPUT_LIMIT;
            error = "the response exceeded " + settings.maxResponseBytes() + " bytes and was cut";
        } else {
            status = ToolStatus.OK;
        }
        return new ToolResult(call.callId(), call.recipient(), status, null, null, view.text(), error,
                view.truncated(), wallMs, -1, -1, TIER, List.of());
    }

    private String noAnswer() {
        return "no response from " + settings.hostPort() + " within " + settings.timeoutMs() + " ms";
    }

    private static ToolResult failed(ToolCall call, ToolStatus status, String error, long start) {
        return new ToolResult(call.callId(), call.recipient(), status, null, null, "", error, false,
                elapsedMs(start), -1, -1, TIER, List.of());
    }

    static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
