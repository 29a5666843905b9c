package dev.agentrt.harmony;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Helpers for the {@code tools} maps of system and developer content: immutable, insertion-ordered. */
final class ToolNamespaces {
    private ToolNamespaces() {
    }

    static Map<String, ToolNamespaceConfig> copy(Map<String, ToolNamespaceConfig> tools) {
        if (tools == null) {
            return null;
        }
        LinkedHashMap<String, ToolNamespaceConfig> copy = new LinkedHashMap<>();
        tools.forEach((key, ns) -> copy.put(Objects.requireNonNull(key, "tool namespace key"),
            Objects.requireNonNull(ns, "tool namespace " + key)));
        return Collections.unmodifiableMap(copy);
    }

    static Map<String, ToolNamespaceConfig> with(Map<String, ToolNamespaceConfig> tools, String key, ToolNamespaceConfig ns) {
        LinkedHashMap<String, ToolNamespaceConfig> copy = tools == null ? new LinkedHashMap<>() : new LinkedHashMap<>(tools);
        copy.put(key, ns);
        return copy;
    }
}
