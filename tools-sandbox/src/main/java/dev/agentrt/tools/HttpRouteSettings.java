package dev.agentrt.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An {@code http} tool from routes.yaml: the call's JSON arguments are POSTed to {@code url}, whose
 * host:port must be on {@code http.allowlist}; the response body is the result.
 *
 * <pre>
 * http:
 *   allowlist: ["weather.internal:8443"]
 * tools:
 *   functions.get_weather:
 *     type: http
 *     url: https://weather.internal:8443/v1/current
 *     timeoutMs: 5000          # default 10000, ceiling 60000
 *     maxResponseBytes: 65536  # default 65536, ceiling 1 MiB
 * </pre>
 *
 * @param type              must be {@code http}
 * @param url               absolute http or https URL, without user info or fragment
 * @param timeoutMs         connect + response deadline of one call
 * @param maxResponseBytes  a longer response body is cut and the call answers OUTPUT_LIMIT
 * @param maxArgumentBytes  size cap of the arguments JSON (default and ceiling 256 KiB)
 * @param schema            optional JSON-schema subset the arguments must satisfy
 */
public record HttpRouteSettings(String type, String url, Long timeoutMs, Integer maxResponseBytes,
                                Integer maxArgumentBytes, JsonNode schema) implements ToolRoute {

    public static final long DEFAULT_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_RESPONSE_BYTES = 64 * 1024;
    public static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    public HttpRouteSettings {
        if (!"http".equals(type)) {
            throw new IllegalArgumentException("route type must be 'http' (got '" + type + "')");
        }
        uri(url); // fails on a bad URL
        timeoutMs = ToolRoute.checkTimeout(timeoutMs, DEFAULT_TIMEOUT_MS);
        maxResponseBytes = maxResponseBytes == null ? DEFAULT_RESPONSE_BYTES : maxResponseBytes;
        if (maxResponseBytes < 1 || maxResponseBytes > MAX_RESPONSE_BYTES) {
            throw new IllegalArgumentException("maxResponseBytes must be in [1, " + MAX_RESPONSE_BYTES + "]");
        }
        maxArgumentBytes = ToolRoute.checkArgumentCap(maxArgumentBytes);
        if (schema != null) {
            ArgumentSchema.checkSchema(schema);
        }
    }

    public URI uri() {
        return uri(url);
    }

    /** {@code host:port} of the URL, lower case, with the scheme's default port filled in. */
    public String hostPort() {
        URI uri = uri();
        int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static URI uri(String url) {
        if (url == null) {
            throw new IllegalArgumentException("an http route needs a 'url'");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid url '" + url + "': " + e.getMessage(), e);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("url must be an absolute http or https URL with a host: " + url);
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("url must not carry user info or a fragment: " + url);
        }
        return uri;
    }
}
