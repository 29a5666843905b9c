package dev.agentrt.tools;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * routes.yaml: the built-in python tool's settings, the http allowlist and the routed tools
 * ({@code command}, {@code http}, {@code kafka}: see {@link CommandRoute}, {@link HttpRouteSettings},
 * {@link KafkaRouteSettings}).
 *
 * <pre>
 * python:
 *   limits: { wallMs: 10000, memoryMiB: 256 }
 * tools:
 *   functions.word_count:
 *     type: command
 *     command: ["/usr/bin/python3", "-I", "/opt/tools/word_count.py"]
 *     readOnlyPaths: ["/opt/tools"]
 *     limits: { wallMs: 2000 }
 *     schema: { type: object, required: [text], properties: { text: { type: string } }, additionalProperties: false }
 *   functions.get_weather:
 *     type: http
 *     url: http://weather.internal:8080/current
 * http:
 *   allowlist: ["weather.internal:8080"]
 * </pre>
 */
public record RoutesConfig(PythonToolSettings python, HttpSettings http, Map<String, ToolRoute> tools) {

    public static final String PYTHON = "python";
    private static final long MAX_FILE_BYTES = 1024 * 1024;

    public RoutesConfig {
        python = python == null ? PythonToolSettings.defaults() : python;
        http = http == null ? HttpSettings.none() : http;
        if (tools != null) {
            tools.forEach((name, route) -> {
                if (route == null) {
                    throw new IllegalArgumentException("tool '" + name + "' has no route (type: command, http or kafka)");
                }
            });
        }
        tools = tools == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(tools));
        if (tools.containsKey(PYTHON)) {
            throw new IllegalArgumentException("'python' is the built-in tool; configure it under 'python:'");
        }
        for (String name : tools.keySet()) {
            if (!name.matches("[A-Za-z0-9_.\\-]{1,128}")) {
                throw new IllegalArgumentException("invalid tool name '" + name + "'");
            }
        }
        python.limits().resolve(); // fail at load time, not at the first call
        for (Map.Entry<String, ToolRoute> entry : tools.entrySet()) {
            switch (entry.getValue()) {
                case CommandRoute command -> command.limits().resolve();
                case HttpRouteSettings route -> {
                    if (!http.allows(route.hostPort())) {
                        throw new IllegalArgumentException("tool '" + entry.getKey() + "': " + route.hostPort()
                                + " is not on http.allowlist " + http.allowlist());
                    }
                }
                case KafkaRouteSettings route -> {
                    // topics checked by the record itself
                }
            }
        }
    }

    /** The routed tool of that name, or null. */
    public ToolRoute route(String name) {
        return tools.get(name);
    }

    public static RoutesConfig defaults() {
        return new RoutesConfig(PythonToolSettings.defaults(), HttpSettings.none(), Map.of());
    }

    public static RoutesConfig load(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(file + " is larger than 1 MiB");
            }
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            RoutesConfig config = yaml.readValue(file.toFile(), RoutesConfig.class);
            return config == null ? defaults() : config;
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("invalid " + file + ": " + cause.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
