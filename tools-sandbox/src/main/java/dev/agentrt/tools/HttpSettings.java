package dev.agentrt.tools;

import java.util.List;
import java.util.Locale;

/**
 * The {@code http:} section of routes.yaml: the host:port pairs http tools may reach. Nothing is
 * reachable unless listed; a route to an unlisted host fails at load time and again at call time.
 *
 * @param allowlist  {@code host:port} entries, e.g. {@code weather.internal:443} or {@code 127.0.0.1:8080}
 */
public record HttpSettings(List<String> allowlist) {

    public HttpSettings {
        allowlist = allowlist == null ? List.of() : allowlist.stream().map(HttpSettings::checkEntry).toList();
    }

    public static HttpSettings none() {
        return new HttpSettings(List.of());
    }

    public boolean allows(String hostPort) {
        return allowlist.contains(hostPort.toLowerCase(Locale.ROOT));
    }

    private static String checkEntry(String entry) {
        if (entry == null) {
            throw new IllegalArgumentException("http.allowlist entries must be host:port");
        }
        int colon = entry.lastIndexOf(':');
        String host = colon > 0 ? entry.substring(0, colon) : "";
        String port = colon > 0 ? entry.substring(colon + 1) : "";
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.\\-\\[\\]:]{1,253}") || !port.matches("[0-9]{1,5}")
                || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("http.allowlist entry '" + entry + "' is not host:port");
        }
        return entry.toLowerCase(Locale.ROOT);
    }
}
