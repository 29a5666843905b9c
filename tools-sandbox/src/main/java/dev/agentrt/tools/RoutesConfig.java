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
 * routes.yaml: the built-in python tool's settings and the command tools.
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
 * </pre>
 */
public record RoutesConfig(PythonToolSettings python, Map<String, CommandRoute> tools) {

    public static final String PYTHON = "python";
    private static final long MAX_FILE_BYTES = 1024 * 1024;

    public RoutesConfig {
        python = python == null ? PythonToolSettings.defaults() : python;
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
        tools.values().forEach(route -> route.limits().resolve());
    }

    public static RoutesConfig defaults() {
        return new RoutesConfig(PythonToolSettings.defaults(), Map.of());
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
